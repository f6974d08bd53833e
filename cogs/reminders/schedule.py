"""When a reminder fires: recurring local times that stay right across daylight-saving changes.

Server reminders store their weekly days and time; personal reminders store an RFC 5545 RRULE (python-dateutil's
`rrule`), read in local wall-clock time and turned into UTC one occurrence at a time, so 08:00 stays 08:00 on both
sides of a daylight-saving change.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr

DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_RRULE_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


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


def weekly_rule(days: list[int] | tuple[int, ...], at: time, tz: ZoneInfo, until: datetime | None = None) -> str:
    """The RRULE of "every <days> at <at>" (local wall-clock time), ending before `until` (UTC) if given."""
    rule = (f"FREQ=WEEKLY;BYDAY={','.join(_RRULE_DAYS[d] for d in sorted(days))};"
            f"BYHOUR={at.hour};BYMINUTE={at.minute};BYSECOND=0")
    if until is not None:
        last = until.astimezone(tz).replace(tzinfo=None) - timedelta(seconds=1)
        rule += f";UNTIL={last:%Y%m%dT%H%M%S}"
    return rule


def next_in_rule(rule: str, tz: ZoneInfo, after: datetime) -> datetime | None:
    """The first occurrence of `rule` (local wall-clock times in `tz`) strictly after `after`, in UTC; None when
    the rule has ended."""
    local_after = after.astimezone(tz).replace(tzinfo=None)
    start = datetime.combine(local_after.date() - timedelta(days=1), time(0))
    # A few hours of slack: around a daylight-saving change, local order and UTC order may differ by the shift.
    for occurrence in rrulestr(rule, dtstart=start).xafter(local_after - timedelta(hours=3), inc=True):
        moment = local_to_utc(occurrence.date(), occurrence.time(), tz)
        if moment > after:
            return moment
    return None


def describe_rule(rule: str) -> str:
    """ "FREQ=WEEKLY;BYDAY=MO;BYHOUR=8;BYMINUTE=0…" → "Mon at 08:00 (until 2027-02-28)"."""
    parts = dict(part.split("=", 1) for part in rule.split(";") if "=" in part)
    days = [_RRULE_DAYS.index(day) for day in parts.get("BYDAY", "").split(",") if day in _RRULE_DAYS]
    text = f"{describe_days(days)} at {int(parts.get('BYHOUR', 0)):02d}:{int(parts.get('BYMINUTE', 0)):02d}"
    if until := parts.get("UNTIL"):
        text += f" (until {until[:4]}-{until[4:6]}-{until[6:8]})"
    return text
