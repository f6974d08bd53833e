"""Levels SQL: the set-based XP flush, ranks and the leaderboard, `/xp` changes, the CSV import, level roles and
multipliers. Every query filters by guild_id. The level is never stored: callers compute it from the XP returned
(`cogs/levels/curve.py`)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal

import asyncpg

from cogs.levels.rules import GuildRules, LevelRole
from core.db import Executor, TransactionPool
from core.notify import change_and_notify

CHANNEL = "hearth_levels"  # NOTIFY: a guild's level roles or multipliers changed (payload: the guild id)

# --- the flush: one statement --------------------------------------------------------------------------------

# RETURNING the total after this write: the XP just before it is that minus what this batch added, because the
# upsert adds to the row as it is once locked (a concurrent writer's increment is already in it). So each write
# covers its own XP interval, and only the write that crosses a level boundary sees the level-up. Sorted, so two
# processes writing overlapping batches lock rows in the same order (no deadlock).
_FLUSH = """
    INSERT INTO levels_members AS m (guild_id, user_id, xp, messages, voice_minutes, updated_at)
    SELECT g, u, x, n, v, $6
    FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::int[], $5::int[]) AS b(g, u, x, n, v)
    ORDER BY g, u
    ON CONFLICT (guild_id, user_id) DO UPDATE SET xp = m.xp + EXCLUDED.xp, messages = m.messages + EXCLUDED.messages,
        voice_minutes = m.voice_minutes + EXCLUDED.voice_minutes, updated_at = EXCLUDED.updated_at
    RETURNING guild_id, user_id, xp
"""


async def flush(conn: Executor, rows: Sequence[tuple[int, int, int, int, int]], now: datetime) -> list[asyncpg.Record]:
    """Add (guild, user, xp, messages, voice minutes) rows; returns (guild_id, user_id, xp) after the write."""
    columns = list(zip(*rows, strict=True)) if rows else [(), (), (), (), ()]
    return await conn.fetch(_FLUSH, *(list(column) for column in columns), now)


# --- reading -----------------------------------------------------------------------------------------------------

async def xp_of(executor: Executor, guild_id: int, user_id: int) -> int:
    """A member's stored XP (0 when they have none)."""
    value = await executor.fetchval("SELECT xp FROM levels_members WHERE guild_id = $1 AND user_id = $2",
                                    guild_id, user_id)
    return int(value or 0)


async def standing(executor: Executor, guild_id: int, user_id: int) -> asyncpg.Record | None:
    """A member's row (xp, messages, voice_minutes) with their rank: 1 + the members with more XP."""
    return await executor.fetchrow("""
        SELECT m.xp, m.messages, m.voice_minutes,
               (SELECT count(*) FROM levels_members o WHERE o.guild_id = $1 AND o.xp > m.xp) + 1 AS rank
        FROM levels_members m WHERE m.guild_id = $1 AND m.user_id = $2""", guild_id, user_id)


async def leaderboard(executor: Executor, guild_id: int, limit: int, offset: int = 0) -> list[asyncpg.Record]:
    """The members with the most XP: (user_id, xp), best first."""
    return await executor.fetch("""
        SELECT user_id, xp FROM levels_members WHERE guild_id = $1 AND xp > 0
        ORDER BY xp DESC, user_id LIMIT $2 OFFSET $3""", guild_id, limit, offset)


async def ranked_members(executor: Executor, guild_id: int) -> int:
    """How many members have XP."""
    return int(await executor.fetchval("SELECT count(*) FROM levels_members WHERE guild_id = $1 AND xp > 0",
                                       guild_id))


# --- /xp give|remove|reset ---------------------------------------------------------------------------------------

async def add_xp(conn: Executor, guild_id: int, user_id: int, amount: int, now: datetime) -> tuple[int, int]:
    """Give `amount` XP; returns (XP before, XP after)."""
    after = await conn.fetchval("""
        INSERT INTO levels_members AS m (guild_id, user_id, xp, updated_at) VALUES ($1, $2, $3, $4)
        ON CONFLICT (guild_id, user_id) DO UPDATE SET xp = m.xp + EXCLUDED.xp, updated_at = EXCLUDED.updated_at
        RETURNING xp""", guild_id, user_id, amount, now)
    return int(after) - amount, int(after)


async def remove_xp(conn: Executor, guild_id: int, user_id: int, amount: int, now: datetime) -> tuple[int, int]:
    """Take up to `amount` XP (never below 0); returns (XP before, XP after). Run it in a transaction."""
    before = await conn.fetchval("SELECT xp FROM levels_members WHERE guild_id = $1 AND user_id = $2 FOR UPDATE",
                                 guild_id, user_id)
    if before is None:
        return 0, 0
    after = max(0, int(before) - amount)
    await conn.execute("UPDATE levels_members SET xp = $3, updated_at = $4 WHERE guild_id = $1 AND user_id = $2",
                       guild_id, user_id, after, now)
    return int(before), after


