"""SQL of `api_keys`: keys of the HTTP API, stored as a SHA-256 hash with a short visible prefix."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from core.api_keys import ApiKey
from core.db import Executor

_COLUMNS = "id, guild_id, name, prefix, scope, created_by, created_at, last_used_at, revoked_at"
_CREATE = f"""
    INSERT INTO api_keys (guild_id, name, prefix, key_hash, scope, created_by, created_at)
    VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING {_COLUMNS}
"""
_FIND = f"SELECT {_COLUMNS} FROM api_keys WHERE key_hash = $1"
# At most one write per key per `every`: a busy client does not turn every request into an UPDATE.
_TOUCH = """
    UPDATE api_keys SET last_used_at = $2
    WHERE id = $1 AND (last_used_at IS NULL OR last_used_at <= $2::timestamptz - $3::interval)
"""
_ACTIVE = f"SELECT {_COLUMNS} FROM api_keys WHERE guild_id = $1 AND revoked_at IS NULL ORDER BY created_at, id"
_OF_GUILD = f"SELECT {_COLUMNS} FROM api_keys WHERE guild_id = $1 ORDER BY created_at DESC, id DESC LIMIT 200"
_COUNT_ACTIVE = "SELECT count(*) FROM api_keys WHERE guild_id = $1 AND revoked_at IS NULL"
_REVOKE = f"""
    UPDATE api_keys SET revoked_at = $4, revoked_by = $3
    WHERE guild_id = $1 AND prefix = $2 AND revoked_at IS NULL RETURNING {_COLUMNS}
"""
# GDPR: the keys a member created or revoked (never the hash); they belong to the server and forget the member.
_OF_USER = """
    SELECT id, guild_id, name, prefix, scope, created_by, created_at, last_used_at, revoked_by, revoked_at
    FROM api_keys WHERE created_by = $1 OR revoked_by = $1 ORDER BY id
"""
_FORGET_CREATOR = "UPDATE api_keys SET created_by = NULL WHERE created_by = $1"
_FORGET_REVOKER = "UPDATE api_keys SET revoked_by = NULL WHERE revoked_by = $1"


def _key(row: Any) -> ApiKey:
    return ApiKey(**dict(row))


async def create(executor: Executor, guild_id: int, name: str, prefix: str, key_hash: str, scope: str,
                 created_by: int, now: datetime) -> ApiKey:
    """Store a new key (its hash only)."""
    return _key(await executor.fetchrow(_CREATE, guild_id, name, prefix, key_hash, scope, created_by, now))


async def find(executor: Executor, key_hash: str) -> ApiKey | None:
    """The key with this hash, revoked or not."""
    row = await executor.fetchrow(_FIND, key_hash)
    return _key(row) if row else None


async def touch(executor: Executor, key_id: int, now: datetime, every: timedelta) -> None:
    """Set the key's last use to `now` unless it was set less than `every` ago."""
    await executor.execute(_TOUCH, key_id, now, every)


async def active(executor: Executor, guild_id: int) -> list[ApiKey]:
    """The guild's keys that are not revoked, oldest first."""
    return [_key(row) for row in await executor.fetch(_ACTIVE, guild_id)]


async def of_guild(executor: Executor, guild_id: int) -> list[ApiKey]:
    """The guild's keys, revoked ones too, newest first (the 200 newest)."""
    return [_key(row) for row in await executor.fetch(_OF_GUILD, guild_id)]


async def count_active(executor: Executor, guild_id: int) -> int:
    """How many keys of the guild are not revoked."""
    return await executor.fetchval(_COUNT_ACTIVE, guild_id)


async def revoke(executor: Executor, guild_id: int, prefix: str, revoked_by: int, now: datetime) -> list[ApiKey]:
    """Revoke the guild's active keys with this prefix (normally one); returns them."""
    return [_key(row) for row in await executor.fetch(_REVOKE, guild_id, prefix, revoked_by, now)]


async def of_user(executor: Executor, user_id: int) -> list[Any]:
    """Keys the member created or revoked (for the GDPR export)."""
    return await executor.fetch(_OF_USER, user_id)


async def forget_user(executor: Executor, user_id: int) -> int:
    """Keep the keys, without the member as creator or revoker; returns how many rows changed."""
    created = await executor.execute(_FORGET_CREATOR, user_id)
    revoked = await executor.execute(_FORGET_REVOKER, user_id)
    return int(created.split()[-1]) + int(revoked.split()[-1])
