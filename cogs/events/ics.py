"""iCalendar (RFC 5545) output for events: the guild's subscribable feed, one event's "Add to calendar" file, and a
Google Calendar template link.

Pure functions over plain frozen :class:`CalendarEntry` values (no database, no clock): the caller maps its rows.
Everything is written with the ``icalendar`` package, which escapes text (commas, semicolons, backslashes, newlines)
and folds long lines. Each start is written in the entry's IANA zone (``DTSTART;TZID=Europe/Berlin:...``) with a
VTIMEZONE generated from zoneinfo, so a weekly 19:00 stays 19:00 local on both sides of a daylight-saving change in
Google Calendar and Apple Calendar; an entry in ``UTC`` is written as UTC (``...Z``) and needs no VTIMEZONE.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING
from urllib.parse import quote, urlencode
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from utils.lazy_import import lazy_module

if TYPE_CHECKING:
    import icalendar
else:
    icalendar = lazy_module("icalendar")  # ~3 MiB resident: imported when a calendar is first written

PRODID = "-//Hearth//Events//EN"
STATUSES = ("CONFIRMED", "CANCELLED")
GOOGLE_TEMPLATE = "https://calendar.google.com/calendar/render"
GOOGLE_DETAILS_MAX = 1500  # keep the link well below URL length limits
_OPEN_ENDED_YEARS = 10  # VTIMEZONE coverage after the start of a recurrence without UNTIL/COUNT
_UTC_NAMES = ("UTC", "Etc/UTC", "Etc/Universal", "Universal", "Zulu", "Etc/Zulu")


@dataclass(frozen=True)
class CalendarEntry:
    """One event as the calendar shows it.

    ``start`` is timezone-aware; ``tz`` the IANA zone the event lives in (its local time is what repeats);
    exactly one of ``duration`` / ``end``; ``rrule`` an RFC 5545 RRULE value without the ``RRULE:`` prefix (e.g.
    ``FREQ=WEEKLY;BYDAY=TU,TH;UNTIL=20260601T000000Z``; a local or date-only UNTIL is converted to UTC as RFC 5545
    requires); ``exdates`` occurrences removed from it (aware datetimes); ``status`` CONFIRMED or CANCELLED;
    ``sequence`` goes up with every change of time or cancellation; ``last_modified`` (aware) is also the DTSTAMP.
    """

    uid: str
    title: str
    start: datetime
    tz: str
    last_modified: datetime
    description: str = ""
    duration: timedelta | None = None
    end: datetime | None = None
    location: str = ""
    rrule: str | None = None
    exdates: tuple[datetime, ...] = field(default=())
    url: str | None = None
    status: str = "CONFIRMED"
    sequence: int = 0


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {name!r}") from None


def _local(entry: CalendarEntry, when: datetime) -> datetime:
    if when.tzinfo is None:
        raise ValueError(f"{entry.uid}: datetimes must be timezone-aware")
    if entry.tz in _UTC_NAMES:
        return when.astimezone(UTC)
    return when.astimezone(_zone(entry.tz))


def _recurrence(entry: CalendarEntry) -> icalendar.vRecur | None:
    """The RRULE, checked by icalendar, with UNTIL in UTC (RFC 5545 3.3.10 for a DTSTART with TZID)."""
    if not entry.rrule:
        return None
    text = entry.rrule.removeprefix("RRULE:")
    try:
        rule = icalendar.vRecur.from_ical(text)
    except ValueError:
        raise ValueError(f"{entry.uid}: invalid RRULE {entry.rrule!r}") from None
    if "FREQ" not in rule:
        raise ValueError(f"{entry.uid}: RRULE needs FREQ")
    until = rule.get("UNTIL")
    if until:
        value = until[0]
        if not isinstance(value, datetime):  # a date: through the end of that local day
            value = datetime.combine(value, time(23, 59, 59))
        if value.tzinfo is None:
            value = value.replace(tzinfo=_local(entry, entry.start).tzinfo)
        rule["UNTIL"] = [value.astimezone(UTC)]
    return rule


def _event(entry: CalendarEntry) -> icalendar.Event:
    if entry.status not in STATUSES:
        raise ValueError(f"{entry.uid}: status must be one of {STATUSES}")
    if (entry.duration is None) == (entry.end is None):
        raise ValueError(f"{entry.uid}: give exactly one of duration and end")
    ev = icalendar.Event()
    ev.add("uid", entry.uid)
    ev.add("dtstamp", entry.last_modified.astimezone(UTC))
    ev.add("last-modified", entry.last_modified.astimezone(UTC))
    ev.add("sequence", entry.sequence)
    ev.add("summary", entry.title)
    ev.add("dtstart", _local(entry, entry.start))
    if entry.end is not None:
        ev.add("dtend", _local(entry, entry.end))
    else:
        ev.add("duration", entry.duration)
    if entry.description:
        ev.add("description", entry.description)
    if entry.location:
        ev.add("location", entry.location)
    if entry.url:
        ev.add("url", entry.url)
    ev.add("status", entry.status)
    rule = _recurrence(entry)
    if rule is not None:
        ev.add("rrule", rule)
        if entry.exdates:
            ev.add("exdate", [_local(entry, d) for d in entry.exdates])
    return ev


def _coverage(entries: list[CalendarEntry]) -> tuple[date, date]:
    """The dates the VTIMEZONEs must describe: from the first start to the last occurrence (or 10 years on)."""
    first = min(e.start.astimezone(UTC).date() for e in entries) - timedelta(days=1)
    last = first
    for entry in entries:
        stop = (entry.end or entry.start + (entry.duration or timedelta())).astimezone(UTC).date()
        rule = _recurrence(entry)
        if rule is not None:
            until = rule.get("UNTIL")
            stop = until[0].date() if until else entry.start.date() + timedelta(days=366 * _OPEN_ENDED_YEARS)
        last = max(last, stop)
    return first, last + timedelta(days=1)


def _calendar(name: str, entries: list[CalendarEntry]) -> bytes:
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    # icalendar 7.3 writes NAME / X-WR-CALNAME unescaped from a str: give it its TEXT type so it escapes them.
    cal.add("name", icalendar.vText(name))
    cal.add("x-wr-calname", icalendar.vText(name))
    for entry in entries:
        cal.add_component(_event(entry))
    if entries:
        first, last = _coverage(entries)
        cal.add_missing_timezones(first_date=first, last_date=last)
    return cal.to_ical()


def build_feed(guild_name: str, entries: list[CalendarEntry]) -> bytes:
    """The guild's calendar feed: a VCALENDAR named after the guild with one VEVENT per entry (cancelled ones
    included with STATUS:CANCELLED, so subscribed calendars drop them) and a VTIMEZONE for each zone used."""
    return _calendar(guild_name, entries)


def build_event_file(guild_name: str, entry: CalendarEntry) -> bytes:
    """One event's "Add to calendar" .ics: a VCALENDAR holding its VEVENT and VTIMEZONE."""
    return _calendar(f"{guild_name}: {entry.title}", [entry])