async def reset_member(executor: Executor, guild_id: int, user_id: int) -> int | None:
    """Delete a member's XP row; returns the XP they had (None when they had none)."""
    value = await executor.fetchval("DELETE FROM levels_members WHERE guild_id = $1 AND user_id = $2 RETURNING xp",
                                    guild_id, user_id)
    return None if value is None else int(value)


async def reset_guild(executor: Executor, guild_id: int) -> int:
    """Delete every member's XP on the server; returns how many rows."""
    status = await executor.execute("DELETE FROM levels_members WHERE guild_id = $1", guild_id)
    return int(status.split()[-1])


async def import_rows(conn: Executor, guild_id: int, rows: Sequence[tuple[int, int, int | None]],
                      now: datetime) -> tuple[int, int]:
    """Set (user, xp, messages) rows, replacing those members' XP (and their message count when the file gives one:
    every row's messages is then an int, else every row's is None); returns (created, replaced). One statement: run
    it in the caller's transaction."""
    users, xps, messages = (list(column) for column in zip(*rows, strict=True))
    with_messages = messages[0] is not None
    result = await conn.fetch(_IMPORT_WITH_MESSAGES if with_messages else _IMPORT, guild_id, users, xps,
                              [n or 0 for n in messages], now)
    created = sum(1 for row in result if row["created"])
    return created, len(result) - created


_IMPORT = """
    INSERT INTO levels_members AS m (guild_id, user_id, xp, messages, updated_at)
    SELECT $1, u, x, n, $5 FROM unnest($2::bigint[], $3::bigint[], $4::int[]) AS b(u, x, n)
    ON CONFLICT (guild_id, user_id) DO UPDATE SET xp = EXCLUDED.xp, updated_at = EXCLUDED.updated_at
    RETURNING (xmax = 0) AS created
"""
_IMPORT_WITH_MESSAGES = _IMPORT.replace("updated_at = EXCLUDED.updated_at",
                                        "messages = EXCLUDED.messages, updated_at = EXCLUDED.updated_at")


# --- level roles and multipliers (cached per guild; every change notifies every process) --------------------------

async def rules(executor: Executor, guild_id: int) -> GuildRules:
    """The guild's level roles and multipliers."""
    roles = await executor.fetch("SELECT level, role_id, set_by FROM levels_roles WHERE guild_id = $1 "
                                 "ORDER BY level, role_id", guild_id)
    multipliers = await executor.fetch("SELECT target_type, target_id, multiplier FROM levels_multipliers "
                                       "WHERE guild_id = $1", guild_id)
    return GuildRules(
        roles=tuple(LevelRole(r["level"], r["role_id"], r["set_by"]) for r in roles),
        channels={r["target_id"]: float(r["multiplier"]) for r in multipliers if r["target_type"] == "channel"},
        member_roles={r["target_id"]: float(r["multiplier"]) for r in multipliers if r["target_type"] == "role"})


async def set_level_role(pool: TransactionPool, guild_id: int, level: int, role_id: int, set_by: int,
                         now: datetime) -> None:
    """Give `role_id` at `level` (a role has one level: setting it again moves it)."""
    await change_and_notify(pool, CHANNEL, guild_id, """
        INSERT INTO levels_roles (guild_id, level, role_id, set_by, created_at) VALUES ($1, $2, $3, $4, $5)
        ON CONFLICT (guild_id, role_id) DO UPDATE SET level = EXCLUDED.level, set_by = EXCLUDED.set_by,
            created_at = EXCLUDED.created_at
        RETURNING id""", guild_id, level, role_id, set_by, now)


async def remove_level_role(pool: TransactionPool, guild_id: int, role_id: int) -> int | None:
    """Stop giving `role_id`; returns the level it was at (None when it was not a level role)."""
    return await change_and_notify(pool, CHANNEL, guild_id, "DELETE FROM levels_roles WHERE guild_id = $1 AND "
                                   "role_id = $2 RETURNING level", guild_id, role_id)


async def set_multiplier(pool: TransactionPool, guild_id: int, target_type: str, target_id: int,
                         multiplier: float) -> None:
    """Set a channel's or role's multiplier (0 = no XP)."""
    await change_and_notify(pool, CHANNEL, guild_id, """
        INSERT INTO levels_multipliers (guild_id, target_type, target_id, multiplier) VALUES ($1, $2, $3, $4)
        ON CONFLICT (guild_id, target_type, target_id) DO UPDATE SET multiplier = EXCLUDED.multiplier
        RETURNING target_id""", guild_id, target_type, target_id, Decimal(str(round(multiplier, 2))))


async def remove_multiplier(pool: TransactionPool, guild_id: int, target_type: str, target_id: int) -> bool:
    """Back to normal XP there / for them; False when nothing was set."""
    removed = await change_and_notify(pool, CHANNEL, guild_id, "DELETE FROM levels_multipliers WHERE guild_id = $1 "
                                      "AND target_type = $2 AND target_id = $3 RETURNING target_id",
                                      guild_id, target_type, target_id)
    return removed is not None
