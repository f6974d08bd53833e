"""Time, from one place: production uses the system clock, tests a clock they move by hand.

Besides `now()`, a clock knows how to wait until a moment (or until woken early), so the timers service sleeps
on the real clock in production and on the test's clock in tests: a test moves time forward and due jobs run,
without any real sleeping.
"""

from __future__ import annotations

import asyncio
import contextlib
from datetime import UTC, datetime, timedelta


class Clock:
    """The system clock (timezone-aware UTC)."""

    def now(self) -> datetime:
        """The current time, aware, in UTC."""
        return datetime.now(UTC)

    async def wait_until(self, when: datetime | None, wake: asyncio.Event) -> None:
        """Return at `when` (None = never) or as soon as `wake` is set, whichever comes first."""
        timeout = None if when is None else max(0.0, (when - self.now()).total_seconds())
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(wake.wait(), timeout)


class ManualClock(Clock):
    """A clock that only moves when told to; for tests and benchmarks."""

    def __init__(self, start: datetime | None = None) -> None:
        self._now = start or datetime(2026, 1, 5, 12, 0, tzinfo=UTC)
        self._moved = asyncio.Event()

    def now(self) -> datetime:
        return self._now

    def set(self, when: datetime) -> None:
        """Jump to `when` (must be timezone-aware)."""
        if when.tzinfo is None:
            raise ValueError("ManualClock needs an aware datetime")
        self._now = when
        self._moved.set()
        self._moved = asyncio.Event()

    def advance(self, **delta: float) -> datetime:
        """Move forward by a timedelta given as keywords (hours=1, minutes=5 …); returns the new time."""
        self.set(self._now + timedelta(**delta))
        return self._now

    async def wait_until(self, when: datetime | None, wake: asyncio.Event) -> None:
        while not wake.is_set() and (when is None or self._now < when):
            moved = asyncio.ensure_future(self._moved.wait())
            woken = asyncio.ensure_future(wake.wait())
            try:
                await asyncio.wait({moved, woken}, return_when=asyncio.FIRST_COMPLETED)
            finally:
                moved.cancel()
                woken.cancel()
