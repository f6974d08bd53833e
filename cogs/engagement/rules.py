"""Pure rules of the engagement features: local days and weeks, the streak nickname, the weighted draw.

No Discord calls and no database here, so each rule is tested on its own.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import discord

NICK_LIMIT = 32  # Discord's nickname limit
SUFFIX = re.compile(r" 🔥\d+$")


# --- days and weeks in the guild's time zone ----------------------------------------------------------------------

def local_day(moment: datetime, tz: ZoneInfo) -> date:
    """The calendar day of `moment` in the guild's time zone."""
    return moment.astimezone(tz).date()


def local_to_utc(day: date, at: time, tz: ZoneInfo) -> datetime:
    """The UTC instant of a local wall-clock time (a time skipped by a DST change keeps the earlier offset)."""
    return datetime.combine(day, at, tzinfo=tz).astimezone(UTC)


def week_start(day: date) -> date:
    """The Monday of `day`'s week."""
    return day - timedelta(days=day.weekday())


def week_bounds(monday: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """[Monday 00:00, next Monday 00:00) local, in UTC."""
    return local_to_utc(monday, time(0), tz), local_to_utc(monday + timedelta(days=7), time(0), tz)


def next_weekly(at: time, tz: ZoneInfo, after: datetime) -> datetime:
    """The first Monday `at` (local) strictly after `after`."""
    today = local_day(after, tz)
    for offset in range(0, 15):
        day = week_start(today) + timedelta(days=offset)
        if day.weekday() == 0:
            candidate = local_to_utc(day, at, tz)
            if candidate > after:
                return candidate
    raise AssertionError("unreachable: a Monday occurs within two weeks")


def next_midnight(tz: ZoneInfo, after: datetime) -> datetime:
    """The next local 00:00 after `after` (a few seconds past it, so the new day has certainly begun)."""
    tomorrow = local_day(after, tz) + timedelta(days=1)
    return local_to_utc(tomorrow, time(0, 0, 5), tz)


def displayed_streak(current_days: int, last_day: date | None, today: date) -> int:
    """A stored streak whose last day is before yesterday is already broken (the daily sweep may not have run)."""
    if last_day is None or (today - last_day).days > 1:
        return 0
    return current_days


# --- the streak nickname ---------------------------------------------------------------------------------------------

def nick_length(text: str) -> int:
    """Length as Discord counts it (UTF-16 code units: 🔥 counts two), to stay safely within the limit."""
    return len(text.encode("utf-16-le")) // 2


def strip_suffix(nick: str | None) -> str | None:
    """A nickname without a streak suffix."""
    return SUFFIX.sub("", nick) if nick else nick


def streak_nick(base: str, days: int) -> str:
    """`base 🔥days`, the base shortened so the whole stays within 32 characters."""
    suffix = f" 🔥{days}"
    room = NICK_LIMIT - nick_length(suffix)
    while nick_length(base) > room:
        base = base[:-1]
    return base.rstrip() + suffix


def rename_blocker(member: discord.Member) -> str | None:
    """Why the bot cannot change this member's nickname, or None when it can."""
    guild = member.guild
    me = guild.me
    if member.id == guild.owner_id:
        return "the server owner's nickname can't be changed by bots"
    if me is None or not me.guild_permissions.manage_nicknames:
        return "I'm missing the Manage Nicknames permission"
    if member.top_role >= me.top_role:
        return "their highest role is not below mine"
    return None


def wanted_nick(member: discord.Member, base: str | None, days: int, minimum: int) -> str | None:
    """The nickname the member should have: the base with the suffix from `minimum` days, else the base."""
    if days >= minimum and days > 0:
        return streak_nick(base if base is not None else (member.global_name or member.name), days)
    return base


# --- the random draw ------------------------------------------------------------------------------------------------

def weighted_pick(entries: Sequence[tuple[int, int]], rng: random.Random) -> int | None:
    """A user id drawn with probability proportional to their messages ((user_id, messages) pairs)."""
    total = sum(count for _, count in entries if count > 0)
    if total <= 0:
        return None
    point = rng.random() * total
    for user_id, count in entries:
        if count <= 0:
            continue
        if point < count:
            return user_id
        point -= count
    return entries[-1][0]
