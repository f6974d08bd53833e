"""`/invites show [member]`, `/invites leaderboard` (an image card, or text when it can't be sent), and for admins
(Manage Server) `/invites set <member> <count>` and `/invites reset <member | all>`.

Discord does not let a command group also be a command, so a member's figures are `/invites show`. Members see
`set` and `reset` too (Discord applies a group's default permissions to all its subcommands), and they refuse
anyone without Manage Server before reading any option. An adjustment never rewrites the join history: it is a row
of its own, and the count goes on from it (cogs/invites/repo.py).
"""

from __future__ import annotations

import asyncio
import io
import logging

import discord
from discord import app_commands

from cogs.invites import repo
from cogs.invites.announce import plain_name
from cogs.invites.contract import MixinMeta
from cogs.invites.settings import INVITES_FAKE_ACCOUNT_AGE
from utils import cards
from utils.durations import format_duration
from utils.errors import BadInput
from utils.owned_view import OwnedView

log = logging.getLogger(__name__)

LEADERBOARD_SIZE = 10
EMPTY_BOARD = "No invites counted yet."
Count = app_commands.Range[int, 0, 1_000_000]


admins_only = app_commands.checks.has_permissions(manage_guild=True)


class ResetAllView(OwnedView):
    """Confirm or cancel resetting everyone's invites (only the admin who asked may press)."""

    refusal = "Only the admin who asked can confirm this reset."

    def __init__(self, cog: MixinMeta, owner_id: int) -> None:
        super().__init__(owner_id, timeout=300)
        self.cog = cog

    @discord.ui.button(label="Reset everyone's invites", style=discord.ButtonStyle.danger)
    async def confirm(self, interaction: discord.Interaction, _: discord.ui.Button[ResetAllView]) -> None:
        self.stop()
        guild = interaction.guild
        assert guild is not None
        if not interaction.permissions.manage_guild:  # still an admin when pressing
            await interaction.response.edit_message(
                content="You no longer have the **Manage Server** permission: nothing was changed.", view=None)
            return
        await repo.adjust(self.cog.pool, guild.id, None, "reset", 0, interaction.user.id, self.cog.bot.clock.now())
        await interaction.response.edit_message(
            content="✅ Everyone's invites start again from 0. The join history is kept (`/invites show`).",
            view=None)

    @discord.ui.button(label="Cancel", style=discord.ButtonStyle.secondary)
    async def cancel(self, interaction: discord.Interaction, _: discord.ui.Button[ResetAllView]) -> None:
        self.stop()
        await interaction.response.edit_message(content="Reset cancelled: nothing was changed.", view=None)


