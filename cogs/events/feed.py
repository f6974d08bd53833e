"""The events calendar: an iCalendar (RFC 5545) feed per guild behind an unguessable, revocable token, and an
"Add to calendar" file per event behind a signed address, both served by the bot's HTTP API.

- `GET /calendar/<token>.ics`: every scheduled event of the guild (a series as one VEVENT with its RRULE in its
  time zone). The token is made by `/event feed` (shown once, stored as a SHA-256 hash) and replaced by
  `/event feed reset:True`, which stops the old address at once.
- `GET /calendar/event/<event id>-<signature>.ics`: one event, for its "Add to calendar" link. The signature is an
  HMAC of the guild and event ids with a secret of this installation (`core.pseudonyms.installation_secret`), so
  event ids cannot be enumerated; it needs no storage and works in every bot process.

Both answer 404 for anything unknown, with no hint whether a guild or event exists.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from typing import Any

from fastapi.responses import Response

from cogs.events.api import FeedEvent
from cogs.events.ics import CalendarEntry, build_event_file, build_feed, google_calendar_url
from core.api_keys import ApiError
from core.db import Executor
from core.http_api import Routes
from core.pseudonyms import installation_secret

FEED_PATH = "/calendar/{token}.ics"
EVENT_PATH = "/calendar/event/{signed}.ics"
SECRET_NAME = "calendar_links"
MEDIA_TYPE = "text/calendar; charset=utf-8"
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
_SIGNED = re.compile(r"^(?P<event_id>\d{1,18})-(?P<signature>[0-9a-f]{32})$")

_GUILD_OF = "SELECT guild_id FROM event_feeds WHERE token_hash = $1"
_REPLACE = """
    INSERT INTO event_feeds (guild_id, token_hash, created_by, created_at) VALUES ($1, $2, $3, $4)
    ON CONFLICT (guild_id) DO UPDATE SET token_hash = EXCLUDED.token_hash, created_by = EXCLUDED.created_by,
        created_at = EXCLUDED.created_at
"""
_HAS_FEED = "SELECT created_at FROM event_feeds WHERE guild_id = $1"


def token_hash(token: str) -> str:
    """What is stored of a feed token."""
    return hashlib.sha256(token.encode()).hexdigest()


def calendar_entry(event: FeedEvent, location: str | None = None) -> CalendarEntry:
    """The iCalendar view of an event (`location`: a voice channel's name when the event has no place typed in)."""
    return CalendarEntry(uid=event.uid, title=event.title, start=event.start, tz=event.timezone,
                         last_modified=event.last_modified, description=event.description or "",
                         duration=event.duration, location=event.location or location or "", rrule=event.rrule,
                         url=event.url or None, sequence=event.sequence)


async def new_token(conn: Executor, guild_id: int, by: int, now: Any) -> str:
    """Make the guild's feed token (replacing any earlier one); returns it: it is not stored, only its hash."""
    token = secrets.token_urlsafe(24)
    await conn.execute(_REPLACE, guild_id, token_hash(token), by, now)
    return token


async def has_feed(conn: Executor, guild_id: int) -> bool:
    """Whether the guild made a feed address."""
    return await conn.fetchval(_HAS_FEED, guild_id) is not None


async def guild_of_token(conn: Executor, token: str) -> int | None:
    """The guild whose feed `token` opens (None: no such feed)."""
    if not _TOKEN.match(token):
        return None
    return await conn.fetchval(_GUILD_OF, token_hash(token))


async def event_path(conn: Executor, guild_id: int, event_id: int) -> str:
    """The signed path of one event's .ics file."""
    secret = await installation_secret(conn, SECRET_NAME)
    assert secret is not None  # made on first use
    signature = hmac.new(secret, f"{guild_id}:{event_id}".encode(), hashlib.sha256).hexdigest()[:32]
    return EVENT_PATH.format(signed=f"{event_id}-{signature}")


class CalendarRoutes:
    """The two routes, reading events through the cog (`events_of`, `event_of`, `guild_name`)."""

    def __init__(self, cog: Any) -> None:
        self.cog = cog
        self.router = Routes()
        self.router.add_api_route(FEED_PATH, self.feed, methods=["GET"], response_class=Response,
                                  summary="A guild's events calendar (iCalendar)")
        self.router.add_api_route(EVENT_PATH, self.one, methods=["GET"], summary="One event (iCalendar)",
                                  response_class=Response)

    async def feed(self, token: str) -> Response:
        """Every scheduled event of the guild whose feed `token` opens."""
        guild_id = await guild_of_token(self.cog.pool, token)
        if guild_id is None:
            raise ApiError(404, "No such calendar.")
        entries = [calendar_entry(event, self.cog.place_name(guild_id, event))
                   for event in await self.cog.events_api.feed(guild_id)]
        body = build_feed(self.cog.guild_name(guild_id), entries)
        return Response(body, media_type=MEDIA_TYPE, headers={"Cache-Control": "private, max-age=300"})

    async def one(self, signed: str) -> Response:
        """One event's file, for its "Add to calendar" link."""
        match = _SIGNED.match(signed)
        event = await self.cog.events_api.one(int(match["event_id"])) if match else None
        if match is None or event is None:
            raise ApiError(404, "No such event.")
        guild_id, feed_event = event
        expected = (await event_path(self.cog.pool, guild_id, int(match["event_id"]))).rsplit("-", 1)[1][:32]
        if not hmac.compare_digest(expected, match["signature"]):
            raise ApiError(404, "No such event.")
        body = build_event_file(self.cog.guild_name(guild_id),
                                calendar_entry(feed_event, self.cog.place_name(guild_id, feed_event)))
        return Response(body, media_type=MEDIA_TYPE,
                        headers={"Content-Disposition": f'attachment; filename="event-{match["event_id"]}.ics"'})


def add_to_calendar_links(event: FeedEvent, file_url: str | None) -> str:
    """The "Add to calendar" line of an event: Google Calendar, and the .ics file for Apple and Outlook."""
    links = [f"[Google Calendar]({google_calendar_url(calendar_entry(event))})"]
    if file_url:
        links.append(f"[Apple / Outlook (.ics)]({file_url})")
    return " · ".join(links)
