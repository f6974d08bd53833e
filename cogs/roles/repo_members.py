"""SQL of reaction roles, autoroles and sticky roles, and the load of a guild's cached role configuration. Every
query filters by guild_id (GDPR's are in gdpr.py); changes of cached rows are followed by `repo.changed` in the
caller's transaction."""

from __future__ import annotations

from datetime import datetime

import asyncpg

from cogs.roles import repo
from cogs.roles.models import Autorole, GuildRoles, ReactionRole
from core.db import Executor

REACTION_COLUMNS = "id, channel_id, message_id, emoji, role_id, mode, added_by"
AUTOROLE_COLUMNS = "id, role_id, target, after, delay_seconds, added_by"


async def guild_roles(conn: Executor, guild_id: int) -> GuildRoles:
    """Everything the hot path reads of a guild (what the cache loads)."""
    reactions: dict[int, dict[str, ReactionRole]] = {}
    for row in await conn.fetch("SELECT " + REACTION_COLUMNS + " FROM role_reactions WHERE guild_id = $1", guild_id):
        rule = ReactionRole.from_row(row)
        reactions.setdefault(rule.message_id, {})[rule.emoji] = rule
    autoroles = await conn.fetch("SELECT " + AUTOROLE_COLUMNS + " FROM role_autoroles WHERE guild_id = $1 ORDER BY id",
                                 guild_id)
    sticky = await conn.fetch("SELECT role_id, added_by FROM role_sticky WHERE guild_id = $1", guild_id)
    return GuildRoles(reactions, tuple(Autorole.from_row(row) for row in autoroles),
                      {row["role_id"]: row["added_by"] for row in sticky}, await repo.post_ids(conn, guild_id))


# --- reaction roles ---------------------------------------------------------------------------------------------

async def save_reaction(conn: Executor, guild_id: int, rule: ReactionRole, now: datetime) -> bool:
    """Add a reaction role (or replace the role and mode of that message's emoji); True when it is new."""
    return await conn.fetchval(
        """INSERT INTO role_reactions (guild_id, channel_id, message_id, emoji, role_id, mode, added_by, created_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
           ON CONFLICT (guild_id, message_id, emoji) DO UPDATE SET role_id = excluded.role_id, mode = excluded.mode,
                   added_by = excluded.added_by, channel_id = excluded.channel_id
           RETURNING xmax = 0""",
        guild_id, rule.channel_id, rule.message_id, rule.emoji, rule.role_id, rule.mode, rule.added_by, now)


async def reaction_emojis(conn: Executor, guild_id: int, message_id: int) -> list[str]:
    """The emojis of the message's reaction roles."""
    rows = await conn.fetch("SELECT emoji FROM role_reactions WHERE guild_id = $1 AND message_id = $2",
                            guild_id, message_id)
    return [row["emoji"] for row in rows]


async def count_reactions(conn: Executor, guild_id: int) -> int:
    """How many reaction roles the guild has."""
    return await conn.fetchval("SELECT count(*) FROM role_reactions WHERE guild_id = $1", guild_id)


async def remove_reactions(conn: Executor, guild_id: int, message_id: int, emoji: str | None) -> list[str]:
    """Remove the message's reaction role for `emoji` (every one of the message's with None); the emojis removed."""
    rows = await conn.fetch("DELETE FROM role_reactions WHERE guild_id = $1 AND message_id = $2 "
                            "AND ($3::text IS NULL OR emoji = $3) RETURNING emoji", guild_id, message_id, emoji)
    return [row["emoji"] for row in rows]


async def forget_messages(conn: Executor, guild_id: int, message_ids: list[int]) -> int:
    """Deleted messages lose their reaction roles."""
    status = await conn.execute("DELETE FROM role_reactions WHERE guild_id = $1 AND message_id = ANY($2::bigint[])",
                                guild_id, message_ids)
    return int(status.split()[-1])


async def reaction_page(conn: Executor, guild_id: int, offset: int, limit: int) -> list[asyncpg.Record]:
    """A page of the guild's reaction roles, by message then emoji."""
    return await conn.fetch("SELECT " + REACTION_COLUMNS + " FROM role_reactions WHERE guild_id = $1 "
                            "ORDER BY message_id, id OFFSET $2 LIMIT $3", guild_id, offset, limit)


