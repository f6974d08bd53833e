"""SQL of custom commands. Every query filters by guild_id; changes notify `hearth_custom_commands` in the
same transaction (every bot process drops that guild's cached commands); uses are added in batches."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import asyncpg

from core.db import Executor, TransactionPool
from core.notify import change_and_notify

CHANNEL = "hearth_custom_commands"
COLUMNS = ("id, name, trigger_type, trigger_value, response, enabled, case_sensitive, delete_trigger, "
           "reply_to_user, uses, created_by, created_at, updated_at, response_set_by")


async def enabled(conn: Executor, guild_id: int) -> list[asyncpg.Record]:
    """The guild's enabled commands (what the cache loads, one round trip)."""
    return await conn.fetch("SELECT " + COLUMNS + " FROM custom_commands WHERE guild_id = $1 AND enabled",
                            guild_id)


async def all_commands(conn: Executor, guild_id: int) -> list[asyncpg.Record]:
    """Every command of the guild, by name."""
    return await conn.fetch("SELECT " + COLUMNS + " FROM custom_commands WHERE guild_id = $1 ORDER BY name",
                            guild_id)


async def by_name(conn: Executor, guild_id: int, name: str) -> asyncpg.Record | None:
    """One command of this guild."""
    return await conn.fetchrow("SELECT " + COLUMNS + " FROM custom_commands WHERE guild_id = $1 AND name = $2",
                               guild_id, name)


_PAGE = ("SELECT " + COLUMNS + " FROM custom_commands WHERE guild_id = $1 AND ($2::int IS NULL OR id < $2) "
         "ORDER BY id DESC LIMIT $3")


async def page(conn: Executor, guild_id: int, before: int | None, limit: int) -> list[asyncpg.Record]:
    """Up to `limit` commands of the guild older than the id `before` (None: the newest), newest first (the
    /api/v1 paging of core/api_paging.py)."""
    return await conn.fetch(_PAGE, guild_id, before, limit)


async def count(conn: Executor, guild_id: int) -> int:
    """How many commands the guild has."""
    return await conn.fetchval("SELECT count(*) FROM custom_commands WHERE guild_id = $1", guild_id)


async def create(pool: TransactionPool, guild_id: int, values: dict[str, Any], created_by: int,
                 now: datetime) -> int | None:
    """Insert a command; None when the name is taken."""
    return await change_and_notify(
        pool, CHANNEL, guild_id,
        """INSERT INTO custom_commands (guild_id, name, trigger_type, trigger_value, response, enabled,
                   case_sensitive, delete_trigger, reply_to_user, uses, created_by, created_at, updated_at,
                   response_set_by)
               VALUES ($1, $2, $3, $4, $5, true, $6, $7, $8, 0, $9, $10, $10, $9)
               ON CONFLICT (guild_id, name) DO NOTHING RETURNING id""",
        guild_id, values["name"], values["trigger_type"], values["trigger_value"], values["response"],
        values["case_sensitive"], values["delete_trigger"], values["reply_to_user"], created_by, now)


async def update(pool: TransactionPool, guild_id: int, name: str, values: dict[str, Any], now: datetime,
                 response_set_by: int | None) -> bool:
    """Replace a command's trigger, response and options (the validated full set); `response_set_by` is the member
    who set the response now (None: the response was not set by this change, its author stays)."""
    found = await change_and_notify(
        pool, CHANNEL, guild_id,
        """UPDATE custom_commands SET trigger_type = $3, trigger_value = $4, response = $5, enabled = $6,
                   case_sensitive = $7, delete_trigger = $8, reply_to_user = $9, updated_at = $10,
                   response_set_by = coalesce($11, response_set_by)
               WHERE guild_id = $1 AND name = $2 RETURNING id""",
        guild_id, name, values["trigger_type"], values["trigger_value"], values["response"], values["enabled"],
        values["case_sensitive"], values["delete_trigger"], values["reply_to_user"], now, response_set_by)
    return found is not None


async def delete(pool: TransactionPool, guild_id: int, name: str) -> bool:
    """Delete a command."""
    found = await change_and_notify(
        pool, CHANNEL, guild_id,
        "DELETE FROM custom_commands WHERE guild_id = $1 AND name = $2 RETURNING id",
        guild_id, name)
    return found is not None


async def forget_person(conn: Executor, user_id: int) -> int:
    """GDPR erasure (every guild): the user is no longer named as creator or response author; returns the rows."""
    status = await conn.execute(
        "UPDATE custom_commands SET created_by = CASE WHEN created_by = $1 THEN NULL ELSE created_by END, "
        "response_set_by = CASE WHEN response_set_by = $1 THEN NULL ELSE response_set_by END "
        "WHERE created_by = $1 OR response_set_by = $1", user_id)
    return int(status.split()[-1])


async def add_uses(pool: Executor, rows: list[tuple[int, int, int]]) -> None:
    """Add (guild, command id, uses) counts in one set-based statement."""
    if not rows:
        return
    guilds, ids, counts = (list(column) for column in zip(*rows, strict=True))
    await pool.execute(
        """UPDATE custom_commands c SET uses = c.uses + b.n
           FROM unnest($1::bigint[], $2::int[], $3::int[]) AS b(g, id, n)
           WHERE c.guild_id = b.g AND c.id = b.id""", guilds, ids, counts)
