"""SQL of the health endpoint."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import asyncpg


async def ping(pool: asyncpg.Pool) -> None:
    """One round trip; raises when the database is unreachable."""
    await pool.fetchval("SELECT 1")


async def commands_since(pool: asyncpg.Pool, since: datetime) -> int:
    """Commands recorded by the audit tracker since `since`, in all guilds."""
    return await pool.fetchval("SELECT count(*) FROM audit_logs WHERE created_at >= $1", since)


async def record_check(pool: asyncpg.Pool, report: dict[str, Any], checked_at: datetime) -> None:
    """Keep one health report in `health_check_history`."""
    await pool.execute(
        """INSERT INTO health_check_history (service, version, uptime_seconds, db_status, guild_count,
                                             active_commands_24h, gpt_status, database_pool_size, checked_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)""",
        report["service"], report["version"], report["uptime_seconds"], report["database"]["status"],
        report["guild_count"], report["commands_24h"], report["llm"]["status"], report["database_pool_size"],
        checked_at,
    )


async def delete_older_than(pool: asyncpg.Pool, cutoff: datetime) -> int:
    """Delete history rows older than `cutoff`; returns how many."""
    status = await pool.execute("DELETE FROM health_check_history WHERE checked_at < $1", cutoff)
    return int(status.split()[-1])
