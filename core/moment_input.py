"""Moments typed into a command ("tomorrow 18:00", "2026-12-24 19:00", "next friday 8pm", a Discord timestamp),
read in a time zone: one reader for every feature that takes a date and time (reminders, events), so they all
accept and refuse the same things with the same words.

A wall-clock time is placed in the zone with the offset of *its own* date, so a date on the other side of a
daylight-saving change gets the right instant.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, time
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from utils.errors import BadInput
from utils.lazy_import import lazy_module

if TYPE_CHECKING:
    import dateparser
else:
    dateparser = lazy_module("dateparser")  # ~4 MiB resident: imported when a natural-language time is first parsed

EXAMPLES = "`tomorrow 18:00`, `in 2h`, `2026-12-24 19:00`, `every mon,wed 20:30`, `every day 08:00`, `<t:1767225600>`"
MOMENT_EXAMPLES = "`tomorrow 18:00`, `next friday 20:00`, `2026-12-24 19:00`, `<t:1767225600>`"
_DAY_WORDS = {
    "mon": 0, "monday": 0, "tue": 1, "tues": 1, "tuesday": 1, "wed": 2, "wednesday": 2, "thu": 3, "thur": 3,
    "thurs": 3, "thursday": 3, "fri": 4, "friday": 4, "sat": 5, "saturday": 5, "sun": 6, "sunday": 6,
}
_DAY_GROUPS = {"day": list(range(7)), "days": list(range(7)), "weekday": list(range(5)),
               "weekdays": list(range(5)), "weekend": [5, 6], "weekends": [5, 6]}
_TIMESTAMP = re.compile(r"^<t:(?P<unix>-?\d{1,12})(?::[tTdDfFR])?>$")


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


def natural_moment(text: str, tz: ZoneInfo, now: datetime, *, examples: str = EXAMPLES) -> datetime:
    """`text` read as a date and time in `tz` (relative to `now`), in UTC; BadInput with `examples` if unreadable."""
    parsed = dateparser.parse(text, languages=["en"], settings={
        "TIMEZONE": tz.key,
        "RETURN_AS_TIMEZONE_AWARE": True,
        "PREFER_DATES_FROM": "future",
        "RELATIVE_BASE": now.astimezone(tz).replace(tzinfo=None),
    })
    if parsed is None:
        raise BadInput(f"I couldn't read `{text[:100]}` as a date and time. Examples: {examples}.")
    # dateparser applies the zone's offset of *today*; rebuild the wall-clock time in the zone so a date on the
    # other side of a daylight-saving change gets its own offset.
    wall = parsed.replace(tzinfo=None)
    return wall.replace(tzinfo=tz).astimezone(UTC)


def parse_moment(text: str, tz: ZoneInfo, now: datetime, *, what: str = "That moment") -> datetime:
    """A future moment (UTC) from a Discord timestamp or natural language in `tz`; BadInput naming `what` when it
    can't be read or is not in the future."""
    cleaned = " ".join(text.strip().split())
    if not cleaned:
        raise BadInput(f"Say when. Examples: {MOMENT_EXAMPLES}.")
    if match := _TIMESTAMP.match(cleaned):
        moment = datetime.fromtimestamp(int(match["unix"]), UTC)
    else:
        moment = natural_moment(cleaned, tz, now, examples=MOMENT_EXAMPLES)
    if moment <= now:
        raise BadInput(f"{what} (<t:{int(moment.timestamp())}:F>) is in the past. Pick a time in the future, "
                       "e.g. `tomorrow 18:00`.")
    return moment


def parse_weekdays(text: str) -> tuple[int, ...]:
    """ "mon,wed", "weekdays", "sat & sun", "day" → sorted weekday numbers (0=Mon … 6=Sun), or BadInput."""
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
