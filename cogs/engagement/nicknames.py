"""Streaks in nicknames (`Alice 🔥12`) and the daily sweep that ends broken streaks.

The base nickname is stored when the suffix is first added (NULL = the member had none) and restored when
the streak ends or the feature is turned off. A member who renames themselves while wearing a suffix gets
their new name as the base. Members the bot cannot rename (the owner, roles not below the bot's) are skipped.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

import discord

from cogs.engagement import repo
from cogs.engagement.contract import MixinMeta
from cogs.engagement.rules import SUFFIX, next_midnight, rename_blocker, wanted_nick
from cogs.engagement.settings import (
    ENGAGEMENT_ENABLED,
    ENGAGEMENT_STREAK_NICKNAME_MIN,
    ENGAGEMENT_STREAK_NICKNAMES,
)
from core.timers import Job

log = logging.getLogger(__name__)

SWEEP_JOB = "engagement_streaks"
SWEEP_TIMEOUT = timedelta(minutes=15)  # restoring many nicknames runs into Discord's rate limits
REASON = "Hearth: daily streak"


class NicknamesMixin(MixinMeta):
    """Nickname suffixes; mixed into the engagement cog."""

    async def _streak_guilds(self, guild_ids: set[int]) -> set[int]:
        """Those of `guild_ids` with the nickname suffix on (settings from the cache)."""
        wanted = set()
        for guild_id in guild_ids:
            settings = self.bot.guild_settings
            if (await settings.setting(guild_id, ENGAGEMENT_STREAK_NICKNAMES)
                    and await settings.setting(guild_id, ENGAGEMENT_ENABLED)):
                wanted.add(guild_id)
        return wanted

    async def apply_streak_nicknames(self, rows: list[Any]) -> None:
        """After a flush: give each member whose streak was touched the nickname it calls for (one batch at a
        time, so two flushes never rename the same member concurrently)."""
        async with self._nickname_lock:
            await self._apply(rows)

    async def _apply(self, rows: list[Any]) -> None:
        for row in rows:
            member = self._member(row["guild_id"], row["user_id"])
            if member is None:
                continue
            minimum = await self.bot.guild_settings.setting(row["guild_id"], ENGAGEMENT_STREAK_NICKNAME_MIN)
            await self.set_streak_nick(member, row["current_days"], row["base_nickname"], row["nickname_applied"],
                                       minimum)

    async def set_streak_nick(self, member: discord.Member, days: int, stored_base: str | None,
                              applied: bool, minimum: int) -> str | None:
        """Rename the member for a streak of `days` (restoring the base below `minimum`); returns why not."""
        current = member.nick
        if applied and current is not None and SUFFIX.search(current):
            base = stored_base  # still our nickname: the stored base is the truth (the shown one may be cut short)
        else:
            base = current  # never renamed, or the member chose a new nickname since
        desired = wanted_nick(member, base, days, minimum)
        now_applied = desired is not None and desired != base
        if desired != current:
            blocker = rename_blocker(member)
            if blocker:
                return blocker
            try:
                await member.edit(nick=desired, reason=REASON)
            except discord.Forbidden:
                return "Discord refused the rename"
            except discord.HTTPException as exc:
                log.info("Guild %s: could not rename %s: %s", member.guild.id, member.id, exc)
                return "Discord refused the rename"
        if (base, now_applied) != (stored_base, applied):
            await repo.set_nickname_state(self.pool, member.guild.id, member.id, base, now_applied)
        return None

    async def restore_nicknames(self, guild_id: int) -> int:
        """Give every member wearing a suffix their base nickname back (the feature was turned off)."""
        restored = 0
        async with self._nickname_lock:
            for row in await repo.with_suffix(self.pool, guild_id):
                restored += await self._restore(guild_id, row["user_id"], row["base_nickname"])
        return restored

    async def _restore(self, guild_id: int, user_id: int, base: str | None) -> int:
        member = self._member(guild_id, user_id)
        if member is not None and member.nick is not None and SUFFIX.search(member.nick) and member.nick != base:
            if rename_blocker(member) is None:
                try:
                    await member.edit(nick=base, reason=REASON)
                except discord.HTTPException as exc:
                    log.info("Guild %s: could not restore the nickname of %s: %s", guild_id, user_id, exc)
                    return 0
        await repo.set_nickname_state(self.pool, guild_id, user_id, base, False)
        return 1

    # --- the daily sweep (a timers job per guild with the feature on) ------------------------------------------

    async def plan_streak_sweep(self, guild_id: int) -> None:
        """Schedule the daily sweep while the suffix is on; when it is off, cancel it and restore nicknames."""
        if guild_id in await self._streak_guilds({guild_id}):
            await self.bot.timers.schedule(guild_id, SWEEP_JOB, str(guild_id),
                                           next_midnight(await self.tz(guild_id), self.bot.clock.now()))
        else:
            await self.bot.timers.cancel(SWEEP_JOB, str(guild_id))
            await self.restore_nicknames(guild_id)

    async def run_streak_sweep(self, job: Job) -> datetime | None:
        """At local midnight: streaks whose last day is before yesterday end; their nicknames are restored."""
        guild_id = job.guild_id
        if guild_id not in await self._streak_guilds({guild_id}):
            return None
        await self.flush(nicknames=False)  # a message of yesterday still in the buffer keeps its streak alive
        tz = await self.tz(guild_id)
        yesterday = self.today(tz) - timedelta(days=1)
        async with self._nickname_lock:
            for row in await repo.end_broken_streaks(self.pool, guild_id, yesterday):
                if row["nickname_applied"]:
                    await self._restore(guild_id, row["user_id"], row["base_nickname"])
        return next_midnight(tz, max(job.due_at, self.bot.clock.now()))

    async def next_streak_sweep(self, job: Job) -> datetime | None:
        """Where a sweep that failed every attempt goes: the next local midnight (None once the suffix is off)."""
        if job.guild_id not in await self._streak_guilds({job.guild_id}):
            return None
        return next_midnight(await self.tz(job.guild_id), max(job.due_at, self.bot.clock.now()))
