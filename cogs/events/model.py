"""What an event and a sign-up are, as the events cog hands them around (rows of its tables)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

GOING, MAYBE, DECLINED, WAITLIST, PENDING = "going", "maybe", "declined", "waitlist", "pending"
REMINDED = (GOING, MAYBE)  # who gets DM reminders
DEFAULT_REMINDERS = (1440, 60, 15)  # minutes before the start
SCHEDULED, CANCELLED, ENDED = "scheduled", "cancelled", "ended"


@dataclass(frozen=True)
class Event:
    """One event (a recurring series is one event; `occurrence_at` is the live occurrence)."""

    id: int
    guild_id: int
    channel_id: int
    message_id: int | None
    title: str
    description: str | None
    location: str | None
    voice_channel_id: int | None
    timezone: str
    starts_at: datetime
    occurrence_at: datetime
    duration_seconds: int
    capacity: int | None
    required_role_id: int | None
    approval: bool
    rrule: str | None
    status: str
    created_by: int | None
    scheduled_event_id: int | None
    created_at: datetime
    updated_at: datetime
    sequence: int

    @classmethod
    def of(cls, row: Any) -> Event:
        """The event of a `guild_events` row."""
        return cls(**{name: row[name] for name in cls.__dataclass_fields__})

    @property
    def tz(self) -> ZoneInfo:
        """The zone the event's times (and its recurrence) are read in."""
        return ZoneInfo(self.timezone)

    @property
    def ends_at(self) -> datetime:
        """When the live occurrence ends."""
        return self.occurrence_at + timedelta(seconds=self.duration_seconds)


@dataclass(frozen=True)
class Attendee:
    """One member's answer for one occurrence."""

    user_id: int
    status: str
    responded_at: datetime
    reminder_minutes: list[int]
    reminded_minutes: list[int]

    @classmethod
    def of(cls, row: Any) -> Attendee:
        """The sign-up of an `event_attendees` row."""
        return cls(row["user_id"], row["status"], row["responded_at"], list(row["reminder_minutes"]),
                   list(row["reminded_minutes"]))
