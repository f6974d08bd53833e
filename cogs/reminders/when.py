"""Reading the `when` of a reminder: "tomorrow 18:00", "every mon,wed 20:30", "in 2h", "2026-12-24 19:00",
or a Discord timestamp. Times are read in the server's time zone; what can't be read is answered with examples.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

from core.moment_input import EXAMPLES, natural_moment, parse_time_of_day
from core.moment_input import parse_weekdays as _parse_days
from utils.errors import BadInput

__all__ = ["EXAMPLES", "When", "parse_time_of_day", "parse_when"]

_RECURRING = re.compile(r"^(?:every|each)\s+(?P<days>.+?)\s+(?:at\s+)?(?P<time>\d{1,2}(?:[:.h]\d{2})?\s*(?:am|pm)?)$",
                        re.IGNORECASE)
_DAILY = re.compile(r"^daily\s+(?:at\s+)?(?P<time>\d{1,2}(?:[:.h]\d{2})?\s*(?:am|pm)?)$", re.IGNORECASE)
_TIMESTAMP = re.compile(r"^<t:(?P<unix>-?\d{1,12})(?::[tTdDfFR])?>$")


@dataclass(frozen=True)
class When:
    """A one-off moment (`at`, UTC) or a weekly schedule (`days` 0=Mon…6=Sun at local `time`)."""

    at: datetime | None = None
    days: tuple[int, ...] = ()
    local_time: time | None = None

    @property
    def recurring(self) -> bool:
        """True for a weekly schedule."""
        return bool(self.days)


def parse_when(text: str, tz: ZoneInfo, now: datetime) -> When:
    """Read `text` in time zone `tz`; refuse what can't be read and moments that are not in the future."""
    cleaned = " ".join(text.strip().split())
    if not cleaned:
        raise BadInput(f"Say when. Examples: {EXAMPLES}.")
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

