"""A kind's timeout: a handler runs until it returns or its time, measured on the bot's clock, is up."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from datetime import timedelta
from typing import Any, TypeVar

from utils.clock import Clock

log = logging.getLogger(__package__)  # the service's one logger, "core.timers"

CANCEL_WAIT = 5.0  # seconds a cancelled handler may take to unwind (it normally takes none)
T = TypeVar("T")


class JobTimedOut(Exception):
    """A handler ran past its kind's timeout and was cancelled."""

    def __init__(self, timeout: timedelta) -> None:
        super().__init__(f"timed out after {timeout.total_seconds():g} s")


async def bounded(clock: Clock, call: Coroutine[Any, Any, T], limit: timedelta) -> T:
    """Await `call`, cancelling it once `limit` has passed on `clock` (JobTimedOut)."""
    work = asyncio.ensure_future(call)
    timer = asyncio.ensure_future(clock.wait_until(clock.now() + limit, asyncio.Event()))
    try:
        await asyncio.wait({work, timer}, return_when=asyncio.FIRST_COMPLETED)
    except asyncio.CancelledError:  # shutdown: the handler stops with us
        work.cancel()
        await asyncio.wait({work}, timeout=CANCEL_WAIT)
        raise
    finally:
        timer.cancel()
    if work.done():
        return work.result()
    work.cancel()
    _, stuck = await asyncio.wait({work}, timeout=CANCEL_WAIT)
    if stuck:
        log.error("Timers: a timed-out handler ignored its cancellation and keeps running")
    raise JobTimedOut(limit)
