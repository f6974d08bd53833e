"""The health endpoint: version, uptime, database, guilds, recent commands, LLM and pool status; in Discord, the
same report as `/status` (Manage Server, with the timers queue of the server and overall) and `/about` (everyone:
version, documentation, privacy notice).

Answers 200 when the database is reachable and 503 when it is not. It is public (for load balancers) and says
nothing about any one guild. It is cheap whatever the request rate: each request is one `SELECT 1`; the count of
commands in the last 24 hours is refreshed at most once a minute per process (an index range scan), and the
report is kept in `health_check_history` at most once a minute across all processes (`SAMPLE_EVERY`). Samples
older than HEALTH_HISTORY_RETENTION_DAYS (default 30) are deleted by a daily retention job (`core/retention.py`,
kind `CLEANUP_KIND`, guild 0: one job for all processes).
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from datetime import datetime, timedelta
from typing import Any

import discord
from discord import app_commands
from fastapi.responses import JSONResponse

from cogs.audit.api import AuditApi
from cogs.health import repo
from cogs.health.status import about_embed, status_embed, stripe_status
from core.cog_base import HearthCog
from core.http_api import Routes
from core.retention import LogTable, RetentionJob
from gpt.probe import LLMProbe
from utils.errors import DATABASE_ERRORS

log = logging.getLogger(__name__)

SERVICE = "hearth-bot"
SAMPLE_EVERY = timedelta(minutes=1)
CLEANUP_KIND = "health_history_cleanup"
HISTORY = LogTable("health_check_history", "checked_at")
PING_TIMEOUT = 2.0


class HealthCog(HearthCog, name="Health"):
    """Serves GET /api/health."""

    pool_size = 1  # one health probe at a time

    def __init__(self, bot: Any) -> None:
        super().__init__(bot)
        self.router = Routes()
        self.router.add_api_route("/api/health", self.health, methods=["GET"], summary="Bot health",
                                  response_description="200 when healthy, 503 when the database is down")
        self.llm_probe = LLMProbe(bot.config, clock=bot.clock)
        self.retention = RetentionJob(self, HISTORY, kind=CLEANUP_KIND,
                                      keep=lambda: timedelta(days=bot.config.health_history_retention_days))
        self._commands: tuple[datetime, int] | None = None  # (counted at, commands in the 24 hours before)
        self._commands_lock = asyncio.Lock()  # a burst of requests counts once
        self._sampled_at: datetime | None = None  # when this process last kept (or tried to keep) a sample
        self._pinging: asyncio.Future[float] | None = None  # the database ping under way, shared by requests

    async def load(self) -> None:
        self.bot.api.include(self.router)
        await self.retention.start()

    async def unload(self) -> None:
        self.bot.api.remove(self.router)
        self.retention.stop()
        await self.llm_probe.close()

    async def report(self) -> dict[str, Any]:
        """The health report; `database.status` is "up" or "down"."""
        try:
            database: dict[str, Any] = {"status": "up", "latency_ms": await self._ping()}
            commands_24h = await self._commands_24h()
        except DATABASE_ERRORS as exc:  # includes the ping's timeout
            database = {"status": "down", "error": type(exc).__name__}
            commands_24h = None
        pools = self.bot.db.pool_sizes()
        return {
            "service": SERVICE,
            "version": self.bot.version,
            "uptime_seconds": self.bot.uptime_seconds,
            "database": database,
            "guild_count": len(self.bot.guilds),
            "shard_count": self.bot.shard_count,
            "shards": self._shards(),
            "commands_24h": commands_24h,
            "llm": await self.llm_probe.status(),
            "pools": pools,
            "database_pool_size": sum(p["size"] for p in pools.values()),
            "checked_at": self.bot.clock.now().isoformat(),
        }

    @app_commands.command(name="status", description="How the bot is doing: gateway, database, AI, payments, jobs")
    @app_commands.guild_only()
    @app_commands.default_permissions(manage_guild=True)
    @app_commands.checks.has_permissions(manage_guild=True)
    async def status(self, interaction: discord.Interaction) -> None:
        """/status for admins: the health report's figures and the timers queue of this server and overall."""
        assert interaction.guild_id is not None
        await interaction.response.defer(ephemeral=True, thinking=True)  # the LLM probe may take a moment
        report = await self.report()
        queued = None
        if report["database"]["status"] == "up":
            try:
                queued = await self.bot.timers.queued(interaction.guild_id)
            except DATABASE_ERRORS:
                queued = None
        embed = status_embed(report, queued, stripe_status(self.bot.config))
        await interaction.followup.send(embed=embed, ephemeral=True)

    @app_commands.command(name="about", description="About Hearth: version, documentation and your data")
    async def about(self, interaction: discord.Interaction) -> None:
        """/about for everyone."""
        await interaction.response.send_message(embed=about_embed(self.bot.version, self.bot.config.docs_url),
                                                ephemeral=True)

    async def _ping(self) -> float:
        """The database's round trip in milliseconds; requests arriving while a ping is under way share it, so a
        burst of health checks costs one round trip, not one connection each (single-flight)."""
        if self._pinging is None or self._pinging.done():
            self._pinging = asyncio.ensure_future(self._timed_ping())
        return await asyncio.shield(self._pinging)

    async def _timed_ping(self) -> float:
        started = time.perf_counter()
        await asyncio.wait_for(repo.ping(self.pool), PING_TIMEOUT)
        return round((time.perf_counter() - started) * 1000, 1)

    async def _commands_24h(self) -> int | None:
        """Commands of the last 24 hours (asked of the audit tracker), counted at most once per `SAMPLE_EVERY` in
        this process; None when the audit cog is not loaded (no tracker, nothing to count)."""
        audit = self.bot.apis.get(AuditApi)
        if audit is None:
            return None
        async with self._commands_lock:
            now = self.bot.clock.now()
            if self._commands is None or not timedelta(0) <= now - self._commands[0] < SAMPLE_EVERY:
                self._commands = (now, await audit.commands_since(now - timedelta(hours=24)))
            return self._commands[1]

    def _shards(self) -> list[dict[str, Any]]:
        """This process's gateway connections: shard id, connected or not, heartbeat latency (null before the
        first heartbeat answer)."""
        return [{"id": shard_id, "connected": not shard.is_closed(),
                 "latency_ms": round(shard.latency * 1000, 1) if math.isfinite(shard.latency) else None}
                for shard_id, shard in sorted(self.bot.shards.items())]

    async def health(self) -> JSONResponse:
        """GET /api/health: 200 with the report, or 503 when the database is down."""
        report = await self.report()
        if report["database"]["status"] != "up":
            return JSONResponse(report, status_code=503)
        try:
            await self._sample(report)
        except DATABASE_ERRORS as exc:  # went down between the ping and the insert
            report["database"] = {"status": "down", "error": type(exc).__name__}
            return JSONResponse(report, status_code=503)
        return JSONResponse(report)

    async def _sample(self, report: dict[str, Any]) -> None:
        """Keep the report in the history if no process kept one in the last `SAMPLE_EVERY`."""
        now = self.bot.clock.now()
        if self._sampled_at is not None and timedelta(0) <= now - self._sampled_at < SAMPLE_EVERY:
            return  # this process sampled less than a minute ago: no database work at all
        self._sampled_at = now
        try:
            await repo.record_sample(self.pool, report, now, SAMPLE_EVERY)
        except BaseException:
            self._sampled_at = None  # not kept: the next request tries again
            raise
