"""SQL of personal reminders (`/remindme`) and of each person's own time zone. Every reminder query is scoped to
one guild; only the GDPR queries (and the time zone, a person's in every guild) go by user alone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import asyncpg

from core.db import Executor

_COLUMNS = ("id, guild_id, user_id, text, deliver, channel_id, origin_channel_id, origin_message_id, timezone, rule, "
            "next_at, last_sent_at, snooze_at, snooze_sent_at, done, created_at")

_CREATE = ("INSERT INTO personal_reminders (guild_id, user_id, text, deliver, channel_id, origin_channel_id, "
           "origin_message_id, timezone, rule, next_at, created_at) "
           "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING " + _COLUMNS)
_GET = "SELECT " + _COLUMNS + " FROM personal_reminders WHERE guild_id = $1 AND id = $2"
_LOCK_MEMBER = "SELECT pg_advisory_xact_lock(hashtextextended('personal_reminders:' || $1 || ':' || $2, 0))"
_COUNT_ACTIVE = "SELECT count(*) FROM personal_reminders WHERE guild_id = $1 AND user_id = $2 AND NOT done"
_PAGE = ("SELECT " + _COLUMNS + " FROM personal_reminders WHERE guild_id = $1 AND user_id = $2 AND NOT done "
         "ORDER BY next_at, id LIMIT $3 OFFSET $4")
_SEARCH = ("SELECT " + _COLUMNS + " FROM personal_reminders WHERE guild_id = $1 AND user_id = $2 AND NOT done "
           "AND (strpos(lower(text), lower($3)) > 0 OR id::text = $3) ORDER BY next_at, id LIMIT $4")
_DELETE_OWN = "DELETE FROM personal_reminders WHERE guild_id = $1 AND id = $2 AND user_id = $3"
_DELETE = "DELETE FROM personal_reminders WHERE guild_id = $1 AND id = $2"
_DELIVERED = ("UPDATE personal_reminders SET last_sent_at = $3, next_at = coalesce($4, next_at), done = $5 "
              "WHERE guild_id = $1 AND id = $2")
_SNOOZE = "UPDATE personal_reminders SET snooze_at = $3 WHERE guild_id = $1 AND id = $2"
_SNOOZE_DELIVERED = ("UPDATE personal_reminders SET snooze_sent_at = $3, snooze_at = NULL "
                     "WHERE guild_id = $1 AND id = $2")
_PRUNE_DONE = ("DELETE FROM personal_reminders WHERE guild_id = $1 AND done AND snooze_at IS NULL "
               "AND coalesce(snooze_sent_at, last_sent_at, created_at) < $2")
_IDS_OF_USER = "SELECT id FROM personal_reminders WHERE user_id = $1"
_ERASE_USER = "DELETE FROM personal_reminders WHERE user_id = $1"
_GET_ZONE = "SELECT timezone FROM user_timezones WHERE user_id = $1"
_SET_ZONE = ("INSERT INTO user_timezones (user_id, timezone, updated_at) VALUES ($1, $2, $3) "
             "ON CONFLICT (user_id) DO UPDATE SET timezone = EXCLUDED.timezone, updated_at = EXCLUDED.updated_at")
_ERASE_ZONE = "DELETE FROM user_timezones WHERE user_id = $1"


@dataclass
class PersonalReminder:
    """A row of `personal_reminders`: one-off (`rule` None, due `next_at`) or recurring (an RRULE in `timezone`)."""

    id: int
    guild_id: int
    user_id: int
    text: str
    deliver: str  # dm or here
    channel_id: int | None  # where it was asked (posted there for `here`, the fallback when DMs are closed)
    origin_channel_id: int | None
    origin_message_id: int | None
    timezone: str
    rule: str | None
    next_at: datetime
    last_sent_at: datetime | None
    snooze_at: datetime | None
    snooze_sent_at: datetime | None
    done: bool
    created_at: datetime

    @property
    def jump_url(self) -> str | None:
        """The link to the message it is about, if any."""
        if self.origin_message_id is None:
            return None
        return f"https://discord.com/channels/{self.guild_id}/{self.origin_channel_id}/{self.origin_message_id}"


def _one(row: asyncpg.Record | None) -> PersonalReminder | None:
    return PersonalReminder(**dict(row)) if row is not None else None


@dataclass(frozen=True)
class NewReminder:
    """What `/remindme` (or the context menu) asks for."""

    guild_id: int
    user_id: int
    text: str
    deliver: str
    channel_id: int | None
    timezone: str
    rule: str | None
    next_at: datetime
    origin_channel_id: int | None = None
    origin_message_id: int | None = None


async def create(conn: Executor, new: NewReminder, now: datetime) -> PersonalReminder:
    """Insert a personal reminder."""
    row = await conn.fetchrow(_CREATE, new.guild_id, new.user_id, new.text, new.deliver, new.channel_id,
                              new.origin_channel_id, new.origin_message_id, new.timezone, new.rule, new.next_at, now)
    return _one(row)  # type: ignore[return-value]


async def get(conn: Executor, guild_id: int, reminder_id: int) -> PersonalReminder | None:
    """One personal reminder of this guild (anyone's: callers check the owner)."""
    return _one(await conn.fetchrow(_GET, guild_id, reminder_id))


async def lock_member(conn: Executor, guild_id: int, user_id: int) -> None:
    """Serialise the member's reminder creations until the end of the transaction (the quota holds under a
    double submit)."""
    await conn.execute(_LOCK_MEMBER, str(guild_id), str(user_id))


async def count_active(conn: Executor, guild_id: int, user_id: int) -> int:
    """How many reminders the member has waiting in this guild (the quota)."""
    return int(await conn.fetchval(_COUNT_ACTIVE, guild_id, user_id))


async def page(conn: Executor, guild_id: int, user_id: int, limit: int, offset: int
               ) -> tuple[list[PersonalReminder], int]:
    """A page of the member's waiting reminders (soonest first) and their total."""
    rows = await conn.fetch(_PAGE, guild_id, user_id, limit, offset)
    return [PersonalReminder(**dict(row)) for row in rows], await count_active(conn, guild_id, user_id)


async def search(conn: Executor, guild_id: int, user_id: int, text: str, limit: int = 25) -> list[PersonalReminder]:
    """The member's own waiting reminders whose text or id matches, for autocomplete."""
    return [PersonalReminder(**dict(row)) for row in await conn.fetch(_SEARCH, guild_id, user_id, text, limit)]


async def delete_own(conn: Executor, guild_id: int, reminder_id: int, user_id: int) -> bool:
    """Delete one of the member's own reminders; False if it is not theirs (or not there)."""
    return (await conn.execute(_DELETE_OWN, guild_id, reminder_id, user_id)).endswith(" 1")


async def delete(conn: Executor, guild_id: int, reminder_id: int) -> None:
    """Delete a reminder (its channel or owner is gone)."""
    await conn.execute(_DELETE, guild_id, reminder_id)


async def delivered(conn: Executor, guild_id: int, reminder_id: int, occurrence: datetime,
                    next_at: datetime | None, done: bool) -> None:
    """Record that `occurrence` was handled (delivered or given up), and the next one if any."""
    await conn.execute(_DELIVERED, guild_id, reminder_id, occurrence, next_at, done)


async def snooze(conn: Executor, guild_id: int, reminder_id: int, until: datetime) -> None:
    """Remember the pending snooze (shown in the list, kept from pruning)."""
    await conn.execute(_SNOOZE, guild_id, reminder_id, until)


async def snooze_delivered(conn: Executor, guild_id: int, reminder_id: int, occurrence: datetime) -> None:
    """Record that the snooze due at `occurrence` was handled."""
    await conn.execute(_SNOOZE_DELIVERED, guild_id, reminder_id, occurrence)


async def prune_done(conn: Executor, guild_id: int, before: datetime) -> None:
    """Forget the guild's delivered one-off reminders last delivered before `before` (no longer snoozable)."""
    await conn.execute(_PRUNE_DONE, guild_id, before)


async def ids_of_user(conn: Executor, user_id: int) -> list[int]:
    """GDPR: the ids of the user's reminders in every guild."""
    return [row["id"] for row in await conn.fetch(_IDS_OF_USER, user_id)]


async def erase_user(conn: Executor, user_id: int) -> tuple[int, int]:
    """GDPR: delete the user's reminders in every guild and their time zone; returns the rows of each."""
    reminders = await conn.execute(_ERASE_USER, user_id)
    zones = await conn.execute(_ERASE_ZONE, user_id)
    return int(reminders.split()[-1]), int(zones.split()[-1])


async def timezone_of(conn: Executor, user_id: int) -> str | None:
    """The person's own time zone, or None when they never set one."""
    return await conn.fetchval(_GET_ZONE, user_id)


async def set_timezone(conn: Executor, user_id: int, timezone: str, now: datetime) -> None:
    """Set the person's own time zone (every guild)."""
    await conn.execute(_SET_ZONE, user_id, timezone, now)
