"""Recurring events as RFC 5545 rules (python-dateutil's rrule), expanded in the event's time zone.

An event stores its first start (`starts_at`, the rule's DTSTART), its zone and the RRULE line without DTSTART
(`FREQ=WEEKLY;BYDAY=MO,WE;COUNT=6`). Occurrences are computed on local wall-clock times and only then placed in
the zone, so 20:00 in Berlin stays 20:00 across a daylight-saving change (its UTC instant moves by an hour).
An UNTIL is a local time too (RFC 5545: with a local DTSTART, UNTIL is local).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr

from utils.errors import BadInput

DAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
ORDINALS = {1: "first", 2: "second", 3: "third", 4: "fourth", -1: "last"}
REPEATS = ("daily", "weekly", "monthly_date", "monthly_weekday")
MAX_COUNT = 500


@dataclass(frozen=True)
class Repeat:
    """How an event repeats, as typed into `/event create`."""

    kind: str  # one of REPEATS
    days: tuple[int, ...] = ()  # weekly: 0=Mon … 6=Sun (default: the start's weekday)
    until: date | None = None  # last day an occurrence may start (local), inclusive
    count: int | None = None  # how many occurrences in all


def local_naive(moment: datetime, tz: ZoneInfo) -> datetime:
    """The wall-clock time of `moment` in `tz`, without zone (what the rule is expanded on)."""
    return moment.astimezone(tz).replace(tzinfo=None)


def to_utc(wall: datetime, tz: ZoneInfo) -> datetime:
    """The instant of a local wall-clock time (a time skipped by spring-forward keeps the offset before it)."""
    return wall.replace(tzinfo=tz).astimezone(UTC)


def build_rule(repeat: Repeat, start: datetime, tz: ZoneInfo) -> str:
    """The RRULE line (without DTSTART) for `repeat` of an event first starting at `start` (UTC) in `tz`."""
    wall = local_naive(start, tz)
    if repeat.kind == "daily":
        parts = ["FREQ=DAILY"]
    elif repeat.kind == "weekly":
        days = repeat.days or (wall.weekday(),)
        parts = ["FREQ=WEEKLY", "BYDAY=" + ",".join(DAY_CODES[d] for d in sorted(set(days)))]
    elif repeat.kind == "monthly_date":
        parts = ["FREQ=MONTHLY", f"BYMONTHDAY={wall.day}"]
    elif repeat.kind == "monthly_weekday":
        nth = (wall.day - 1) // 7 + 1
        parts = ["FREQ=MONTHLY", f"BYDAY={-1 if nth == 5 else nth}{DAY_CODES[wall.weekday()]}"]
    else:
        raise BadInput(f"`{repeat.kind}` is not a way to repeat: use daily, weekly, monthly_date or monthly_weekday.")
    if repeat.until is not None and repeat.count is not None:
        raise BadInput("Give an end date or a number of occurrences, not both.",
                       example="/event create … repeat:weekly count:6")
    if repeat.until is not None:
        if repeat.until < wall.date():
            raise BadInput(f"The end date {repeat.until.isoformat()} is before the first start.")
        parts.append(f"UNTIL={repeat.until.strftime('%Y%m%d')}T235959")
    if repeat.count is not None:
        if not 1 <= repeat.count <= MAX_COUNT:
            raise BadInput(f"The number of occurrences runs from 1 to {MAX_COUNT}.")
        parts.append(f"COUNT={repeat.count}")
    return ";".join(parts)


def _rule(rule: str, starts_at: datetime, tz: ZoneInfo):  # type: ignore[no-untyped-def]
    return rrulestr(rule, dtstart=local_naive(starts_at, tz))


def first_at_or_after(rule: str, start: datetime, tz: ZoneInfo) -> datetime | None:
    """The first occurrence of `rule` (expanded from `start`) at or after `start`: the series' real first start
    (a weekly rule on Mon and Wed typed for a Tuesday starts on the Wednesday)."""
    found = _rule(rule, start, tz).after(local_naive(start, tz), inc=True)
    return None if found is None else to_utc(found, tz)


def next_after(rule: str, starts_at: datetime, tz: ZoneInfo, after: datetime) -> datetime | None:
    """The first occurrence strictly after `after` (UTC), or None when the series is over."""
    expanded = _rule(rule, starts_at, tz)
    # Step back a day in local time, then compare instants: robust around a change of offset.
    for wall in expanded.xafter(local_naive(after, tz) - timedelta(days=1), inc=True):
        moment = to_utc(wall, tz)
        if moment > after:
            return moment
    return None


def occurrences(rule: str, starts_at: datetime, tz: ZoneInfo, limit: int) -> list[datetime]:
    """The first `limit` occurrences (UTC) of the series."""
    found = []
    for wall in _rule(rule, starts_at, tz):
        found.append(to_utc(wall, tz))
        if len(found) >= limit:
            break
    return found


def describe(rule: str | None) -> str:
    """The rule in words: "every week on Monday, Wednesday, 6 times", "every month on the second Tuesday"."""
    if not rule:
        return "once"
    parts = dict(part.split("=", 1) for part in rule.split(";"))
    freq = parts.get("FREQ")
    if freq == "DAILY":
        text = "every day"
    elif freq == "WEEKLY":
        days = [DAY_NAMES[DAY_CODES.index(code)] for code in parts.get("BYDAY", "").split(",") if code]
        text = "every week on " + ", ".join(days)
    elif "BYMONTHDAY" in parts:
        text = f"every month on day {parts['BYMONTHDAY']}"
    else:
        byday = parts.get("BYDAY", "")
        nth, code = int(byday[:-2] or 1), byday[-2:]
        text = f"every month on the {ORDINALS.get(nth, str(nth))} {DAY_NAMES[DAY_CODES.index(code)]}"
    if "COUNT" in parts:
        text += f", {parts['COUNT']} times"
    if "UNTIL" in parts:
        until = parts["UNTIL"]
        text += f", until {until[:4]}-{until[4:6]}-{until[6:8]}"
    return text


def parse_until(text: str) -> date:
    """ "2027-03-01" → date, or BadInput."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise BadInput(f"`{text[:40]}` is not a date; write it as YYYY-MM-DD.", example="until:2027-03-01") from None
