"""The health endpoint: version, uptime, database, guilds, recent commands, LLM and pool status.

Answers 200 when the database is reachable and 503 when it is not. Each answered check is kept in
`health_check_history`; rows older than 30 days are deleted once a day.
"""

from __future__ import annotations

import asyncio
import logging
import time
from datetime import timedelta
from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from cogs.health import repo
from gpt.probe import LLMProbe
from utils.cog_base import HearthCog
from utils.errors import DATABASE_ERRORS

log = logging.getLogger(__name__)

SERVICE = "hearth-bot"
RETENTION = timedelta(days=30)
CLEANUP_EVERY = 24 * 3600  # seconds
PING_TIMEOUT = 2.0


class HealthCog(HearthCog, name="Health"):
    """Serves GET /api/health."""

    pool_size = 2

    def __init__(self, bot: Any) -> None:
        super().__init__(bot)
        self.router = APIRouter()
        self.router.add_api_route("/api/health", self.health, methods=["GET"], summary="Bot health",
                                  response_description="200 when healthy, 503 when the database is down")
        self._cleanup_task: asyncio.Task[None] | None = None
        self.llm_probe = LLMProbe(bot.config, clock=bot.clock)

    async def load(self) -> None:
        self.bot.api.include(self.router)
        await self._cleanup_safely()
        self._cleanup_task = asyncio.create_task(self._cleanup_loop(), name="health-cleanup")

    async def unload(self) -> None:
        self.bot.api.remove(self.router)
        if self._cleanup_task is not None:
            self._cleanup_task.cancel()
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
            "commands_24h": commands_24h,
            "llm": await self.llm_probe.status(),
            "pools": pools,
            "database_pool_size": sum(p["size"] for p in pools.values()),
            "checked_at": self.bot.clock.now().isoformat(),
        }

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

    async def _cleanup_safely(self) -> None:
        try:
            await self.cleanup()
        except DATABASE_ERRORS as exc:
            log.warning("Health: history cleanup failed (%s); next try in a day", exc)

    async def _cleanup_loop(self) -> None:
        while True:
            await asyncio.sleep(CLEANUP_EVERY)
            await self._cleanup_safely()
