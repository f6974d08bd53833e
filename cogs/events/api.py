"""The events' public API: what other features may ask of events (the calendar feed reads it).

The events cog publishes one `EventsApi` on `bot.apis` while it is loaded; a caller imports this module only and
asks `bot.apis.get(EventsApi)` (None when the events cog is not loaded). The SQL stays in `cogs/events/repo.py`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from cogs.events import repo, web_repo
from cogs.events.card import link
from cogs.events.model import CANCELLED, ENDED, GOING, MAYBE, PENDING, SCHEDULED, WAITLIST, Attendee, Event

__all__ = ["EVENT_STATES", "EventView", "EventsApi", "FeedEvent"]
# The state filters of the dashboard and the REST API: upcoming (scheduled) or past (ended or cancelled).
EVENT_STATES: dict[str, tuple[str, ...]] = {"upcoming": (SCHEDULED,), "past": (ENDED, CANCELLED)}
# The answers the dashboard lists, in order (declined answers are counted, not listed).
LISTED = (GOING, MAYBE, WAITLIST, PENDING)


@dataclass(frozen=True)
class EventView:
    """An event with how many answered each way for its live occurrence (`counts`: going, maybe, declined,
    waitlist, pending)."""

    event: Event
    counts: dict[str, int]
    url: str

    @property
    def upcoming(self) -> bool:
        """Still scheduled."""
        return self.event.status == SCHEDULED


def _view(row: Any) -> EventView:
    event = Event.of(row)
    counts = {name: int(row[name] or 0) for name in ("going", "maybe", "declined", "waitlist", "pending")}
    return EventView(event, counts, link(event))


@dataclass(frozen=True)
class FeedEvent:
    """One event as a calendar feed shows it (RFC 5545 terms in brackets).

    `start` is the series' first start (DTSTART) as an aware datetime in the event's zone, `timezone` that zone's
    IANA name (TZID); `rrule` the RRULE value without DTSTART (None for a one-off event), whose UNTIL is local
    time; `next_start` the live occurrence (UTC); `uid` stable per event and guild (UID); `url` the event
    message (URL, empty before it is posted); `location` a place typed in (a voice or stage channel is
    `voice_channel_id`); `last_modified` (LAST-MODIFIED, DTSTAMP) and `sequence` (SEQUENCE: raised by every change
    of time or duration) let calendars replace what they hold.
    """

    uid: str
    title: str
    description: str | None
    start: datetime
    timezone: str
    duration: timedelta
    location: str | None
    voice_channel_id: int | None
    rrule: str | None
    next_start: datetime
    url: str
    last_modified: datetime
    sequence: int


def feed_event(event: Event) -> FeedEvent:
    """The feed's view of an event."""
    return FeedEvent(
        uid=f"event-{event.id}-{event.guild_id}@hearth", title=event.title, description=event.description,
        start=event.starts_at.astimezone(event.tz), timezone=event.timezone,
        duration=timedelta(seconds=event.duration_seconds), location=event.location,
        voice_channel_id=event.voice_channel_id, rrule=event.rrule, next_start=event.occurrence_at, url=link(event),
        last_modified=event.updated_at, sequence=event.sequence)


class EventsApi:
    """The events of every guild, for other features (reached as `bot.apis.get(EventsApi)`)."""

    def __init__(self, pool: Any) -> None:
        self._pool = pool

    async def feed(self, guild_id: int) -> list[FeedEvent]:
        """Every scheduled (not cancelled, not over) event of the guild, soonest live occurrence first, for a
        calendar feed: a recurring series is one entry with its RRULE, expanded in its `timezone`."""
        return [feed_event(event) for event in await repo.feed(self._pool, guild_id)]

    async def one(self, event_id: int) -> tuple[int, FeedEvent] | None:
        """(guild id, the feed's view) of one scheduled event, for its "Add to calendar" file (None when it does
        not exist, was cancelled or is over)."""
        event = await repo.by_id(self._pool, event_id)
        if event is None or event.status != SCHEDULED:
            return None
        return event.guild_id, feed_event(event)

    async def events(self, guild_id: int, *, state: str | None = None, before: int | None = None,
                     limit: int = 50) -> list[EventView]:
        """The guild's events, newest first, with an id below `before` (a cursor), at most `limit`; `state` is
        "upcoming" or "past" (a key of `EVENT_STATES`), None for both."""
        statuses = list(EVENT_STATES[state]) if state else None
        return [_view(row) for row in await web_repo.page(self._pool, guild_id, statuses, before, limit)]

    async def details(self, guild_id: int, event_id: int) -> tuple[EventView, dict[str, list[Attendee]]] | None:
        """One event of this guild and its attendees for the live occurrence by answer (going, maybe, waitlist,
        pending approval; in the order they answered), or None (no such event here)."""
        row = await web_repo.one(self._pool, guild_id, event_id)
        if row is None:
            return None
        view = _view(row)
        answered = await repo.attendees(self._pool, view.event)
        return view, {status: [a for a in answered if a.status == status] for status in LISTED}
