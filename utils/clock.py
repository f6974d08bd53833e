"""Time, from one place: production uses the system clock, tests a clock they move by hand."""

from __future__ import annotations

from datetime import UTC, datetime


class Clock:
    """The system clock (timezone-aware UTC)."""

    def now(self) -> datetime:
        """The current time, aware, in UTC."""
        return datetime.now(UTC)


class ManualClock(Clock):
    """A clock that only moves when told to; for tests and benchmarks."""

    def __init__(self, start: datetime | None = None) -> None:
        self._now = start or datetime(2026, 1, 5, 12, 0, tzinfo=UTC)

    def now(self) -> datetime:
        return self._now

    def set(self, when: datetime) -> None:
        """Jump to `when` (must be timezone-aware)."""
        if when.tzinfo is None:
            raise ValueError("ManualClock needs an aware datetime")
        self._now = when

    def advance(self, **delta: float) -> datetime:
        """Move forward by a timedelta given as keywords (hours=1, minutes=5 …); returns the new time."""
        from datetime import timedelta

        self._now += timedelta(**delta)
        return self._now
