"""The events calendar over HTTP: `/event feed` makes an unguessable, revocable address whose iCalendar a real parser
(icalendar + dateutil) reads back with the right instants across a daylight-saving change, and each event's
"Add to calendar" links (Google Calendar, a signed .ics file)."""

from __future__ import annotations

import hashlib
import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlparse

import httpx
import icalendar
import pytest_asyncio
from dateutil.rrule import rrulestr

from tests.hearth_harness import Hearth
from tests.kit.events import EventsDesk

PUBLIC = "https://bot.example.org"
FEED_URL = re.compile(r"https://bot\.example\.org(/calendar/[A-Za-z0-9_-]+\.ics)")
FILE_URL = re.compile(r"https://bot\.example\.org(/calendar/event/[0-9a-f-]+\.ics)")


@pytest_asyncio.fixture(loop_scope="session")
async def served(hearth: Hearth) -> AsyncIterator[tuple[EventsDesk, httpx.AsyncClient]]:
    """The events desk with the HTTP API on, its public address set, and a client for it."""
    await hearth.restart(api_enabled=True, api_port=0, public_url=PUBLIC)
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{hearth.bot.api.port}") as client:
        yield EventsDesk(hearth), client


async def _choir(events: EventsDesk) -> int:
    """A weekly Tuesday 20:00 event in Berlin, from before the change to summer time (29 March 2026)."""
    hearth = events.hearth
    await hearth.bot.guild_settings.set(events.server.id, "system", "timezone", "Europe/Berlin", changed_by=1)
    hearth.clock.set(datetime(2026, 3, 20, 12, tzinfo=UTC))
    return await events.create(title="Choir; bring music, please", start="2026-03-24 20:00", repeat="weekly",
                               count=4, duration="2h", location="Hall 2")


async def test_the_feed_is_read_back_with_the_right_instants(served: tuple[EventsDesk, httpx.AsyncClient]) -> None:
    events, client = served
    await _choir(events)
    made = await events.run("feed")
    assert made.ephemeral and "Keep it private" in made.text
    path = FEED_URL.search(made.text)[1]
    answer = await client.get(path)
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(answer.content)
    [vevent] = calendar.walk("VEVENT")
    assert str(vevent["SUMMARY"]) == "Choir; bring music, please" and str(vevent["LOCATION"]) == "Hall 2"
    start = vevent.decoded("DTSTART")
    assert str(start.tzinfo) == "Europe/Berlin" and (start.hour, start.minute) == (20, 0)
    assert [c["TZID"] for c in calendar.walk("VTIMEZONE")] == ["Europe/Berlin"]
    rule = rrulestr(vevent["RRULE"].to_ical().decode(), dtstart=start)
    instants = [moment.astimezone(UTC) for moment in rule]
    assert instants == [datetime(2026, 3, 24, 19, tzinfo=UTC), datetime(2026, 3, 31, 18, tzinfo=UTC),
                        datetime(2026, 4, 7, 18, tzinfo=UTC), datetime(2026, 4, 14, 18, tzinfo=UTC)]
    token = path.removeprefix("/calendar/").removesuffix(".ics")
    stored = await events.db.fetchval("SELECT token_hash FROM event_feeds")
    assert stored == hashlib.sha256(token.encode()).hexdigest() and token not in stored  # only its hash is kept


async def test_reset_revokes_the_old_address(served: tuple[EventsDesk, httpx.AsyncClient]) -> None:
    events, client = served
    await _choir(events)
    old = FEED_URL.search((await events.run("feed")).text)[1]
    again = await events.run("feed")
    assert "already has a calendar address" in again.text and FEED_URL.search(again.text) is None
    new = FEED_URL.search((await events.run("feed", reset=True)).text)[1]
    assert new != old
    assert (await client.get(old)).status_code == 404
    assert (await client.get(new)).status_code == 200
    assert (await client.get("/calendar/" + "x" * 32 + ".ics")).status_code == 404
    refused = await events.run("feed", user=events.guild.member)
    assert refused.ephemeral and "Manage Server" in refused.text


async def test_each_event_has_add_to_calendar_links(served: tuple[EventsDesk, httpx.AsyncClient]) -> None:
    events, client = served
    event_id = await _choir(events)
    shown = await events.run("show", user=events.guild.member, event=event_id)
    links = {f["name"]: f["value"] for f in shown.message.embeds[0]["fields"]}["Add to calendar"]
    google = re.search(r"\((https://calendar\.google\.com/[^)]+)\)", links)[1]
    query = parse_qs(urlparse(google).query)
    assert query["text"] == ["Choir; bring music, please"] and query["ctz"] == ["Europe/Berlin"]
    assert query["dates"] == ["20260324T200000/20260324T220000"]
    path = FILE_URL.search(links)[1]
    answer = await client.get(path)
    [vevent] = icalendar.Calendar.from_ical(answer.content).walk("VEVENT")
    assert vevent.decoded("DTSTART").astimezone(UTC) == datetime(2026, 3, 24, 19, tzinfo=UTC)
    forged = re.sub(r"-[0-9a-f]{32}\.ics$", "-" + "0" * 32 + ".ics", path)
    assert (await client.get(forged)).status_code == 404
    other_id = path.replace(f"/event/{event_id}-", f"/event/{event_id + 1}-")
    assert (await client.get(other_id)).status_code == 404
    await events.run("cancel", event=event_id)
    assert (await client.get(path)).status_code == 404  # a cancelled event leaves the calendars
