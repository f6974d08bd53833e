"""Throttled edits of event messages: a rush of sign-ups becomes one edit per `interval` per event.

The first change after a quiet spell is shown at once; changes within `interval` of the last edit are coalesced
into one trailing edit at `last edit + interval`. The wait is on the bot's clock (`utils.clock`), so tests move
a `ManualClock` instead of sleeping. Each process throttles the events whose clicks it receives.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from utils.clock import Clock

log = logging.getLogger(__name__)
INTERVAL = timedelta(seconds=5)


class Refresher:
    """Calls `edit(event_id)` at most once per `interval` per event, never losing the last change."""

    def __init__(self, clock: Clock, edit: Callable[[int], Awaitable[None]], interval: timedelta = INTERVAL) -> None:
        self._clock = clock
        self._edit = edit
        self._interval = interval
        self._last: dict[int, datetime] = {}
        self._pending: dict[int, asyncio.Task[None]] = {}
        self._stop = asyncio.Event()

    async def request(self, event_id: int) -> None:
        """The event's message must show a change: edit now, or once at the end of the current interval."""
        if event_id in self._pending:
            return  # the trailing edit will show this change too
        last = self._last.get(event_id)
        now = self._clock.now()
        if last is None or now >= last + self._interval:
            await self._run(event_id)
            return
        self._pending[event_id] = asyncio.create_task(self._trailing(event_id, last + self._interval))

    async def _trailing(self, event_id: int, when: datetime) -> None:
        try:
            await self._clock.wait_until(when, self._stop)
            if not self._stop.is_set():
                del self._pending[event_id]
                await self._run(event_id)
        finally:
            self._pending.pop(event_id, None)

    async def _run(self, event_id: int) -> None:
        self._last[event_id] = self._clock.now()
        try:
            await self._edit(event_id)
        except Exception:  # a message we can't edit must not fail the click that changed it
            log.exception("Events: refreshing the message of event %s failed", event_id)

    async def close(self) -> None:
        """At unload: make the trailing edits now (the pool is still open), so no change stays unshown."""
        self._stop.set()
        waiting = dict(self._pending)
        for task in waiting.values():
            task.cancel()
        await asyncio.gather(*waiting.values(), return_exceptions=True)
        for event_id in waiting:
            await self._run(event_id)
