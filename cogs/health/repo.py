"""SQL of the health endpoint."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from core.db import Executor, TransactionPool

# Taken (per transaction) by every process that wants to sample, so two processes sampling at the same instant
# still write one row per interval.
SAMPLE_LOCK = 0x4845_4C54_4853  # "HELTHS"


async def ping(pool: Executor) -> None:
    """One round trip; raises when the database is unreachable."""
    await pool.fetchval("SELECT 1")


_SAMPLE = """
    INSERT INTO health_check_history (service, version, uptime_seconds, db_status, guild_count,
                                      active_commands_24h, gpt_status, database_pool_size, checked_at)
    SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9
    WHERE NOT EXISTS (SELECT 1 FROM health_check_history
                      WHERE service = $1 AND checked_at > $9::timestamptz - $10::interval AND checked_at <= $9)
    RETURNING true
"""


async def record_sample(pool: TransactionPool, report: dict[str, Any], checked_at: datetime,
                        every: timedelta) -> bool:
    """Keep the report in `health_check_history` unless some process kept one less than `every` ago; True if
    written."""
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute("SELECT pg_advisory_xact_lock($1)", SAMPLE_LOCK)
        return bool(await conn.fetchval(
            _SAMPLE, report["service"], report["version"], report["uptime_seconds"], report["database"]["status"],
            report["guild_count"], report["commands_24h"], report["llm"]["status"], report["database_pool_size"],
            checked_at, every))
