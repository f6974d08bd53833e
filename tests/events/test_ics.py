"""The iCalendar builder (cogs/events/ics.py), read back with icalendar's own parser: instants across a DST change,
cancelled events, escaping, UTC events, VTIMEZONEs, the single-event file and the Google Calendar link."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import pytest
from dateutil.rrule import rrulestr
from icalendar import Calendar, Event

from cogs.events.ics import CalendarEntry, build_event_file, build_feed, google_calendar_url

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
EDITED = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)


def weekly_berlin(**changes: object) -> CalendarEntry:
    """Tuesdays and Thursdays 19:00 Berlin from 3 March 2026 (Berlin changes to summer time on 29 March)."""
    entry = CalendarEntry(
        uid="event-1@hearth", title="Board games", start=datetime(2026, 3, 3, 19, 0, tzinfo=BERLIN),
        tz="Europe/Berlin", last_modified=EDITED, duration=timedelta(hours=2), location="Café Lindner",
        rrule="FREQ=WEEKLY;BYDAY=TU,TH;UNTIL=20260416T235959Z", url="https://discord.com/events/1/2",
        description="Bring a game", sequence=3)
    return dataclasses.replace(entry, **changes)  # type: ignore[arg-type]


def events(raw: bytes) -> list[Event]:
    return Calendar.from_ical(raw).events


def occurrences(ev: Event) -> list[datetime]:
    start = ev.decoded("DTSTART")
    rule = ev["RRULE"].to_ical().decode()
    found = list(rrulestr(rule, dtstart=start))
    exdates = ev.get("EXDATE", [])
    exdates = exdates if isinstance(exdates, list) else [exdates]
    excluded = {x.dt for exdate in exdates for x in exdate.dts}
    return [d for d in found if d not in excluded]


def test_weekly_event_keeps_its_local_time_across_the_dst_change() -> None:
    cal = Calendar.from_ical(build_feed("Cozy, Corner", [weekly_berlin()]))
    [ev] = cal.events
    start = ev.decoded("DTSTART")
    assert start == datetime(2026, 3, 3, 19, 0, tzinfo=BERLIN) and start.tzinfo.key == "Europe/Berlin"
    assert ev["DTSTART"].params["TZID"] == "Europe/Berlin"
    [tz] = cal.timezones
    assert tz["TZID"] == "Europe/Berlin"
    dates = occurrences(ev)
    assert len(dates) == 14  # 3 Mar .. 16 Apr, Tuesdays and Thursdays
    assert all(d.astimezone(BERLIN).time().hour == 19 for d in dates)
    utc_hours = {d.astimezone(UTC).date().isoformat(): d.astimezone(UTC).hour for d in dates}
    assert utc_hours["2026-03-26"] == 18 and utc_hours["2026-03-31"] == 17  # the instant moves, 19:00 local stays
    assert ev.decoded("DURATION") == timedelta(hours=2)
    assert (ev["SEQUENCE"], str(ev["STATUS"]), str(ev["UID"])) == (3, "CONFIRMED", "event-1@hearth")
    assert ev.decoded("DTSTAMP") == EDITED == ev.decoded("LAST-MODIFIED")


def test_local_until_and_exdates_are_written_as_rfc_5545_wants() -> None:
    entry = weekly_berlin(rrule="FREQ=WEEKLY;BYDAY=TU;UNTIL=20260407",
                          exdates=(datetime(2026, 3, 17, 18, 0, tzinfo=UTC),))
    [ev] = events(build_feed("G", [entry]))
    until = ev["RRULE"]["UNTIL"][0]
    assert until == datetime(2026, 4, 7, 23, 59, 59, tzinfo=BERLIN).astimezone(UTC)  # UTC, as with TZID DTSTART
    assert ev["EXDATE"].params["TZID"] == "Europe/Berlin"
    assert [d.date().isoformat() for d in occurrences(ev)] == ["2026-03-03", "2026-03-10", "2026-03-24",
                                                               "2026-03-31", "2026-04-07"]


def test_cancelled_event_and_several_zones() -> None:
    cancelled = weekly_berlin(uid="event-2@hearth", status="CANCELLED", sequence=4, rrule=None)
    other = CalendarEntry(uid="event-3@hearth", title="NY meetup", start=datetime(2026, 3, 5, 18, tzinfo=NEW_YORK),
                          tz="America/New_York", last_modified=EDITED,
                          end=datetime(2026, 3, 5, 20, tzinfo=NEW_YORK))
    cal = Calendar.from_ical(build_feed("G", [cancelled, other]))
    by_uid = {str(e["UID"]): e for e in cal.events}
    assert str(by_uid["event-2@hearth"]["STATUS"]) == "CANCELLED" and by_uid["event-2@hearth"]["SEQUENCE"] == 4
    assert "RRULE" not in by_uid["event-2@hearth"]
    assert by_uid["event-3@hearth"].decoded("DTEND") == datetime(2026, 3, 6, 1, tzinfo=UTC)
    assert sorted(str(t["TZID"]) for t in cal.timezones) == ["America/New_York", "Europe/Berlin"]


def test_text_is_escaped_by_the_library() -> None:
    title = "Chess, Go; and\nmore \\ fun"
    raw = build_feed("Cozy, Corner; \"the\" place", [weekly_berlin(title=title, description="a,b;c\nd",
                                                                  location="Room 1, floor 2")])
    assert b"SUMMARY:Chess\\, Go\\; and\\nmore \\\\ fun" in raw
    assert b"X-WR-CALNAME:Cozy\\, Corner\\; \"the\" place" in raw
    cal = Calendar.from_ical(raw)
    [ev] = cal.events
    assert (str(ev["SUMMARY"]), str(ev["DESCRIPTION"]), str(ev["LOCATION"])) == (title, "a,b;c\nd", "Room 1, floor 2")
    # icalendar 7.3 reads X-WR-CALNAME back as an unknown property: still escaped
    assert str(cal["X-WR-CALNAME"]) == "Cozy\\, Corner\\; \"the\" place"
    assert str(cal["PRODID"]) == "-//Hearth//Events//EN" and str(cal["VERSION"]) == "2.0"


def test_utc_event_has_no_timezone_block() -> None:
    entry = CalendarEntry(uid="u@hearth", title="Server birthday", start=datetime(2026, 6, 1, 17, tzinfo=UTC),
                          tz="UTC", last_modified=EDITED, duration=timedelta(minutes=90))
    raw = build_feed("G", [entry])
    assert b"DTSTART:20260601T170000Z" in raw and b"VTIMEZONE" not in raw
    [ev] = events(raw)
    assert ev.decoded("DTSTART") == datetime(2026, 6, 1, 17, tzinfo=UTC)


def test_single_event_file() -> None:
    cal = Calendar.from_ical(build_event_file("Cozy Corner", weekly_berlin()))
    [ev] = cal.events
    assert str(ev["UID"]) == "event-1@hearth" and str(ev["URL"]) == "https://discord.com/events/1/2"
    assert [str(t["TZID"]) for t in cal.timezones] == ["Europe/Berlin"]
    assert str(cal["X-WR-CALNAME"]) == "Cozy Corner: Board games"


def test_empty_feed_and_bad_entries() -> None:
    assert Calendar.from_ical(build_feed("G", [])).events == []
    for bad in (weekly_berlin(end=datetime(2026, 3, 3, 21, tzinfo=BERLIN)),  # duration and end
                weekly_berlin(status="TENTATIVE"), weekly_berlin(tz="Mars/Olympus"),
                weekly_berlin(rrule="BYDAY=TU"), weekly_berlin(start=datetime(2026, 3, 3, 19))):
        with pytest.raises(ValueError):
            build_feed("G", [bad])


def test_google_calendar_link() -> None:
    url = google_calendar_url(weekly_berlin(title="Board games & more"))
    parts = urlsplit(url)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "calendar.google.com", "/calendar/render")
    query = parse_qs(parts.query)
    assert query["action"] == ["TEMPLATE"] and query["text"] == ["Board games & more"]
    assert query["dates"] == ["20260303T190000/20260303T210000"] and query["ctz"] == ["Europe/Berlin"]
    assert query["location"] == ["Café Lindner"]
    assert query["details"] == ["Bring a game\n\nhttps://discord.com/events/1/2"]
    assert query["recur"] == ["RRULE:FREQ=WEEKLY;UNTIL=20260416T235959Z;BYDAY=TU,TH"]
    utc = CalendarEntry(uid="u", title="T", start=datetime(2026, 6, 1, 17, tzinfo=UTC), tz="UTC",
                        last_modified=EDITED, duration=timedelta(minutes=90))
    query = parse_qs(urlsplit(google_calendar_url(utc)).query)
    assert query["dates"] == ["20260601T170000Z/20260601T183000Z"] and "ctz" not in query and "recur" not in query
