"""SQL of `dashboard_sessions`: web sessions, found by the SHA-256 hash of the id in the browser's cookie."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from core.db import Executor

_CREATE = """
    INSERT INTO dashboard_sessions (id_hash, user_id, user_name, created_at, expires_at, guild_ids)
    VALUES ($1, $2, $3, $4, $5, $6)
"""
_FIND = ("SELECT user_id, user_name, expires_at, guild_ids FROM dashboard_sessions "
         "WHERE id_hash = $1 AND expires_at > $2")
_DELETE = "DELETE FROM dashboard_sessions WHERE id_hash = $1"
_PURGE = "DELETE FROM dashboard_sessions WHERE expires_at <= $1"
# A user keeps their newest sessions only (each browser that logged in is one): older ones are logged out.
_TRIM = """
    DELETE FROM dashboard_sessions WHERE id_hash IN (
        SELECT id_hash FROM dashboard_sessions WHERE user_id = $1 ORDER BY created_at DESC, id_hash OFFSET $2)
"""
_OF_USER = """
    SELECT user_id, user_name, created_at, expires_at, guild_ids FROM dashboard_sessions WHERE user_id = $1
    ORDER BY created_at
"""
_FORGET = "DELETE FROM dashboard_sessions WHERE user_id = $1"


@dataclass(frozen=True)
class Session:
    """A live web session."""

    user_id: int
    user_name: str
    expires_at: datetime
    # The servers Discord listed at login: candidates only, never trusted for access (cogs/dashboard/remote.py).
    guild_ids: tuple[int, ...] = ()


async def create(conn: Executor, id_hash: str, user_id: int, user_name: str, now: datetime,
                 expires_at: datetime, guild_ids: Iterable[int] = ()) -> None:
    """Store a new session (by the hash of its id), with the server ids Discord listed at login (at most 200)."""
    await conn.execute(_CREATE, id_hash, user_id, user_name[:100], now, expires_at, sorted(guild_ids)[:200])


async def find(conn: Executor, id_hash: str, now: datetime) -> Session | None:
    """The unexpired session with this id hash, or None."""
    row = await conn.fetchrow(_FIND, id_hash, now)
    if row is None:
        return None
    return Session(row["user_id"], row["user_name"], row["expires_at"], tuple(row["guild_ids"] or ()))


async def delete(conn: Executor, id_hash: str) -> None:
    """End one session (logout)."""
    await conn.execute(_DELETE, id_hash)


async def purge_expired(conn: Executor, now: datetime) -> None:
    """Delete every expired session."""
    await conn.execute(_PURGE, now)


async def trim(conn: Executor, user_id: int, keep: int) -> None:
    """Log a user out of all but their `keep` newest sessions."""
    await conn.execute(_TRIM, user_id, keep)


async def of_user(conn: Executor, user_id: int) -> list[Any]:
    """GDPR: a user's sessions (never the id hash)."""
    return await conn.fetch(_OF_USER, user_id)


async def forget_user(conn: Executor, user_id: int) -> int:
    """GDPR: end every session of a user; the number deleted."""
    status = await conn.execute(_FORGET, user_id)
    return int(status.split()[-1])
