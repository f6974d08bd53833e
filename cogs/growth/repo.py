"""SQL of growth check-ins. Every query filters by guild and by the member: nobody reaches another member's
check-ins, and no guild sees another guild's."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from core.db import Executor, TransactionPool

_INSERT = """
    INSERT INTO growth_checkins (guild_id, user_id, goal, obstacle, feeling, style, reply, created_at)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id
"""
_GET = """
    SELECT id, goal, obstacle, feeling, style, reply, shared, created_at FROM growth_checkins
    WHERE guild_id = $1 AND user_id = $2 AND id = $3
"""
_MARK_SHARED = """
    UPDATE growth_checkins SET shared = true
    WHERE guild_id = $1 AND user_id = $2 AND id = $3 AND NOT shared
    RETURNING id, goal, obstacle, feeling, style, reply, shared, created_at
"""
_UNMARK_SHARED = "UPDATE growth_checkins SET shared = false WHERE guild_id = $1 AND user_id = $2 AND id = $3"
_PAGE = """
    SELECT id, goal, obstacle, feeling, style, reply, shared, created_at FROM growth_checkins
    WHERE guild_id = $1 AND user_id = $2
    ORDER BY created_at DESC, id DESC LIMIT $3 OFFSET $4
"""
_COUNT = "SELECT count(*) FROM growth_checkins WHERE guild_id = $1 AND user_id = $2"
_DELETE = "DELETE FROM growth_checkins WHERE guild_id = $1 AND user_id = $2 AND id = $3"


async def insert_checkin(db: Executor, guild_id: int, user_id: int, goal: str, obstacle: str | None,
                         feeling: str | None, style: str, reply: str, created_at: datetime) -> int:
    """Store a check-in and its AI reply; returns its id."""
    return await db.fetchval(_INSERT, guild_id, user_id, goal, obstacle, feeling, style, reply, created_at)


async def get_checkin(db: Executor, guild_id: int, user_id: int, checkin_id: int) -> Any:
    """The member's check-in `checkin_id` in this guild, or None."""
    return await db.fetchrow(_GET, guild_id, user_id, checkin_id)


async def mark_shared(db: Executor, guild_id: int, user_id: int, checkin_id: int) -> Any:
    """Mark the member's check-in as shared if it was not yet; the row, or None (missing or already shared)."""
    return await db.fetchrow(_MARK_SHARED, guild_id, user_id, checkin_id)


async def unmark_shared(db: Executor, guild_id: int, user_id: int, checkin_id: int) -> None:
    """Undo `mark_shared` (posting the check-in failed)."""
    await db.execute(_UNMARK_SHARED, guild_id, user_id, checkin_id)


async def page_of_checkins(db: TransactionPool, guild_id: int, user_id: int, limit: int,
                           offset: int) -> tuple[list[Any], int]:
    """A page of the member's check-ins in this guild, newest first, and how many there are in all."""
    async with db.acquire() as conn:
        total = await conn.fetchval(_COUNT, guild_id, user_id)
        rows = await conn.fetch(_PAGE, guild_id, user_id, limit, offset)
    return rows, total


async def count_checkins(db: Executor, guild_id: int, user_id: int) -> int:
    """How many check-ins the member has in this guild."""
    return await db.fetchval(_COUNT, guild_id, user_id)


async def delete_checkin(db: Executor, guild_id: int, user_id: int, checkin_id: int) -> bool:
    """Delete the member's own check-in in this guild; False when there is no such check-in of theirs."""
    status = await db.execute(_DELETE, guild_id, user_id, checkin_id)
    return status == "DELETE 1"
