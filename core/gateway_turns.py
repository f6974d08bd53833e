"""The gateway reader takes turns with the bot's other tasks.

discord.py reads each gateway connection in one task (`Shard.worker` → `DiscordWebSocket.poll_event` →
`socket.receive()`). When frames are already buffered, aiohttp's `receive()` returns without suspending, so one step
of that task parses and dispatches every buffered frame before any other task runs. Under a flow of chat messages an
interaction that arrives behind a few hundred of them waits for all of them to be parsed, and then its command's
task waits behind every message task they started (benchmarks/interactions.py measured 60–100 ms stalls).

`TurnTakingSocket` wraps the aiohttp websocket discord.py reads: once the reader has run for `slice_seconds`
without suspending, its next `receive()` first yields to the event loop, so the commands and message tasks already
waiting get their turn. A reader that keeps up (each frame arriving on its own) suspends in `receive()` anyway and
yields at most once per slice, so the cost is one clock read per frame.

It is installed through the one seam discord.py offers for the gateway socket, the client's
`HTTPClient.ws_connect` (`install(bot.http)`), which both `Client.connect` and `AutoShardedClient`'s shards use.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp

DEFAULT_SLICE_SECONDS = 0.002  # how long the reader may parse buffered frames before others get a turn


class TurnTakingSocket:
    """An aiohttp client websocket whose `receive()` yields to other tasks once per time slice.

    Everything else (`send_str`, `close`, `closed`, `close_code`, …) is the wrapped socket's own.
    """

    def __init__(self, socket: aiohttp.ClientWebSocketResponse, slice_seconds: float = DEFAULT_SLICE_SECONDS,
                 clock: Callable[[], float] = time.perf_counter) -> None:
        self._socket = socket
        self._slice = slice_seconds
        self._clock = clock
        self._turn_began = clock()
        self.turns_given = 0  # how often the reader yielded because its slice was used up

    async def receive(self, timeout: float | None = None) -> aiohttp.WSMessage:  # noqa: ASYNC109 - aiohttp's API
        """The next frame; first lets waiting tasks run when the reader has had the loop for a whole slice."""
        if self._clock() - self._turn_began >= self._slice:
            self.turns_given += 1
            await asyncio.sleep(0)
            self._turn_began = self._clock()
        message = await self._socket.receive(timeout)
        return message

    def __getattr__(self, name: str) -> Any:
        return getattr(self._socket, name)


def install(http: Any, slice_seconds: float | None = None) -> None:
    """Make every gateway connection `http` (a discord.py `HTTPClient`) opens a `TurnTakingSocket` (slices of
    `slice_seconds`, by default `DEFAULT_SLICE_SECONDS` as it is when the connection opens)."""
    connect: Callable[..., Awaitable[aiohttp.ClientWebSocketResponse]] = http.ws_connect

    async def ws_connect(url: str, *, compress: int = 0) -> TurnTakingSocket:
        socket = await connect(url, compress=compress)
        return TurnTakingSocket(socket, DEFAULT_SLICE_SECONDS if slice_seconds is None else slice_seconds)

    http.ws_connect = ws_connect
