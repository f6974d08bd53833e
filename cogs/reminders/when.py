"""Reading the `when` of a reminder: "tomorrow 18:00", "every mon,wed 20:30", "in 2h", "2026-12-24 19:00",
or a Discord timestamp; a schedule may end: "every Monday 8:00 until March". Times are read in the given time zone
(the server's, or a member's own for personal reminders); what can't be read is answered with examples.

"until <date>" ends a schedule: a named day ("until 2027-03-15", "until March 15") still has its occurrences; a
month alone ("until March") ends when that month begins.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import dateparser

from utils.errors import BadInput

EXAMPLES = "`tomorrow 18:00`, `in 2h`, `2026-12-24 19:00`, `every mon,wed 20:30`, `every day 08:00`, `<t:1767225600>`"

_DAY_WORDS = {
    "mon": 0, "monday": 0, "tue": 1, "tues": 1, "tuesday": 1, "wed": 2, "wednesday": 2, "thu": 3, "thur": 3,
    "thurs": 3, "thursday": 3, "fri": 4, "friday": 4, "sat": 5, "saturday": 5, "sun": 6, "sunday": 6,
}
_DAY_GROUPS = {"day": list(range(7)), "days": list(range(7)), "weekday": list(range(5)),
               "weekdays": list(range(5)), "weekend": [5, 6], "weekends": [5, 6]}
_RECURRING = re.compile(r"^(?:every|each)\s+(?P<days>.+?)\s+(?:at\s+)?(?P<time>\d{1,2}(?:[:.h]\d{2})?\s*(?:am|pm)?)$",
                        re.IGNORECASE)
_DAILY = re.compile(r"^daily\s+(?:at\s+)?(?P<time>\d{1,2}(?:[:.h]\d{2})?\s*(?:am|pm)?)$", re.IGNORECASE)
_UNTIL = re.compile(r"^(?P<schedule>.+?)\s+until\s+(?P<until>.+)$", re.IGNORECASE)
_TIMESTAMP = re.compile(r"^<t:(?P<unix>-?\d{1,12})(?::[tTdDfFR])?>$")


@dataclass(frozen=True)
class When:
    """A one-off moment (`at`, UTC) or a weekly schedule (`days` 0=Mon…6=Sun at local `time`), which may end
    before `until` (UTC, exclusive)."""

    at: datetime | None = None
    days: tuple[int, ...] = ()
    local_time: time | None = None
    until: datetime | None = None

    @property
    def recurring(self) -> bool:
        """True for a weekly schedule."""
        return bool(self.days)


def parse_time_of_day(text: str) -> time:
    """ "20:30", "8.15", "7pm", "7:30 am" → time, or BadInput."""
    match = re.fullmatch(r"(\d{1,2})(?:[:.h](\d{2}))?\s*(am|pm)?", text.strip().lower())
    if not match:
        raise BadInput(f"`{text}` is not a time of day. Examples: {EXAMPLES}.")
    hour, minute, half = int(match[1]), int(match[2] or 0), match[3]
    if half:
        if not 1 <= hour <= 12:
            raise BadInput(f"`{text}` is not a time of day (12-hour times run from 1 to 12).")
        hour = hour % 12 + (12 if half == "pm" else 0)
    if hour > 23 or minute > 59:
        raise BadInput(f"`{text}` is not a time of day; use 24-hour HH:MM, e.g. 20:30.")
    return time(hour, minute)


def _parse_days(text: str) -> tuple[int, ...]:
    days: set[int] = set()
    for word in re.split(r"[\s,/&+]+|\band\b", text.lower()):
        if not word:
            continue
        if word in _DAY_GROUPS:
            days.update(_DAY_GROUPS[word])
        elif word in _DAY_WORDS:
            days.add(_DAY_WORDS[word])
        else:
            raise BadInput(f"`{word}` is not a day. Use mon, tue, wed, thu, fri, sat, sun, day, weekdays or "
                           f"weekends, e.g. `every mon,wed 20:30`.")
    return tuple(sorted(days))


def parse_when(text: str, tz: ZoneInfo, now: datetime) -> When:
    """Read `text` in time zone `tz`; refuse what can't be read and moments that are not in the future."""
    cleaned = " ".join(text.strip().split())
    if not cleaned:
        raise BadInput(f"Say when. Examples: {EXAMPLES}.")
    if match := _UNTIL.match(cleaned):
        schedule = parse_when(match["schedule"], tz, now)
        if not schedule.recurring:
            raise BadInput("`until` ends a repeating schedule, e.g. `every mon 08:00 until March`.")
        return When(days=schedule.days, local_time=schedule.local_time, until=_until(match["until"], tz, now))
    if match := _RECURRING.match(cleaned):
        return When(days=_parse_days(match["days"]), local_time=parse_time_of_day(match["time"]))
    if match := _DAILY.match(cleaned):
        return When(days=tuple(range(7)), local_time=parse_time_of_day(match["time"]))
    if match := _TIMESTAMP.match(cleaned):
        moment = datetime.fromtimestamp(int(match["unix"]), UTC)
    else:
        moment = _natural(cleaned, tz, now)
    if moment <= now:
        shown = int(moment.timestamp())
        raise BadInput(f"That moment (<t:{shown}:F>) is in the past. Pick a time in the future, e.g. `tomorrow 18:00`.")
    return When(at=moment)


def _natural(text: str, tz: ZoneInfo, now: datetime) -> datetime:
    parsed = dateparser.parse(text, languages=["en"], settings={
        "TIMEZONE": tz.key,
        "RETURN_AS_TIMEZONE_AWARE": True,
        "PREFER_DATES_FROM": "future",
        "RELATIVE_BASE": now.astimezone(tz).replace(tzinfo=None),
    })
    if parsed is None:
        raise BadInput(f"I couldn't read `{text}` as a date and time. Examples: {EXAMPLES}.")
    # dateparser applies the zone's offset of *today*; rebuild the wall-clock time in the zone so a date on the
    # other side of a daylight-saving change gets its own offset.
    wall = parsed.replace(tzinfo=None)
    return wall.replace(tzinfo=tz).astimezone(UTC)


def _until(text: str, tz: ZoneInfo, now: datetime) -> datetime:
    """The end of a schedule (exclusive, UTC): after the named day, or when a month named alone begins."""
    parsed = dateparser.parse(text, languages=["en"], settings={
        "TIMEZONE": tz.key, "PREFER_DATES_FROM": "future", "PREFER_DAY_OF_MONTH": "first",
        "RELATIVE_BASE": now.astimezone(tz).replace(tzinfo=None),
    })
    if parsed is None:
        raise BadInput(f"I couldn't read `until {text}` as a date, e.g. `until March` or `until 2027-03-15`.")
    day = parsed.date() + (timedelta(days=1) if re.search(r"\d", text) else timedelta(0))
    end = datetime.combine(day, time(0), tzinfo=tz).astimezone(UTC)
    if end <= now:
        raise BadInput(f"`until {text}` is in the past: a schedule has to end in the future.")
    return end