class InvitesCommands(MixinMeta):
    """The /invites commands; mixed into the invites cog."""

    invites = app_commands.Group(name="invites", description="Who invited whom", guild_only=True)

    def _name(self, guild: discord.Guild, user_id: int) -> str:
        member = guild.get_member(user_id)
        return member.display_name if member is not None else f"Former member {user_id}"

    # --- /invites show ------------------------------------------------------------------------------------------

    @invites.command(name="show", description="A member's invites: joins, still here, left, fake")
    @app_commands.describe(member="Whose invites (default: yours)")
    async def show(self, interaction: discord.Interaction, member: discord.User | None = None) -> None:
        guild = interaction.guild
        assert guild is not None
        target = member or interaction.user
        fake_age = await self.bot.guild_settings.setting(guild.id, INVITES_FAKE_ACCOUNT_AGE)
        counts = await repo.counts_of(self.pool, guild.id, target.id, fake_age)
        adjustment = await repo.adjustment_of(self.pool, guild.id, target.id)
        embed = discord.Embed(title=f"{plain_name(target)}'s invites"[:256], colour=discord.Colour.blurple(),
                              description=f"**{counts.invites:,}** invite(s)")
        embed.add_field(name="Joined through their invites", value=f"{counts.joins:,}")
        embed.add_field(name="Still here", value=f"{counts.still_here:,}")
        embed.add_field(name="Left", value=f"{counts.left:,}")
        embed.add_field(name="Fake", value=f"{counts.fake:,} (accounts younger than {format_duration(fake_age)})")
        if adjustment is not None:
            who = f"<@{adjustment.set_by}>" if adjustment.set_by else "an admin"
            what = ("everyone's invites were reset" if adjustment.everyone else
                    "reset to 0" if adjustment.kind == "reset" else f"set to {adjustment.value:,}")
            embed.add_field(name="Adjusted", inline=False,
                            value=f"{what} by {who} {discord.utils.format_dt(adjustment.created_at, 'R')}; the "
                                  "count goes on from there")
        embed.set_footer(text="Invites = joins still here, not fake (each member counts once, for the invite of "
                              "their latest join)")
        await interaction.response.send_message(embed=embed, allowed_mentions=discord.AllowedMentions.none())

    # --- /invites leaderboard -----------------------------------------------------------------------------------

    @invites.command(name="leaderboard", description="Who invited the most members")
    async def leaderboard(self, interaction: discord.Interaction) -> None:
        guild = interaction.guild
        assert guild is not None
        self.card_cooldown.hit((guild.id, interaction.user.id))
        await interaction.response.defer(thinking=True)
        fake_age = await self.bot.guild_settings.setting(guild.id, INVITES_FAKE_ACCOUNT_AGE)
        top = await repo.leaderboard(self.pool, guild.id, fake_age, LEADERBOARD_SIZE)
        title = f"📨 {guild.name} · invites"
        subtitle = f"Members still here, not counting accounts younger than {format_duration(fake_age)}"
        if interaction.app_permissions.attach_files:
            rows = [cards.LeaderboardRow(rank, self._name(guild, row.user_id), row.user_id, row.invites,
                                         await cards.avatar_bytes(guild.get_member(row.user_id)))
                    for rank, row in enumerate(top, start=1)]
            png = await self._draw(title, subtitle, rows)
            if png is not None:
                await interaction.followup.send(file=discord.File(io.BytesIO(png), filename="invites.png"),
                                                allowed_mentions=discord.AllowedMentions.none())
                return
        lines = [f"**#{rank}** {discord.utils.escape_markdown(self._name(guild, row.user_id))} — "
                 f"{row.invites:,} invite(s)" for rank, row in enumerate(top, start=1)]
        embed = discord.Embed(title=title[:256], colour=discord.Colour.blurple(),
                              description="\n".join(lines) or EMPTY_BOARD)
        embed.set_footer(text=subtitle)
        await interaction.followup.send(embed=embed, allowed_mentions=discord.AllowedMentions.none())

    async def _draw(self, title: str, subtitle: str, rows: list[cards.LeaderboardRow]) -> bytes | None:
        try:
            return await asyncio.get_running_loop().run_in_executor(
                self.drawing, lambda: cards.leaderboard_card(title, subtitle, rows, empty=EMPTY_BOARD))
        except Exception:  # a broken font or image must not cost the member their answer
            log.exception("Invites: drawing the leaderboard failed; answering with text")
            return None

    # --- admins: /invites set, /invites reset ---------------------------------------------------------------------

    @invites.command(name="set", description="Set a member's invite count (admins; the history is kept)")
    @app_commands.describe(member="Whose count", count="Their invites from now on (new invites add to it)")
    @admins_only
    async def set_(self, interaction: discord.Interaction, member: discord.User, count: Count) -> None:
        guild = interaction.guild
        assert guild is not None
        await repo.adjust(self.pool, guild.id, member.id, "set", count, interaction.user.id, self.bot.clock.now())
        await interaction.response.send_message(
            f"✅ {member.mention} now has {count:,} invite(s); new invites add to it. The join history is kept.",
            ephemeral=True, allowed_mentions=discord.AllowedMentions.none())

    @invites.command(name="reset", description="Reset a member's invites, or everyone's, to 0 (admins)")
    @app_commands.describe(member="Whose invites to reset", all_members="Everyone's (asks to confirm)")
    @app_commands.rename(all_members="all")
    @admins_only
    async def reset(self, interaction: discord.Interaction, member: discord.User | None = None,
                    all_members: bool = False) -> None:
        guild = interaction.guild
        assert guild is not None
        if (member is None) == (not all_members):
            raise BadInput("Give either a member or all:True (not both).",
                           example="/invites reset member:@Sam  or  /invites reset all:True")
        if member is not None:
            await repo.adjust(self.pool, guild.id, member.id, "reset", 0, interaction.user.id, self.bot.clock.now())
            await interaction.response.send_message(
                f"✅ {member.mention}'s invites start again from 0. The join history is kept.", ephemeral=True,
                allowed_mentions=discord.AllowedMentions.none())
            return
        await interaction.response.send_message(
            "Reset **everyone's** invites to 0? New invites count from now on; the join history is kept.",
            view=ResetAllView(self, interaction.user.id), ephemeral=True)
