"""What the dashboard's list pages (tickets, cases, events) share: names shown for ids, a member filter typed as a
name or id, the server's time zone, and the "Older →" link of a page of rows paged by id (newest first)."""

from __future__ import annotations

import urllib.parse
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import discord

from cogs.dashboard.audit_page import find_member, who_is
from cogs.dashboard.contract import UNAVAILABLE
from core.settings_registry import SYSTEM_TIMEZONE

PER_PAGE = 25

__all__ = ["PER_PAGE", "UNAVAILABLE", "cursor", "member_filter", "name_of", "older_link", "when", "zone_of"]


def name_of(guild: discord.Guild, user_id: int | None, fallback: str | None = None) -> str:
    """A member's name (`@display name`); someone gone by their stored name or id; "—" for nobody."""
    if user_id is None:
        return "—"
    if guild.get_member(user_id) is None and fallback:
        return f"{fallback} (not on the server)"
    return who_is(guild, user_id)


def member_filter(guild: discord.Guild, typed: str) -> tuple[int | None, str | None]:
    """(user id, problem) of a member filter: a name or id; an id of someone who left stays an id."""
    if not typed:
        return None, None
    found = find_member(guild, typed)
    if found is None:
        return None, f"There is no member {typed} on this server. Give their user name or id."
    return (found if isinstance(found, int) else found.id), None


def cursor(value: str) -> int | None:
    """The `before` cursor of the query string (None: the first page)."""
    return int(value) if value.isdigit() and 0 < len(value) <= 18 else None


def older_link(path: str, filters: dict[str, str], before: int) -> str:
    """The link to the next (older) page, keeping the filters."""
    return f"{path}?{urllib.parse.urlencode({**{k: v for k, v in filters.items() if v}, 'before': before})}"


async def zone_of(bot: Any, guild_id: int) -> ZoneInfo:
    """The server's time zone (`system.timezone`)."""
    return ZoneInfo(await bot.guild_settings.setting(guild_id, SYSTEM_TIMEZONE))


def when(moment: datetime | None, zone: ZoneInfo) -> str:
    """A time in the server's zone, to the minute ("" for none)."""
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M") if moment else ""
