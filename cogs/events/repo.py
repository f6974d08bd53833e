"""Every SQL statement of the events cog: functions taking a `core.db.Executor`, `$n` parameters, guild-scoped."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import asyncpg

from cogs.events.model import Attendee, Event
from core.db import Executor
from core.gdpr import rows_affected

_COLUMNS = ("channel_id", "title", "description", "location", "voice_channel_id", "timezone", "starts_at",
            "occurrence_at", "duration_seconds", "capacity", "required_role_id", "approval", "rrule", "created_by")
INSERT_EVENT = """
    INSERT INTO guild_events (guild_id, channel_id, title, description, location, voice_channel_id, timezone,
                              starts_at, occurrence_at, duration_seconds, capacity, required_role_id, approval, rrule,
                              created_by, created_at, updated_at)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $16) RETURNING *"""
GET_EVENT = "SELECT * FROM guild_events WHERE guild_id = $1 AND id = $2"
LOCK_EVENT = "SELECT * FROM guild_events WHERE guild_id = $1 AND id = $2 FOR UPDATE"
EVENT_BY_ID = "SELECT * FROM guild_events WHERE id = $1"
UPCOMING = """
    SELECT * FROM guild_events WHERE guild_id = $1 AND status = 'scheduled'
    ORDER BY occurrence_at, id LIMIT $2 OFFSET $3"""
COUNT_UPCOMING = "SELECT count(*) FROM guild_events WHERE guild_id = $1 AND status = 'scheduled'"
SET_MESSAGE = "UPDATE guild_events SET message_id = $3 WHERE guild_id = $1 AND id = $2"
SET_SCHEDULED = "UPDATE guild_events SET scheduled_event_id = $3 WHERE guild_id = $1 AND id = $2"
UPDATE_EVENT = """
    UPDATE guild_events SET title = $3, description = $4, location = $5, starts_at = $6, occurrence_at = $7,
        duration_seconds = $8, capacity = $9, updated_at = $10, voice_channel_id = $11, required_role_id = $12,
        approval = $13,
        sequence = sequence + CASE WHEN (occurrence_at, duration_seconds) IS DISTINCT FROM ($7, $8) THEN 1 ELSE 0 END
    WHERE guild_id = $1 AND id = $2 RETURNING *"""
SET_STATUS = """
    UPDATE guild_events SET status = $3, updated_at = $4,
        sequence = sequence + CASE WHEN $3 = 'cancelled' THEN 1 ELSE 0 END
    WHERE guild_id = $1 AND id = $2 RETURNING *"""
ADVANCE = "UPDATE guild_events SET occurrence_at = $3 WHERE guild_id = $1 AND id = $2 RETURNING *"

ATTENDEES = """
    SELECT * FROM event_attendees WHERE guild_id = $1 AND event_id = $2 AND occurrence_at = $3
    ORDER BY responded_at, user_id"""
ATTENDEE = """
    SELECT * FROM event_attendees WHERE guild_id = $1 AND event_id = $2 AND occurrence_at = $3 AND user_id = $4"""
UPSERT_ATTENDEE = """
    INSERT INTO event_attendees (event_id, guild_id, occurrence_at, user_id, status, responded_at)
    VALUES ($2, $1, $3, $4, $5, $6)
    ON CONFLICT (event_id, occurrence_at, user_id) DO UPDATE SET status = EXCLUDED.status,
        responded_at = CASE WHEN event_attendees.status = EXCLUDED.status THEN event_attendees.responded_at
                            ELSE EXCLUDED.responded_at END
    RETURNING *"""
SET_ATTENDEE_STATUS = """
    UPDATE event_attendees SET status = $5 WHERE guild_id = $1 AND event_id = $2 AND occurrence_at = $3
        AND user_id = $4 RETURNING *"""
SET_REMINDERS = """
    UPDATE event_attendees SET reminder_minutes = $5, reminded_minutes = '{}'
    WHERE guild_id = $1 AND event_id = $2 AND occurrence_at = $3 AND user_id = $4 RETURNING *"""
MARK_REMINDED = """
    UPDATE event_attendees SET reminded_minutes = array_append(reminded_minutes, $5)
    WHERE guild_id = $1 AND event_id = $2 AND occurrence_at = $3 AND user_id = $4
        AND NOT ($5 = ANY (reminded_minutes))"""
MOVE_ATTENDEES = """
    UPDATE event_attendees SET occurrence_at = $4, reminded_minutes = '{}'
    WHERE guild_id = $1 AND event_id = $2 AND occurrence_at = $3"""
SEARCH = """
    SELECT * FROM guild_events WHERE guild_id = $1 AND status = 'scheduled'
        AND ($2 = '' OR strpos(lower(title), lower($2)) > 0 OR id::text = $2)
        AND ($3::bigint IS NULL OR created_by = $3)
    ORDER BY occurrence_at, id LIMIT 25"""
FORGET_CREATOR = "UPDATE guild_events SET created_by = NULL WHERE created_by = $1"
DELETE_ATTENDANCE = "DELETE FROM event_attendees WHERE user_id = $1 RETURNING event_id, occurrence_at, reminder_minutes"
EVENTS_FOR_FEED = """
    SELECT * FROM guild_events WHERE guild_id = $1 AND status = 'scheduled' ORDER BY occurrence_at, id"""


async def create(conn: Executor, guild_id: int, fields: dict[str, Any], now: datetime) -> Event:
    """Insert an event (`fields`: every column of `_COLUMNS`)."""
    row = await conn.fetchrow(INSERT_EVENT, guild_id, *(fields[name] for name in _COLUMNS), now)
    return Event.of(row)


async def get(conn: Executor, guild_id: int, event_id: int) -> Event | None:
    """The guild's event, or None."""
    row = await conn.fetchrow(GET_EVENT, guild_id, event_id)
    return None if row is None else Event.of(row)


