"""When a reminder fires: recurring local times that stay right across daylight-saving changes."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def local_to_utc(day: date, at: time, tz: ZoneInfo) -> datetime:
    """The UTC instant of a local wall-clock time. A time skipped by a spring-forward change fires at the
    same offset as before the change (e.g. 02:30 → 03:30); a repeated autumn time fires the first time."""
    return datetime.combine(day, at, tzinfo=tz).astimezone(UTC)


def next_occurrence(days: list[int], at: time, tz: ZoneInfo, after: datetime) -> datetime:
    """The first moment strictly after `after` that is `at` local time on one of `days` (0=Mon … 6=Sun)."""
    if not days:
        raise ValueError("a recurring reminder needs at least one day")
    local_today = after.astimezone(tz).date()
    for offset in range(0, 8):
        day = local_today + timedelta(days=offset)
        if day.weekday() in days:
            candidate = local_to_utc(day, at, tz)
            if candidate > after:
                return candidate
    raise AssertionError("unreachable: every weekday occurs within 8 days")


def describe_days(days: list[int]) -> str:
    """[0, 2] → "Mon, Wed"; all seven → "every day"; Mon–Fri → "weekdays"."""
    if sorted(days) == list(range(7)):
        return "every day"
    if sorted(days) == list(range(5)):
        return "weekdays"
    if sorted(days) == [5, 6]:
        return "weekends"
    return ", ".join(DAY_NAMES[d] for d in sorted(days))
