"""SQL of role menus (menus, their options and where they are posted). Every query filters by guild_id.

Changes to what the hot path caches (the messages menus are posted in) notify `CHANNEL` in their transaction;
reaction roles, autoroles and sticky roles are in `repo_members`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import asyncpg

from cogs.roles.models import Menu, Option
from core.db import Executor
from core.notify import notify

CHANNEL = "hearth_roles"
MENU_COLUMNS = ("id, guild_id, name, title, description, style, mode, max_roles, duration_seconds, "
                "required_role_id")
OPTION_COLUMNS = "menu_id, role_id, label, emoji, description, added_by"


async def changed(conn: Executor, guild_id: int) -> None:
    """Tell every process (in the caller's transaction) that the guild's cached role configuration changed."""
    await notify(conn, CHANNEL, str(guild_id))


# --- menus ------------------------------------------------------------------------------------------------------

async def create_menu(conn: Executor, guild_id: int, values: dict[str, Any], now: datetime) -> int | None:
    """A new menu; None when the guild has a menu of that name (whatever the case)."""
    return await conn.fetchval(
        """INSERT INTO role_menus (guild_id, name, title, description, style, mode, max_roles, duration_seconds,
                                   required_role_id, created_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
           ON CONFLICT (guild_id, lower(name)) DO NOTHING RETURNING id""",
        guild_id, values["name"], values["title"], values["description"], values["style"], values["mode"],
        values["max_roles"], values["duration_seconds"], values["required_role_id"], now)


async def update_menu(conn: Executor, guild_id: int, menu_id: int, values: dict[str, Any]) -> bool:
    """Replace a menu's settings (the validated full set); raises UniqueViolationError when the name is taken."""
    found = await conn.fetchval(
        """UPDATE role_menus SET name = $3, title = $4, description = $5, style = $6, mode = $7, max_roles = $8,
                  duration_seconds = $9, required_role_id = $10
           WHERE guild_id = $1 AND id = $2 RETURNING id""",
        guild_id, menu_id, values["name"], values["title"], values["description"], values["style"], values["mode"],
        values["max_roles"], values["duration_seconds"], values["required_role_id"])
    return found is not None


async def count_menus(conn: Executor, guild_id: int) -> int:
    """How many menus the guild has."""
    return await conn.fetchval("SELECT count(*) FROM role_menus WHERE guild_id = $1", guild_id)


async def _with_options(conn: Executor, row: asyncpg.Record | None) -> Menu | None:
    if row is None:
        return None
    options = await conn.fetch(
        "SELECT " + OPTION_COLUMNS + " FROM role_menu_options WHERE guild_id = $1 AND menu_id = $2 "
        "ORDER BY position, id", row["guild_id"], row["id"])
    return Menu.from_row(row, [Option.from_row(option) for option in options])


async def menu_by_id(conn: Executor, guild_id: int, menu_id: int, *, lock: bool = False) -> Menu | None:
    """The menu with its options (`lock`: the menu row is locked until the caller's transaction ends)."""
    row = await conn.fetchrow("SELECT " + MENU_COLUMNS + " FROM role_menus WHERE guild_id = $1 AND id = $2"
                              + (" FOR UPDATE" if lock else ""), guild_id, menu_id)
    return await _with_options(conn, row)


async def menu_by_name(conn: Executor, guild_id: int, name: str, *, lock: bool = False) -> Menu | None:
    """The menu called `name` (whatever the case) with its options."""
    row = await conn.fetchrow("SELECT " + MENU_COLUMNS + " FROM role_menus WHERE guild_id = $1 "
                              "AND lower(name) = lower($2)" + (" FOR UPDATE" if lock else ""), guild_id, name)
    return await _with_options(conn, row)


async def menu_names(conn: Executor, guild_id: int, typed: str, limit: int = 25) -> list[str]:
    """Names of the guild's menus containing `typed` (for autocomplete)."""
    rows = await conn.fetch("SELECT name FROM role_menus WHERE guild_id = $1 AND strpos(lower(name), lower($2)) > 0 "
                            "ORDER BY lower(name) LIMIT $3", guild_id, typed, limit)
    return [row["name"] for row in rows]


async def menu_page(conn: Executor, guild_id: int, offset: int, limit: int) -> list[asyncpg.Record]:
    """A page of the guild's menus by name, with how many roles they hold and where they are posted."""
    return await conn.fetch(
        """SELECT m.id, m.name, m.style, m.mode, m.max_roles, m.duration_seconds, m.required_role_id,
                  (SELECT count(*) FROM role_menu_options o WHERE o.guild_id = m.guild_id AND o.menu_id = m.id)
                      AS roles,
                  (SELECT array_agg(p.channel_id ORDER BY p.id) FROM role_menu_posts p
                   WHERE p.guild_id = m.guild_id AND p.menu_id = m.id) AS channels
           FROM role_menus m WHERE m.guild_id = $1 ORDER BY lower(m.name) OFFSET $2 LIMIT $3""",
        guild_id, offset, limit)


async def delete_menu(conn: Executor, guild_id: int, menu_id: int) -> list[asyncpg.Record]:
    """Delete a menu (its options and posts go with it); returns where it was posted."""
    posts = await conn.fetch("SELECT channel_id, message_id FROM role_menu_posts WHERE guild_id = $1 AND menu_id = $2",
                             guild_id, menu_id)
    await conn.execute("DELETE FROM role_menus WHERE guild_id = $1 AND id = $2", guild_id, menu_id)
    return posts


# --- options ----------------------------------------------------------------------------------------------------

async def save_option(conn: Executor, guild_id: int, menu_id: int, option: Option) -> bool:
    """Add the role to the menu (last), or update its look and who added it; True when it is new."""
    return await conn.fetchval(
        """INSERT INTO role_menu_options (guild_id, menu_id, role_id, label, emoji, description, added_by, position)
           VALUES ($1, $2, $3, $4, $5, $6, $7,
                   (SELECT coalesce(max(position), 0) + 1 FROM role_menu_options WHERE guild_id = $1 AND menu_id = $2))
           ON CONFLICT (menu_id, role_id) DO UPDATE SET label = excluded.label, emoji = excluded.emoji,
                   description = excluded.description, added_by = excluded.added_by
           RETURNING xmax = 0""",
        guild_id, menu_id, option.role_id, option.label, option.emoji, option.description, option.added_by)


async def remove_option(conn: Executor, guild_id: int, menu_id: int, role_id: int) -> bool:
    """Take the role out of the menu; False when it was not in it."""
    status = await conn.execute("DELETE FROM role_menu_options WHERE guild_id = $1 AND menu_id = $2 AND role_id = $3",
                                guild_id, menu_id, role_id)
    return status != "DELETE 0"


# --- posts ------------------------------------------------------------------------------------------------------

async def add_post(conn: Executor, guild_id: int, menu_id: int, channel_id: int, message_id: int) -> None:
    """Remember a message the menu is posted in."""
    await conn.execute("INSERT INTO role_menu_posts (guild_id, menu_id, channel_id, message_id) "
                       "VALUES ($1, $2, $3, $4)", guild_id, menu_id, channel_id, message_id)


async def posts(conn: Executor, guild_id: int, menu_id: int) -> list[asyncpg.Record]:
    """Where the menu is posted: (channel_id, message_id), oldest first."""
    return await conn.fetch("SELECT channel_id, message_id FROM role_menu_posts WHERE guild_id = $1 AND menu_id = $2 "
                            "ORDER BY id", guild_id, menu_id)


async def count_posts(conn: Executor, guild_id: int, menu_id: int) -> int:
    """In how many messages the menu is posted."""
    return await conn.fetchval("SELECT count(*) FROM role_menu_posts WHERE guild_id = $1 AND menu_id = $2",
                               guild_id, menu_id)


async def forget_posts(conn: Executor, guild_id: int, message_ids: list[int]) -> int:
    """Forget posts whose messages are gone."""
    status = await conn.execute("DELETE FROM role_menu_posts WHERE guild_id = $1 AND message_id = ANY($2::bigint[])",
                                guild_id, message_ids)
    return int(status.split()[-1])


async def menus_with_role(conn: Executor, guild_id: int, role_id: int) -> list[int]:
    """The menus that offer the role or require it."""
    rows = await conn.fetch("SELECT menu_id AS id FROM role_menu_options WHERE guild_id = $1 AND role_id = $2 "
                            "UNION SELECT id FROM role_menus WHERE guild_id = $1 AND required_role_id = $2",
                            guild_id, role_id)
    return [row["id"] for row in rows]


async def forget_menu_role(conn: Executor, guild_id: int, role_id: int) -> None:
    """A deleted role leaves every menu (and stops being required by any)."""
    await conn.execute("DELETE FROM role_menu_options WHERE guild_id = $1 AND role_id = $2", guild_id, role_id)
    await conn.execute("UPDATE role_menus SET required_role_id = NULL WHERE guild_id = $1 AND required_role_id = $2",
                       guild_id, role_id)


async def post_ids(conn: Executor, guild_id: int) -> frozenset[int]:
    """The messages the guild's menus are posted in (for the cache)."""
    rows = await conn.fetch("SELECT message_id FROM role_menu_posts WHERE guild_id = $1", guild_id)
    return frozenset(row["message_id"] for row in rows)
