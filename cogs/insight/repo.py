"""SQL of the insight cog: adding a batch of daily counts, and reading a guild's days."""

from __future__ import annotations

from datetime import date

import asyncpg

from core.db import Executor

Row = tuple[int, date, int, int, int]  # guild, day, messages, joins, leaves

_ADD = """
    INSERT INTO guild_daily_stats AS s (guild_id, day, messages, joins, leaves)
    SELECT g, d, m, j, l FROM unnest($1::bigint[], $2::date[], $3::int[], $4::int[], $5::int[]) AS b(g, d, m, j, l)
    ON CONFLICT (guild_id, day) DO UPDATE SET messages = s.messages + EXCLUDED.messages,
        joins = s.joins + EXCLUDED.joins, leaves = s.leaves + EXCLUDED.leaves
"""
_DAYS = """
    SELECT day, messages, joins, leaves FROM guild_daily_stats WHERE guild_id = $1 AND day >= $2 ORDER BY day
"""


async def add(executor: Executor, rows: list[Row]) -> None:
    """Add counted figures to their days, set-based, in one statement."""
    if not rows:
        return
    guilds, days, messages, joins, leaves = (list(column) for column in zip(*rows, strict=True))
    await executor.execute(_ADD, guilds, days, messages, joins, leaves)


async def days(executor: Executor, guild_id: int, since: date) -> list[asyncpg.Record]:
    """The guild's stored days from `since` on, oldest first (days with nothing counted have no row)."""
    return await executor.fetch(_DAYS, guild_id, since)
