"""SQL of the channel locks (`moderation_channel_locks`): the overwrites a lock changed, as they were.

`previous` maps a role id (as text, JSON keys are strings) to `[allow, deny]` of its overwrite before the lock, or
to null when it had none.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import asyncpg

from core.db import Executor

Previous = dict[str, list[int] | None]


@dataclass(frozen=True)
class ChannelLock:
    """One locked channel."""

    channel_id: int
    previous: Previous
    locked_by: int | None
    reason: str | None
    locked_at: datetime


def _lock(row: Any) -> ChannelLock:
    return ChannelLock(row["channel_id"], dict(row["previous"] or {}), row["locked_by"], row["reason"],
                       row["locked_at"])


async def save(conn: asyncpg.Connection, guild_id: int, channel_id: int, previous: Previous, *,
               locked_by: int, reason: str | None, now: datetime) -> ChannelLock:
    """Record a lock, in the caller's transaction. A channel already locked keeps what it saved: only roles it had
    not saved yet are added (so a second lock never replaces the state the first one found)."""
    await conn.execute(
        "INSERT INTO moderation_channel_locks (guild_id, channel_id, previous, locked_by, reason, locked_at) "
        "VALUES ($1, $2, '{}'::jsonb, $3, $4, $5) ON CONFLICT (guild_id, channel_id) DO NOTHING",
        guild_id, channel_id, locked_by, reason, now)
    row = await conn.fetchrow(
        "SELECT * FROM moderation_channel_locks WHERE guild_id = $1 AND channel_id = $2 FOR UPDATE",
        guild_id, channel_id)
    merged = {**previous, **dict(row["previous"] or {})}
    row = await conn.fetchrow(
        "UPDATE moderation_channel_locks SET previous = $3 WHERE guild_id = $1 AND channel_id = $2 RETURNING *",
        guild_id, channel_id, merged)
    return _lock(row)


async def get(executor: Executor, guild_id: int, channel_id: int) -> ChannelLock | None:
    """The channel's lock, or None when it is not locked."""
    row = await executor.fetchrow(
        "SELECT * FROM moderation_channel_locks WHERE guild_id = $1 AND channel_id = $2", guild_id, channel_id)
    return _lock(row) if row else None


async def locked(executor: Executor, guild_id: int) -> list[ChannelLock]:
    """Every locked channel of the guild, oldest lock first."""
    rows = await executor.fetch(
        "SELECT * FROM moderation_channel_locks WHERE guild_id = $1 ORDER BY locked_at, channel_id", guild_id)
    return [_lock(row) for row in rows]


async def delete(executor: Executor, guild_id: int, channel_id: int) -> bool:
    """Forget the channel's lock (it was undone); False when there was none."""
    status = await executor.execute(
        "DELETE FROM moderation_channel_locks WHERE guild_id = $1 AND channel_id = $2", guild_id, channel_id)
    return status.endswith(" 1")
