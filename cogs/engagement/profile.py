"""`/profile [member]` and `/leaderboard [period]`: PNG cards drawn with Pillow, or a text embed when images
can't be sent (no Attach Files permission, or the drawing failed).

The figures come from the engagement aggregates: all-time totals and ranks from `engagement_member_totals`,
"this week" and the week/month leaderboards from the daily counts of that period only. A member may ask for a
few cards a minute (`card_cooldown`, shared by both commands)."""

from __future__ import annotations

import asyncio
import io
import logging
from collections.abc import Callable
from datetime import date
from typing import Any

import discord
from discord import app_commands

from cogs.engagement import cards, repo
from cogs.engagement.api import ProfileFigures
from cogs.engagement.contract import MixinMeta
from cogs.engagement.rules import displayed_streak, strip_suffix, week_start
from cogs.engagement.settings import BADGES

log = logging.getLogger(__name__)

PERIODS = {"week": "this week", "month": "this month", "all": "all time"}
LEADERBOARD_SIZE = 10


def period_start(period: str, today: date) -> date | None:
    """The first local day counted by a leaderboard period (None = all time)."""
    if period == "week":
        return week_start(today)
    if period == "month":
        return today.replace(day=1)
    return None


class ProfileMixin(MixinMeta):
    """The profile and leaderboard commands; mixed into the engagement cog."""

    @app_commands.command(name="profile", description="A member's badges, streak, messages and rank")
    @app_commands.describe(member="Whose profile (default: yours)")
    @app_commands.guild_only()
    async def profile(self, interaction: discord.Interaction,
                      member: discord.Member | None = None) -> None:
        target = member or interaction.user
        guild = interaction.guild
        self.card_cooldown.hit((guild.id, interaction.user.id))
        await interaction.response.defer(thinking=True)
        figures = await self.profile_figures(guild.id, target.id)
        messages, rank, week_messages = figures.messages, figures.rank, figures.week_messages
        current, best, badges = figures.streak, figures.best_streak, figures.badges
        name = strip_suffix(target.display_name) or target.name  # the card shows the streak itself
        data = cards.ProfileData(name=name, subtitle=f"@{target.name}", user_id=target.id,
                                 messages=messages, rank=rank, streak=current, best_streak=best,
                                 week_messages=week_messages, badges=badges)
        if interaction.app_permissions.attach_files:
            data.avatar = await self.avatar_of(target)
            png = await self._draw(cards.profile_card, data)
            if png is not None:
                await interaction.followup.send(file=discord.File(io.BytesIO(png), filename="profile.png"),
                                                allowed_mentions=discord.AllowedMentions.none())
                return
        embed = discord.Embed(title=f"{name}'s profile", colour=discord.Colour.orange())
        embed.add_field(name="Messages", value=f"{messages:,}" + (f" (rank #{rank})" if rank else ""))
        embed.add_field(name="This week", value=f"{week_messages:,}")
        embed.add_field(name="Streak", value=f"🔥 {current} day(s) (best {best})")
        embed.add_field(name="Badges", inline=False, value=", ".join(
            f"{label} ×{times}" if times > 1 else label for label, times in badges) or "No badges yet")
        await interaction.followup.send(embed=embed, allowed_mentions=discord.AllowedMentions.none())

    async def profile_figures(self, guild_id: int, user_id: int) -> ProfileFigures:
        """A member's profile figures, fresh (buffered counts written first): `/profile` and the dashboard."""
        await self.flush(nicknames=False)
        today = self.today(await self.tz(guild_id))
        messages, rank = await repo.member_totals(self.pool, guild_id, user_id)
        week_messages = await repo.messages_since(self.pool, guild_id, user_id, week_start(today))
        streak = await repo.streak(self.pool, guild_id, user_id)
        current = displayed_streak(streak["current_days"], streak["last_day"], today) if streak else 0
        best = max(streak["best_days"], current) if streak else 0
        badges = [(BADGES.get(r["badge_key"], r["badge_key"]), int(r["times"]))
                  for r in await repo.badges(self.pool, guild_id, user_id)]
        return ProfileFigures(messages, rank, week_messages, current, best, badges)

    @app_commands.command(name="leaderboard", description="Who wrote the most messages")
    @app_commands.describe(period="Which period (default: this week)")
    @app_commands.choices(period=[app_commands.Choice(name=label, value=key) for key, label in PERIODS.items()])
    @app_commands.guild_only()
    async def leaderboard(self, interaction: discord.Interaction, period: str = "week") -> None:
        guild = interaction.guild
        self.card_cooldown.hit((guild.id, interaction.user.id))
        await interaction.response.defer(thinking=True)
        await self.flush(nicknames=False)
        tz = await self.tz(guild.id)
        since = period_start(period, self.today(tz))
        top = await repo.leaderboard(self.pool, guild.id, since, LEADERBOARD_SIZE)
        title = f"🏆 {guild.name} · leaderboard"
        subtitle = f"Messages {PERIODS[period]}" + (f" (since {since:%d %b %Y})" if since else "")
        if interaction.app_permissions.attach_files:
            rows = []
            for rank, row in enumerate(top, start=1):
                member = guild.get_member(row["user_id"])
                rows.append(cards.LeaderboardRow(rank, self.name_of(guild, row["user_id"]), row["user_id"],
                                                 int(row["messages"]), await self.avatar_of(member)))
            png = await self._draw(cards.leaderboard_card, title, subtitle, rows)
            if png is not None:
                await interaction.followup.send(file=discord.File(io.BytesIO(png), filename="leaderboard.png"),
                                                allowed_mentions=discord.AllowedMentions.none())
                return
        lines = [f"**#{rank}** {discord.utils.escape_markdown(self.name_of(guild, row['user_id']))} — "
                 f"{int(row['messages']):,} message(s)" for rank, row in enumerate(top, start=1)]
        embed = discord.Embed(title=title, colour=discord.Colour.orange(),
                              description="\n".join(lines) or "No messages counted in this period yet.")
        embed.set_footer(text=subtitle)
        await interaction.followup.send(embed=embed, allowed_mentions=discord.AllowedMentions.none())

    async def _draw(self, draw: Callable[..., bytes], *args: Any) -> bytes | None:
        try:
            return await asyncio.get_running_loop().run_in_executor(self.drawing, draw, *args)
        except Exception:  # a broken font or image must not cost the member their answer
            log.exception("Engagement: drawing a card failed; answering with text")
            return None