async def lock(conn: asyncpg.Connection, guild_id: int, event_id: int) -> Event | None:
    """The guild's event, locked until the caller's transaction ends (sign-ups of one event queue up)."""
    row = await conn.fetchrow(LOCK_EVENT, guild_id, event_id)
    return None if row is None else Event.of(row)


async def by_id(conn: Executor, event_id: int) -> Event | None:
    """An event by id alone (a timer job's payload, a DM's button: the guild comes from the row)."""
    row = await conn.fetchrow(EVENT_BY_ID, event_id)
    return None if row is None else Event.of(row)


async def upcoming(conn: Executor, guild_id: int, limit: int, offset: int) -> list[Event]:
    """The guild's scheduled events, soonest first."""
    return [Event.of(row) for row in await conn.fetch(UPCOMING, guild_id, limit, offset)]


async def count_upcoming(conn: Executor, guild_id: int) -> int:
    """How many scheduled events the guild has."""
    return int(await conn.fetchval(COUNT_UPCOMING, guild_id))


async def feed(conn: Executor, guild_id: int) -> list[Event]:
    """Every scheduled event of the guild, for a calendar feed."""
    return [Event.of(row) for row in await conn.fetch(EVENTS_FOR_FEED, guild_id)]


async def search(conn: Executor, guild_id: int, text: str, organiser: int | None) -> list[Event]:
    """Up to 25 scheduled events of the guild whose title contains `text` (or whose number it is), soonest
    first; only `organiser`'s when given (for autocomplete of commands on one's own events)."""
    return [Event.of(row) for row in await conn.fetch(SEARCH, guild_id, text.strip()[:100], organiser)]


async def set_message(conn: Executor, guild_id: int, event_id: int, message_id: int) -> None:
    """Remember the event's message."""
    await conn.execute(SET_MESSAGE, guild_id, event_id, message_id)


async def set_scheduled_event(conn: Executor, guild_id: int, event_id: int, scheduled_id: int | None) -> None:
    """Remember the Discord Scheduled Event kept in step with the event."""
    await conn.execute(SET_SCHEDULED, guild_id, event_id, scheduled_id)


