"""SQL of the audit tracker: batch inserts and the figures of /command_stats."""

from __future__ import annotations

from datetime import date, datetime

import asyncpg

from cogs.audit.buffer import COLUMNS, AuditRecord
from core.db import Executor


async def insert_batch(pool: Executor, records: list[AuditRecord]) -> None:
    """Write records with one COPY (fast, one round trip)."""
    await pool.copy_records_to_table("audit_logs", records=[r.as_row() for r in records], columns=list(COLUMNS))


async def command_totals(pool: Executor, guild_id: int, since: datetime | None,
                         command: str | None, limit: int = 10) -> list[asyncpg.Record]:
    """Per command: uses and failures, most used first."""
    return await pool.fetch(
        """SELECT command_name, count(*) AS uses, count(*) FILTER (WHERE success IS FALSE) AS failures
           FROM audit_logs
           WHERE guild_id = $1 AND ($2::timestamptz IS NULL OR created_at >= $2)
             AND ($3::text IS NULL OR command_name = $3)
           GROUP BY command_name ORDER BY uses DESC, command_name LIMIT $4""",
        guild_id, since, command, limit,
    )


async def overall(pool: Executor, guild_id: int, since: datetime | None,
                  command: str | None) -> asyncpg.Record:
    """Total uses and failures."""
    return await pool.fetchrow(
        """SELECT count(*) AS uses, count(*) FILTER (WHERE success IS FALSE) AS failures FROM audit_logs
           WHERE guild_id = $1 AND ($2::timestamptz IS NULL OR created_at >= $2)
             AND ($3::text IS NULL OR command_name = $3)""",
        guild_id, since, command,
    )


async def busiest_hours(pool: Executor, guild_id: int, since: datetime | None, command: str | None,
                        timezone: str, limit: int = 3) -> list[asyncpg.Record]:
    """The hours of the day (in the guild's time zone) with the most uses."""
    return await pool.fetch(
        """SELECT extract(hour FROM created_at AT TIME ZONE $4)::int AS hour, count(*) AS uses FROM audit_logs
           WHERE guild_id = $1 AND ($2::timestamptz IS NULL OR created_at >= $2)
             AND ($3::text IS NULL OR command_name = $3)
           GROUP BY hour ORDER BY uses DESC, hour LIMIT $5""",
        guild_id, since, command, timezone, limit,
    )


async def frequent_errors(pool: Executor, guild_id: int, since: datetime | None, command: str,
                          limit: int = 3) -> list[asyncpg.Record]:
    """The most frequent error messages of one command."""
    return await pool.fetch(
        """SELECT error_message, count(*) AS times FROM audit_logs
           WHERE guild_id = $1 AND ($2::timestamptz IS NULL OR created_at >= $2) AND command_name = $3
             AND success IS FALSE
           GROUP BY error_message ORDER BY times DESC LIMIT $4""",
        guild_id, since, command, limit,
    )


async def command_names(pool: Executor, guild_id: int, prefix: str, limit: int = 25) -> list[str]:
    """Command names used in the guild, for autocomplete."""
    rows = await pool.fetch(
        """SELECT DISTINCT command_name FROM audit_logs
           WHERE guild_id = $1 AND starts_with(lower(command_name), lower($2))
           ORDER BY command_name LIMIT $3""",
        guild_id, prefix, limit,
    )
    return [row["command_name"] for row in rows]


async def commands_since(pool: asyncpg.Pool, since: datetime) -> int:
    """Commands recorded since `since`, in all guilds (an index range scan on created_at)."""
    return await pool.fetchval("SELECT count(*) FROM audit_logs WHERE created_at >= $1", since)


_RECENT = """
    SELECT id, user_id, command_name, command_type, success, error_message, created_at FROM audit_logs
    WHERE guild_id = $1 AND ($2::text IS NULL OR command_name = $2 OR starts_with(command_name, $2 || ' '))
      AND ($3::bigint IS NULL OR user_id = $3) AND ($6::bigint IS NULL OR id < $6)
    ORDER BY created_at DESC, id DESC LIMIT $4 OFFSET $5
"""


async def recent(pool: Executor, guild_id: int, command: str | None, user_id: int | None, limit: int,
                 offset: int, before: int | None = None) -> list[asyncpg.Record]:
    """A guild's recorded commands, newest first (the (guild_id, created_at) index), filtered; `before`: only ids
    below it (rows are written in the order they were recorded, so ids follow created_at)."""
    return await pool.fetch(_RECENT, guild_id, command, user_id, limit, offset, before)


_DAILY = """
    SELECT (created_at AT TIME ZONE 'UTC')::date AS day, count(*) AS n FROM audit_logs
    WHERE guild_id = $1 AND created_at >= $2 AND command_type NOT IN ('dashboard', 'api') GROUP BY day
"""


async def daily_counts(pool: Executor, guild_id: int, since: datetime) -> dict[date, int]:
    """Commands used in the guild per UTC day since `since` (changes made on the dashboard or the API not counted)."""
    return {row["day"]: row["n"] for row in await pool.fetch(_DAILY, guild_id, since)}
