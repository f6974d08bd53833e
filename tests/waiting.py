"""Waiting for something another task or process does (a background loop, a bot subprocess): poll the
condition until it holds, with a deadline, instead of sleeping a fixed time."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable, Callable


async def eventually(check: Callable[[], bool | Awaitable[bool]], timeout: float = 30.0,  # noqa: ASYNC109
                     message: str = "the condition did not hold in time") -> float:
    """Wait until `check()` (sync or async) is true; returns how long it took, fails the test at `timeout`."""
    loop = asyncio.get_running_loop()
    started = loop.time()
    while True:
        result = check()
        if await result if inspect.isawaitable(result) else result:
            return loop.time() - started
        assert loop.time() - started < timeout, message
        await asyncio.sleep(0.05)