# --- autoroles --------------------------------------------------------------------------------------------------

async def save_autorole(conn: Executor, guild_id: int, rule: Autorole) -> bool:
    """Add an autorole (or replace when and after what the role is given); True when it is new."""
    return await conn.fetchval(
        """INSERT INTO role_autoroles (guild_id, role_id, target, after, delay_seconds, added_by)
           VALUES ($1, $2, $3, $4, $5, $6)
           ON CONFLICT (guild_id, target, role_id) DO UPDATE SET after = excluded.after,
                   delay_seconds = excluded.delay_seconds, added_by = excluded.added_by
           RETURNING xmax = 0""",
        guild_id, rule.role_id, rule.target, rule.after, rule.delay_seconds, rule.added_by)


async def count_autoroles(conn: Executor, guild_id: int, target: str) -> int:
    """How many autoroles the guild gives to `target`."""
    return await conn.fetchval("SELECT count(*) FROM role_autoroles WHERE guild_id = $1 AND target = $2",
                               guild_id, target)


async def remove_autorole(conn: Executor, guild_id: int, target: str, role_id: int) -> bool:
    """Stop giving the role to `target`; False when it was no autorole."""
    status = await conn.execute("DELETE FROM role_autoroles WHERE guild_id = $1 AND target = $2 AND role_id = $3",
                                guild_id, target, role_id)
    return status != "DELETE 0"


async def autorole(conn: Executor, guild_id: int, autorole_id: int) -> Autorole | None:
    """One autorole, if it still exists."""
    row = await conn.fetchrow("SELECT " + AUTOROLE_COLUMNS + " FROM role_autoroles WHERE guild_id = $1 AND id = $2",
                              guild_id, autorole_id)
    return Autorole.from_row(row) if row else None


# --- sticky roles -----------------------------------------------------------------------------------------------

async def add_sticky(conn: Executor, guild_id: int, role_id: int, added_by: int) -> bool:
    """Make the role sticky; True when it was not yet."""
    return await conn.fetchval(
        """INSERT INTO role_sticky (guild_id, role_id, added_by) VALUES ($1, $2, $3)
           ON CONFLICT (guild_id, role_id) DO UPDATE SET added_by = excluded.added_by RETURNING xmax = 0""",
        guild_id, role_id, added_by)


async def count_sticky(conn: Executor, guild_id: int) -> int:
    """How many sticky roles the guild has."""
    return await conn.fetchval("SELECT count(*) FROM role_sticky WHERE guild_id = $1", guild_id)


async def remove_sticky(conn: Executor, guild_id: int, role_id: int) -> bool:
    """The role is no longer sticky; False when it was not."""
    status = await conn.execute("DELETE FROM role_sticky WHERE guild_id = $1 AND role_id = $2", guild_id, role_id)
    return status != "DELETE 0"


async def save_leaver(conn: Executor, guild_id: int, user_id: int, role_ids: list[int], now: datetime) -> None:
    """Remember the sticky roles a member held when they left."""
    await conn.execute(
        """INSERT INTO role_sticky_members (guild_id, user_id, role_ids, left_at) VALUES ($1, $2, $3, $4)
           ON CONFLICT (guild_id, user_id) DO UPDATE SET role_ids = excluded.role_ids, left_at = excluded.left_at""",
        guild_id, user_id, role_ids, now)


async def take_leaver(conn: Executor, guild_id: int, user_id: int) -> list[int]:
    """The sticky roles a returning member held when they left (forgotten now: given back once)."""
    role_ids = await conn.fetchval("DELETE FROM role_sticky_members WHERE guild_id = $1 AND user_id = $2 "
                                   "RETURNING role_ids", guild_id, user_id)
    return list(role_ids or [])


async def forget_role(conn: Executor, guild_id: int, role_id: int) -> None:
    """A deleted role is no reaction role, autorole or sticky role any more."""
    for query in ("DELETE FROM role_reactions WHERE guild_id = $1 AND role_id = $2",
                  "DELETE FROM role_autoroles WHERE guild_id = $1 AND role_id = $2",
                  "DELETE FROM role_sticky WHERE guild_id = $1 AND role_id = $2"):
        await conn.execute(query, guild_id, role_id)
