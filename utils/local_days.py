"""Which calendar day a moment falls on in a time zone, asked on every message by several stages.

`datetime.astimezone(ZoneInfo(...)).date()` is the dear part of counting a message (engagement, points and server
stats each ask). A day lasts long: `LocalDays` keeps, per time zone, the UTC interval of the day it last answered
and answers from it while moments fall inside, which is two comparisons.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo


class LocalDays:
    """The local calendar day of aware moments, per time zone name, cached for the rest of that day."""

    def __init__(self) -> None:
        self._days: dict[str, tuple[datetime, datetime, date]] = {}  # zone -> (day starts, day ends, the day)

    def day(self, moment: datetime, zone: str) -> date:
        """The calendar day of `moment` (aware) in the time zone called `zone`."""
        known = self._days.get(zone)
        if known is not None and known[0] <= moment < known[1]:
            return known[2]
        tz = ZoneInfo(zone)
        day = moment.astimezone(tz).date()
        starts = datetime.combine(day, time(), tzinfo=tz).astimezone(UTC)
        ends = datetime.combine(day + timedelta(days=1), time(), tzinfo=tz).astimezone(UTC)
        if starts <= moment < ends:  # a zone whose midnight a DST change skips: don't trust the interval
            self._days[zone] = (starts, ends, day)
        return day
