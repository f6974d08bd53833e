"""Weekly awards: every Monday at `engagement.awards_time` (the guild's time zone) the previous week's awards
are computed from engagement_weekly_messages, posted once to `engagement.awards_channel`, and their winners get
badges. One recurring timers job per guild; the week's row (unique per guild and week) is locked while it is
computed and posted, and records the posted message, so a retried or repeated job never posts twice."""

from __future__ import annotations

import logging
from datetime import datetime, time, timedelta
from typing import Any

import discord

from cogs.engagement import repo
from cogs.engagement.contract import MixinMeta
from cogs.engagement.rules import local_day, next_weekly, week_bounds, week_start
from cogs.engagement.settings import AWARDS, ENGAGEMENT_AWARDS, ENGAGEMENT_AWARDS_CHANNEL, ENGAGEMENT_AWARDS_TIME
from core.channel_access import ChannelBlocked
from core.db import Executor
from core.guild_kit import post_to_log
from core.timers import Job

log = logging.getLogger(__name__)

AWARDS_JOB = "engagement_awards"
AWARDS_TIMEOUT = timedelta(minutes=5)  # a flush, the week's aggregates and one post
RETENTION = timedelta(weeks=5)  # indexed messages older than this (before the week just awarded) are dropped


def _parse_time(text: str) -> time:
    hours, minutes = text.split(":")
    return time(int(hours), int(minutes))


class AwardsMixin(MixinMeta):
    """The weekly awards job; mixed into the engagement cog."""

    async def plan_awards(self, guild_id: int) -> None:
        """Schedule the weekly job while an awards channel is set; cancel it otherwise."""
        if await self.bot.guild_settings.setting(guild_id, ENGAGEMENT_AWARDS_CHANNEL) is None:
            await self.bot.timers.cancel(AWARDS_JOB, str(guild_id))
            return
        await self.bot.timers.schedule(guild_id, AWARDS_JOB, str(guild_id), await self._next_awards(guild_id))

    async def _next_awards(self, guild_id: int, after: datetime | None = None) -> datetime:
        at = _parse_time(await self.bot.guild_settings.setting(guild_id, ENGAGEMENT_AWARDS_TIME))
        return next_weekly(at, await self.tz(guild_id), after or self.bot.clock.now())

    async def run_weekly_awards(self, job: Job) -> datetime | None:
        """Award the week before the job's Monday; returns next Monday's time (None once awards are off)."""
        guild_id = job.guild_id
        if await self.bot.guild_settings.setting(guild_id, ENGAGEMENT_AWARDS_CHANNEL) is None:
            return None
        tz = await self.tz(guild_id)
        monday = week_start(local_day(job.due_at, tz)) - timedelta(days=7)
        await self.award_week(guild_id, monday)
        return await self._next_awards(guild_id, max(job.due_at, self.bot.clock.now()))

    async def next_weekly_awards(self, job: Job) -> datetime | None:
        """Where a job that failed every attempt goes: next Monday's awards (None once awards are off)."""
        if await self.bot.guild_settings.setting(job.guild_id, ENGAGEMENT_AWARDS_CHANNEL) is None:
            return None
        return await self._next_awards(job.guild_id, max(job.due_at, self.bot.clock.now()))

    async def award_week(self, guild_id: int, monday: Any) -> discord.Message | None:
        """Compute, post and record the awards of the week starting `monday` (local); at most once per week."""
        await self.flush(nicknames=False)
        tz = await self.tz(guild_id)
        start, end = week_bounds(monday, tz)
        now = self.bot.clock.now()
        enabled = [key for key in await self.bot.guild_settings.setting(guild_id, ENGAGEMENT_AWARDS) if key in AWARDS]
        guild = self.bot.get_guild(guild_id)
        posted = None
        async with self.pool.acquire() as conn, conn.transaction():
            week_id, created = await repo.open_week(conn, guild_id, monday, monday + timedelta(days=6))
            week = await repo.week(conn, guild_id, week_id, lock=True)  # a second run waits here, then sees posted_at
            if week["posted_at"] is not None:
                return None
            if created:
                await self._compute(conn, guild_id, week_id, enabled, start, end, now)
            results = await repo.results(conn, guild_id, week_id)
            channel_id = await self.bot.guild_settings.setting(guild_id, ENGAGEMENT_AWARDS_CHANNEL)
            channel = guild.get_channel(channel_id) if guild and channel_id else None
            if results and isinstance(channel, discord.TextChannel):
                try:
                    posted = await self.bot.channel_access.send(
                        channel, what="the weekly awards", embed=self._awards_embed(guild, monday, results),
                        allowed_mentions=discord.AllowedMentions.none())
                except ChannelBlocked:
                    pass  # the admins were told once; the week is recorded as handled (no message id)
            elif results and guild is not None:
                await post_to_log(self.bot, guild, content=(
                    f"⚠️ The weekly awards channel (id {channel_id}) no longer exists: set a new one with "
                    "`/config set scope:engagement key:awards_channel`."))
            await repo.mark_posted(conn, guild_id, week_id, channel_id or 0, posted.id if posted else None, now)
        await repo.prune_messages(self.pool, guild_id, start - RETENTION)
        return posted

    async def _compute(self, conn: Executor, guild_id: int, week_id: int, enabled: list[str],
                       start: datetime, end: datetime, now: datetime) -> None:
        for key in enabled:
            if key == "star":
                row = await repo.most_reacted(conn, guild_id, start, end)
            else:
                row = await repo.top_senders(conn, guild_id, start, end, images_only=key == "photographer")
            if row is None or not row["metric"]:
                continue
            await repo.add_result(conn, guild_id, week_id, key, row["user_id"], row["metric"],
                                  row["message_id"] if key == "star" else None)
            await repo.award_badges(conn, guild_id, [row["user_id"]], key, now)

    def _awards_embed(self, guild: discord.Guild, monday: Any, results: list[Any]) -> discord.Embed:
        sunday = monday + timedelta(days=6)
        embed = discord.Embed(title=f"🏆 Weekly awards · {monday:%d %b} – {sunday:%d %b %Y}",
                              colour=discord.Colour.gold())
        for row in results:
            title, what, unit = AWARDS[row["award_key"]]
            winner = f"<@{row['user_id']}>" if row["user_id"] else "a former member"
            value = f"{winner} — {row['metric']} {unit} ({what})"
            if row["award_key"] == "star" and row["message_id"] and row["channel_id"]:
                value += f"\nhttps://discord.com/channels/{guild.id}/{row['channel_id']}/{row['message_id']}"
            embed.add_field(name=title, value=value, inline=False)
        embed.set_footer(text="Congratulations! The winners got a badge: see /profile.")
        return embed
