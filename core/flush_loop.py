"""The background writer of an in-memory buffer (audit rows, engagement counts, custom command uses, automod stats).

Every `interval` seconds of the bot's clock (or sooner, when `wake` is set because the buffer fills up) it calls
`flush`: tests move a ManualClock instead of waiting. While
the database is down the wait doubles up to `max_backoff`, the outage is logged once and the recovery once, and
the buffer itself (which has its own cap) keeps what could not be written. `stop` cancels the loop and makes
one last flush, bounded in time, so a graceful shutdown writes what is buffered.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from utils.clock import Clock
from utils.errors import DATABASE_ERRORS

log = logging.getLogger(__name__)


class FlushLoop:
    """Writes one buffer in the background with back-off; `interval` and `max_backoff` may be changed live."""

    def __init__(self, name: str, flush: Callable[[], Awaitable[object]], clock: Clock, *, interval: float,
                 max_backoff: float, backlog: Callable[[], str], dropped: Callable[[], str] | None = None) -> None:
        self.name = name
        self.clock = clock
        self.flush = flush
        self.interval = interval
        self.max_backoff = max_backoff
        self.backlog = backlog  # what is buffered, in words: "3 command record(s)"
        self.dropped = dropped  # what was dropped while full, in words (logged on recovery)
        self.failing = False
        self.next_attempt: datetime | None = None  # the clock time the loop waits for (tests read the back-off)
        self.wake = asyncio.Event()  # set it to flush now (e.g. the buffer is nearly full)
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        """Start writing in the background."""
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name=f"{self.name.lower().replace(' ', '-')}-flush")

    async def stop(self, timeout: float, final: Callable[[], Awaitable[object]] | None = None) -> None:  # noqa: ASYNC109
        """Stop the loop, then write what is left (`final`, default `flush`) within `timeout` seconds."""
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        try:
            await asyncio.wait_for((final or self.flush)(), timeout=timeout)
        except DATABASE_ERRORS as exc:
            log.warning("%s: %s could not be written at shutdown: %s", self.name, self.backlog(), exc)

    async def _run(self) -> None:
        delay = self.interval
        while True:
            self.next_attempt = self.clock.now() + timedelta(seconds=delay)
            await self.clock.wait_until(self.next_attempt, self.wake)
            self.wake.clear()
            try:
                await self.flush()
            except DATABASE_ERRORS as exc:
                if not self.failing:  # once per outage, not at every retry
                    log.warning("%s: cannot write (%s); %s buffered, retrying with back-off", self.name, exc,
                                self.backlog())
                self.failing = True
                delay = min(delay * 2, self.max_backoff)
            except Exception:
                log.exception("%s: unexpected error while writing", self.name)
                delay = min(delay * 2, self.max_backoff)
            else:
                if self.failing:
                    log.info("%s: writing again%s", self.name, f" ({self.dropped()})" if self.dropped else "")
                self.failing = False
                delay = self.interval
