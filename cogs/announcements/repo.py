"""SQL of scheduled announcements. Every query is scoped to one guild (only the GDPR ones cover one member)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import asyncpg

from core.db import Executor

_COLUMNS = "id, guild_id, channel_id, author_id, content, ping_role_id, ping_everyone, due_at"


@dataclass(frozen=True)
class Announcement:
    """A scheduled announcement (a row of `announcements`)."""

    id: int
    guild_id: int
    channel_id: int
    author_id: int | None  # None once a GDPR erasure forgot the member: it then pings nobody
    content: str
    ping_role_id: int | None
    ping_everyone: bool
    due_at: datetime


def _of(row: asyncpg.Record | None) -> Announcement | None:
    return Announcement(**dict(row)) if row is not None else None


_CREATE = f"""
    INSERT INTO scheduled_announcements (guild_id, channel_id, author_id, content, ping_role_id, ping_everyone, due_at)
    VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING {_COLUMNS}
"""
_GET = f"SELECT {_COLUMNS} FROM scheduled_announcements WHERE guild_id = $1 AND id = $2"
_LIST = f"SELECT {_COLUMNS} FROM scheduled_announcements WHERE guild_id = $1 ORDER BY due_at, id LIMIT $2"
_DELETE = "DELETE FROM scheduled_announcements WHERE guild_id = $1 AND id = $2 RETURNING id"
_FORGET_AUTHOR = "UPDATE scheduled_announcements SET author_id = NULL WHERE author_id = $1"


async def create(conn: Executor, guild_id: int, channel_id: int, author_id: int, content: str,
                 ping_role_id: int | None, ping_everyone: bool, due_at: datetime) -> Announcement:
    """Keep an announcement to be posted at `due_at`."""
    row = await conn.fetchrow(_CREATE, guild_id, channel_id, author_id, content, ping_role_id, ping_everyone,
                              due_at)
    announcement = _of(row)
    assert announcement is not None
    return announcement


async def get(conn: Executor, guild_id: int, announcement_id: int) -> Announcement | None:
    """The guild's scheduled announcement `announcement_id`, or None (posted, cancelled or another guild's)."""
    return _of(await conn.fetchrow(_GET, guild_id, announcement_id))


async def scheduled(conn: Executor, guild_id: int, limit: int = 100) -> list[Announcement]:
    """The guild's announcements waiting to be posted, soonest first."""
    return [Announcement(**dict(row)) for row in await conn.fetch(_LIST, guild_id, limit)]


async def delete(conn: Executor, guild_id: int, announcement_id: int) -> bool:
    """Forget the announcement (posted or cancelled); True when it was still there."""
    return await conn.fetchval(_DELETE, guild_id, announcement_id) is not None


async def forget_author(conn: Executor, user_id: int) -> int:
    """GDPR: forget the member as the author of the announcements they scheduled (they still get posted)."""
    result = await conn.execute(_FORGET_AUTHOR, user_id)
    return int(result.split()[-1])


# --- embeds posted with /embed create (the only bot messages /embed edit may change) ---------------------------

_RECORD_EMBED = """
    INSERT INTO posted_embeds (message_id, guild_id, channel_id, created_by, created_at) VALUES ($1, $2, $3, $4, $5)
    ON CONFLICT (message_id) DO NOTHING
"""
_IS_POSTED_EMBED = "SELECT EXISTS (SELECT 1 FROM posted_embeds WHERE guild_id = $1 AND message_id = $2)"
_FORGET_EMBED = "DELETE FROM posted_embeds WHERE guild_id = $1 AND message_id = $2"
_FORGET_EMBED_AUTHOR = "UPDATE posted_embeds SET created_by = NULL WHERE created_by = $1"


async def record_embed(conn: Executor, guild_id: int, channel_id: int, message_id: int, created_by: int,
                       created_at: datetime) -> None:
    """Remember an embed posted with /embed create, so /embed edit may change it later."""
    await conn.execute(_RECORD_EMBED, message_id, guild_id, channel_id, created_by, created_at)


async def is_posted_embed(conn: Executor, guild_id: int, message_id: int) -> bool:
    """Whether the message is an embed posted with /embed create on this guild."""
    return bool(await conn.fetchval(_IS_POSTED_EMBED, guild_id, message_id))


async def forget_embed(conn: Executor, guild_id: int, message_id: int) -> None:
    """The embed's message is gone: nothing to edit any more."""
    await conn.execute(_FORGET_EMBED, guild_id, message_id)


async def forget_embed_author(conn: Executor, user_id: int) -> int:
    """GDPR: forget the member as the poster of embeds (the embeds stay, and stay editable by staff)."""
    result = await conn.execute(_FORGET_EMBED_AUTHOR, user_id)
    return int(result.split()[-1])
