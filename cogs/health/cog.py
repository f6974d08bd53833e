"""The health endpoint: version, uptime, database, guilds, recent commands, LLM and pool status.

Answers 200 when the database is reachable and 503 when it is not. Each answered check is kept in
`health_check_history`; rows older than 30 days are deleted once a day by a timers job with a fixed key
(`CLEANUP_KIND`, key "daily", guild 0), so with several bot processes it runs once, not once per process.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from datetime import datetime, timedelta
from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from cogs.health import repo
from gpt.probe import LLMProbe
from utils.cog_base import HearthCog
from utils.errors import DATABASE_ERRORS
from utils.timers import Job

log = logging.getLogger(__name__)

SERVICE = "hearth-bot"
RETENTION = timedelta(days=30)
CLEANUP_EVERY = timedelta(days=1)
CLEANUP_KIND = "health_history_cleanup"
CLEANUP_TIMEOUT = timedelta(minutes=5)
PING_TIMEOUT = 2.0


class HealthCog(HearthCog, name="Health"):
    """Serves GET /api/health."""

    pool_size = 2

    def __init__(self, bot: Any) -> None:
        super().__init__(bot)
        self.router = APIRouter()
        self.router.add_api_route("/api/health", self.health, methods=["GET"], summary="Bot health",
                                  response_description="200 when healthy, 503 when the database is down")
        self.llm_probe = LLMProbe(bot.config, clock=bot.clock)

    async def load(self) -> None:
        self.bot.api.include(self.router)
        # One job for all processes ((kind, key) is unique; guild 0 → the process holding shard 0 runs it). The
        # first run is a day after the first start (rows are kept 30 days); a run missed during downtime still
        # happens (on_skip = run): it is housekeeping.
        self.bot.timers.register(CLEANUP_KIND, self.run_cleanup, on_skip=self.run_cleanup,
                                 describe=lambda job: "health history clean-up", timeout=CLEANUP_TIMEOUT,
                                 next_occurrence=self.next_cleanup)
        if await self.bot.timers.due_at(CLEANUP_KIND, "daily") is None:
            await self.bot.timers.schedule(0, CLEANUP_KIND, "daily", self.bot.clock.now() + CLEANUP_EVERY)

    async def unload(self) -> None:
        self.bot.api.remove(self.router)
        self.bot.timers.unregister(CLEANUP_KIND)
        await self.llm_probe.close()

    async def report(self) -> dict[str, Any]:
        """The health report; `database.status` is "up" or "down"."""
        started = time.perf_counter()
        try:
            await asyncio.wait_for(repo.ping(self.pool), PING_TIMEOUT)
            database: dict[str, Any] = {"status": "up", "latency_ms": round((time.perf_counter() - started) * 1000, 1)}
            commands_24h = await repo.commands_since(self.pool, self.bot.clock.now() - timedelta(hours=24))
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
            await repo.record_check(self.pool, report, self.bot.clock.now())
        except DATABASE_ERRORS as exc:  # went down between the ping and the insert
            report["database"] = {"status": "down", "error": type(exc).__name__}
            return JSONResponse(report, status_code=503)
        return JSONResponse(report)

    async def cleanup(self) -> int:
        """Delete history older than 30 days; returns the number of rows deleted."""
        deleted = await repo.delete_older_than(self.pool, self.bot.clock.now() - RETENTION)
        if deleted:
            log.info("Health: deleted %d history row(s) older than %d days", deleted, RETENTION.days)
        return deleted

    async def run_cleanup(self, job: Job) -> datetime:
        """The daily timers job: clean up, then run again a day later (a database error retries it sooner)."""
        await self.cleanup()
        return self.bot.clock.now() + CLEANUP_EVERY

    async def next_cleanup(self, job: Job) -> datetime:
        """A clean-up that failed every attempt waits for tomorrow's (recurring: never lost)."""
        return self.bot.clock.now() + CLEANUP_EVERY