async def update(conn: Executor, event: Event, now: datetime) -> Event:
    """Write the editable fields of `event` (a new time or duration raises its sequence)."""
    row = await conn.fetchrow(UPDATE_EVENT, event.guild_id, event.id, event.title, event.description,
                              event.location, event.starts_at, event.occurrence_at, event.duration_seconds,
                              event.capacity, now, event.voice_channel_id, event.required_role_id, event.approval)
    return Event.of(row)


async def set_status(conn: Executor, guild_id: int, event_id: int, status: str,
                     now: datetime) -> Event:
    """Mark the event scheduled, cancelled (raising its sequence) or ended."""
    return Event.of(await conn.fetchrow(SET_STATUS, guild_id, event_id, status, now))


async def advance(conn: Executor, guild_id: int, event_id: int, occurrence_at: datetime) -> Event:
    """Make `occurrence_at` the live occurrence (a recurring event's next one)."""
    return Event.of(await conn.fetchrow(ADVANCE, guild_id, event_id, occurrence_at))


async def attendees(conn: Executor, event: Event) -> list[Attendee]:
    """Every answer for the live occurrence, in the order given."""
    rows = await conn.fetch(ATTENDEES, event.guild_id, event.id, event.occurrence_at)
    return [Attendee.of(row) for row in rows]


async def attendee(conn: Executor, event: Event, user_id: int, occurrence_at: datetime | None = None
                   ) -> Attendee | None:
    """One member's answer for the live occurrence (or `occurrence_at`), or None."""
    row = await conn.fetchrow(ATTENDEE, event.guild_id, event.id, occurrence_at or event.occurrence_at, user_id)
    return None if row is None else Attendee.of(row)


async def answer(conn: Executor, event: Event, user_id: int, status: str, now: datetime) -> Attendee:
    """Record a member's answer for the live occurrence (the time of a new answer orders the waitlist)."""
    row = await conn.fetchrow(UPSERT_ATTENDEE, event.guild_id, event.id, event.occurrence_at, user_id, status, now)
    return Attendee.of(row)


async def set_attendee_status(conn: Executor, event: Event, user_id: int, status: str) -> Attendee | None:
    """Change a member's status (promotion, approval) without moving their place in line."""
    row = await conn.fetchrow(SET_ATTENDEE_STATUS, event.guild_id, event.id, event.occurrence_at, user_id, status)
    return None if row is None else Attendee.of(row)


async def set_reminders(conn: Executor, event: Event, user_id: int, minutes: list[int]) -> Attendee | None:
    """A member's reminder times for the live occurrence."""
    row = await conn.fetchrow(SET_REMINDERS, event.guild_id, event.id, event.occurrence_at, user_id, minutes)
    return None if row is None else Attendee.of(row)


async def mark_reminded(conn: Executor, guild_id: int, event_id: int, occurrence_at: datetime, user_id: int,
                        minutes: int) -> bool:
    """Record that the reminder `minutes` before was sent; False if it already was."""
    return rows_affected(await conn.execute(MARK_REMINDED, guild_id, event_id, occurrence_at, user_id, minutes)) > 0


async def move_attendees(conn: Executor, event: Event, old: datetime) -> None:
    """Carry the answers of occurrence `old` over to the event's new time (reminders to be sent again)."""
    await conn.execute(MOVE_ATTENDEES, event.guild_id, event.id, old, event.occurrence_at)


async def forget_creator(conn: Executor, user_id: int) -> int:
    """GDPR: events stay (they are the server's); their organiser is forgotten."""
    return rows_affected(await conn.execute(FORGET_CREATOR, user_id))


async def delete_attendance(conn: Executor, user_id: int) -> list[Any]:
    """GDPR: delete every answer of the member (returns what their reminder jobs were keyed by)."""
    return list(await conn.fetch(DELETE_ATTENDANCE, user_id))
