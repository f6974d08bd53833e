"""Server insight: counts each server's messages, joins and leaves per UTC day, and serves the daily figures of
the dashboard's overview and of `GET /api/v1/guilds/{guild_id}/stats` (cogs/insight/http.py).

- Counting costs no database round trip: a message-pipeline stage and the member join/leave listeners add 1 to an
  in-memory counter (`counts.DailyCounts`); a `FlushLoop` adds the counters to `guild_daily_stats` every minute
  with one set-based statement (each process writes its own counts, additively), and at shutdown.
- Module `stats` (on by default): where it is off nothing is counted (the stage is skipped, the listeners return).
- Other bots' messages and the bot's own are not counted, nor direct messages.
- Retention: 400 days (`core.retention`, one timers job for the whole table, run once across processes).
"""

from __future__ import annotations

import contextlib
import logging
from datetime import date, timedelta
from typing import Any

import discord
from discord.ext import commands

from cogs.insight.api import StatsApi
from cogs.insight.counts import JOINS, LEAVES, MESSAGES, DailyCounts
from cogs.insight.http import stats_router
from core.cog_base import HearthCog
from core.flush_loop import FlushLoop
from core.message_pipeline import MessageContext, attach
from core.modules import declare
from core.retention import LogTable, RetentionJob
from utils.local_days import LocalDays

log = logging.getLogger(__name__)

FLUSH_INTERVAL = 60.0  # seconds between writes of the counters
MAX_BACKOFF = 300.0
ORDER_INSIGHT = 99  # after every other stage: counting never changes what a message does
KEEP = timedelta(days=400)
DAILY_STATS = LogTable("guild_daily_stats", "day", per_guild=True)


class InsightCog(HearthCog, name="Insight"):
    """Daily message, join and leave counts, and the overview's figures."""

    pool_size = 1  # one batched write a minute, and the overview's reads
    module = declare("stats", "Server stats", docs="dashboard.md",
                     summary="messages, joins and leaves counted per day for the dashboard's charts")

    def __init__(self, bot: Any) -> None:
        super().__init__(bot)
        self.counts = DailyCounts()
        self.days = LocalDays()  # each count's day (UTC)
        self.flusher = FlushLoop(
            "Server stats", self.flush, bot.clock, interval=FLUSH_INTERVAL, max_backoff=MAX_BACKOFF,
            backlog=lambda: f"{len(self.counts)} daily counter(s)",
            dropped=lambda: f"{self.counts.dropped} count(s) dropped while the buffer was full")
        self.retention = RetentionJob(self, DAILY_STATS, kind="guild_daily_stats_retention", keep=KEEP)
        self.api: StatsApi | None = None
        self.router = stats_router(self.bot)

    async def load(self) -> None:
        self.api = StatsApi(self.pool, self.bot.apis, self.bot.clock.now, self.flush, self._module_on)
        self.bot.apis.publish(StatsApi, self.api)
        attach(self.bot).register("insight", self.on_message, order=ORDER_INSIGHT, run_after_delete=True,
                                  module=self.module)
        self.bot.api.include(self.router)
        self.flusher.start()
        await self.retention.start()

    async def unload(self) -> None:
        self.bot.api.remove(self.router)
        pipeline = getattr(self.bot, "pipeline", None)
        if pipeline is not None:
            pipeline.unregister("insight")
        if self.api is not None:
            self.bot.apis.withdraw(StatsApi, self.api)
        with contextlib.suppress(RuntimeError):
            self.retention.stop()
        await self.flusher.stop(timeout=5)

    async def _module_on(self, guild_id: int) -> bool:
        assert self.module is not None
        return await self.bot.modules.is_on(guild_id, self.module)

    def _today(self) -> date:
        return self.days.day(self.bot.clock.now(), "UTC")

    async def flush(self) -> int:
        """Add this process's counters to the table now."""
        return await self.counts.flush(self.pool)

    def on_message(self, context: MessageContext) -> None:
        """Pipeline stage: one more message on the guild's day (memory only: no coroutine)."""
        self.counts.add(context.message.guild.id, self.days.day(context.now, "UTC"), MESSAGES)

    @commands.Cog.listener()
    async def on_member_join(self, member: discord.Member) -> None:
        if not member.bot:
            self.counts.add(member.guild.id, self._today(), JOINS)

    @commands.Cog.listener()
    async def on_member_remove(self, member: discord.Member) -> None:
        if not member.bot:
            self.counts.add(member.guild.id, self._today(), LEAVES)
