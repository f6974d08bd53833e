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
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from core.moment_input import EXAMPLES, natural_moment, parse_time_of_day
from core.moment_input import parse_weekdays as _parse_days
from utils.errors import BadInput
from utils.lazy_import import lazy_module

if TYPE_CHECKING:
    import dateparser
else:
    dateparser = lazy_module("dateparser")  # ~4 MiB resident: imported when a natural-language time is first parsed

__all__ = ["EXAMPLES", "When", "parse_time_of_day", "parse_when"]

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
        moment = natural_moment(cleaned, tz, now)
    if moment <= now:
        shown = int(moment.timestamp())
        raise BadInput(f"That moment (<t:{shown}:F>) is in the past. Pick a time in the future, e.g. `tomorrow 18:00`.")
    return When(at=moment)


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
