"""SQL of reminders. Every query is scoped to one guild."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time
from typing import Any

import asyncpg

from core.db import Executor

_COLUMNS = ("id, guild_id, name, channel_id, time, call_time, days, message, created_by, origin_channel_id, "
            "origin_message_id, event_time, location, last_sent_at, image_url, sent_message_id, message_set_by")


@dataclass
class Reminder:
    """A row of `reminders`. Recurring: `days` (0=Mon…6=Sun) at local `call_time`; one-off: `event_time` (T0),
    `time` being the local time of the early reminder."""

    id: int
    guild_id: int
    name: str
    channel_id: int
    time: time | None
    call_time: time | None
    days: list[str] | None
    message: str | None
    created_by: int | None
    origin_channel_id: int | None
    origin_message_id: int | None
    event_time: datetime | None
    location: str | None
    last_sent_at: datetime | None
    image_url: str | None
    sent_message_id: int | None
    message_set_by: int | None  # who last set the message, channel or schedule: the post pings as they may

    @property
    def weekdays(self) -> list[int]:
        """The repeat days as numbers (empty for a one-off event)."""
        return [int(day) for day in self.days or []]

    @property
    def recurring(self) -> bool:
        """True when the reminder repeats weekly."""
        return self.event_time is None


def _reminder(row: asyncpg.Record | None) -> Reminder | None:
    return Reminder(**dict(row)) if row is not None else None


async def create(conn: Executor, guild_id: int, fields: dict[str, Any]) -> Reminder:
    """Insert a reminder; `fields` are column values (name, channel_id, …)."""
    names = list(fields)
    placeholders = ", ".join(f"${i}" for i in range(2, len(names) + 2))
    row = await conn.fetchrow(
        "INSERT INTO reminders (guild_id, " + ", ".join(_checked(names)) + ") VALUES ($1, " + placeholders + ") "
        "RETURNING " + _COLUMNS, guild_id, *fields.values())
    return _reminder(row)


async def update(conn: Executor, guild_id: int, reminder_id: int, fields: dict[str, Any]) -> Reminder | None:
    """Change columns of one reminder of this guild; None if it does not exist here."""
    names = list(fields)
    assignments = ", ".join(f"{name} = ${i}" for i, name in enumerate(_checked(names), start=3))
    row = await conn.fetchrow(
        "UPDATE reminders SET " + assignments + " WHERE guild_id = $1 AND id = $2 RETURNING " + _COLUMNS,
        guild_id, reminder_id, *fields.values())
    return _reminder(row)


async def get(conn: Executor, guild_id: int, reminder_id: int) -> Reminder | None:
    """One reminder of this guild."""
    return _reminder(await conn.fetchrow(
        "SELECT " + _COLUMNS + " FROM reminders WHERE guild_id = $1 AND id = $2", guild_id, reminder_id))


async def get_for_update(conn: Executor, guild_id: int, reminder_id: int) -> Reminder | None:
    """One reminder, locked until the end of the transaction (a send and its bookkeeping stay together)."""
    return _reminder(await conn.fetchrow(
        "SELECT " + _COLUMNS + " FROM reminders WHERE guild_id = $1 AND id = $2 FOR UPDATE", guild_id, reminder_id))


# One round trip for a page and the total (the listing answers an interaction: every round trip is latency).
_PAGE = ("SELECT " + _COLUMNS + ", count(*) OVER () AS total FROM reminders WHERE guild_id = $1 ORDER BY id DESC "
         "LIMIT $2 OFFSET $3")


async def page(conn: Executor, guild_id: int, limit: int, offset: int) -> tuple[list[Reminder], int]:
    """A page of the guild's reminders (newest first) and their total."""
    rows = await conn.fetch(_PAGE, guild_id, limit, offset)
    if not rows:  # past the last page (or none): the total alone
        return [], await count(conn, guild_id)
    return [Reminder(**{k: v for k, v in row.items() if k != "total"}) for row in rows], rows[0]["total"]


async def count(conn: Executor, guild_id: int) -> int:
    """How many reminders the guild has."""
    return await conn.fetchval("SELECT count(*) FROM reminders WHERE guild_id = $1", guild_id)


async def search(conn: Executor, guild_id: int, text: str, limit: int = 25) -> list[Reminder]:
    """Reminders whose name or id contains `text`, for autocomplete."""
    rows = await conn.fetch(
        "SELECT " + _COLUMNS + " FROM reminders WHERE guild_id = $1 AND (strpos(lower(name), lower($2)) > 0 "
        "OR id::text = $2) ORDER BY id DESC LIMIT $3", guild_id, text, limit)
    return [Reminder(**dict(row)) for row in rows]


async def by_origin(conn: Executor, guild_id: int, origin_message_id: int) -> list[Reminder]:
    """Reminders created from a watched message."""
    rows = await conn.fetch("SELECT " + _COLUMNS + " FROM reminders WHERE guild_id = $1 AND origin_message_id = $2",
                            guild_id, origin_message_id)
    return [Reminder(**dict(row)) for row in rows]


async def delete(conn: Executor, guild_id: int, reminder_id: int) -> bool:
    """Delete one reminder of this guild; False if there was none."""
    status = await conn.execute("DELETE FROM reminders WHERE guild_id = $1 AND id = $2", guild_id, reminder_id)
    return status.endswith(" 1")


async def forget_person(conn: Executor, user_id: int) -> int:
    """GDPR erasure (every guild): the user is no longer named as creator or last editor; returns the rows."""
    status = await conn.execute(
        "UPDATE reminders SET created_by = CASE WHEN created_by = $1 THEN NULL ELSE created_by END, "
        "message_set_by = CASE WHEN message_set_by = $1 THEN NULL ELSE message_set_by END "
        "WHERE created_by = $1 OR message_set_by = $1", user_id)
    return int(status.split()[-1])


_WRITABLE = {"name", "channel_id", "time", "call_time", "days", "message", "created_by", "origin_channel_id",
             "origin_message_id", "event_time", "location", "last_sent_at", "image_url", "sent_message_id",
             "message_set_by"}


def _checked(names: list[str]) -> list[str]:
    """Column names come from code, never from users; refuse anything unexpected all the same."""
    unknown = set(names) - _WRITABLE
    if unknown:
        raise ValueError(f"not a reminders column: {', '.join(sorted(unknown))}")
    return names