def _google_time(entry: CalendarEntry, when: datetime) -> str:
    return _local(entry, when).strftime("%Y%m%dT%H%M%S") + ("Z" if entry.tz in _UTC_NAMES else "")


def google_calendar_url(entry: CalendarEntry) -> str:
    """A Google Calendar "create event" link pre-filled with the entry: local times with ``ctz`` (UTC ones with
    ``Z``), details, location and, for a recurring entry, its RRULE."""
    stop = entry.end if entry.end is not None else entry.start + (entry.duration or timedelta())
    params: dict[str, str] = {
        "action": "TEMPLATE",
        "text": entry.title,
        "dates": f"{_google_time(entry, entry.start)}/{_google_time(entry, stop)}",
    }
    if entry.tz not in _UTC_NAMES:
        _zone(entry.tz)
        params["ctz"] = entry.tz
    details = "\n\n".join(p for p in (entry.description, entry.url or "") if p)
    if details:
        params["details"] = details[:GOOGLE_DETAILS_MAX]
    if entry.location:
        params["location"] = entry.location
    rule = _recurrence(entry)
    if rule is not None:
        params["recur"] = "RRULE:" + rule.to_ical().decode()
    return f"{GOOGLE_TEMPLATE}?{urlencode(params, quote_via=quote)}"
