"""Timing marks of benchmarks/interactions.py: in the stand-in's process (`Stopwatch`: when each INTERACTION_CREATE
frame was queued and written, when its callback arrived) and in the bot's process (`BotMarks`: when discord.py read
and parsed it, when the callback request left; the event loop's lag and the garbage collector's pauses).
`time.perf_counter` is CLOCK_MONOTONIC on Linux, the same clock in every process, so the marks of both compare.
"""

from __future__ import annotations

import asyncio
import math
import time
from typing import Any

COMMANDS = ("reminder list", "config get", "profile")


class Stopwatch:
    """When each watched INTERACTION_CREATE frame was queued and written, and when its callback arrived."""

    def __init__(self) -> None:
        self.frames: dict[int, int] = {}  # id(frame string) -> interaction id
        self.queued: dict[int, float] = {}
        self.written: dict[int, float] = {}
        self.answered: dict[int, float] = {}
        self.kind: dict[int, str] = {}
        self.written_messages = 0

    def install(self) -> None:
        """Timestamp frames as the gateway writes them and callbacks as they arrive (benchmark-only wrappers)."""
        from tests.standin import gateway, interactions

        watch = self

        async def write(conn: Any) -> None:  # gateway.Connection._write, timing the watched frames
            while True:
                frame = await conn.queue.get()
                if frame is None or conn.ws.closed:
                    return
                try:
                    await conn.ws.send_str(frame)
                except ConnectionError:
                    return
                rid = watch.frames.pop(id(frame), None)
                if rid is not None:
                    watch.written[rid] = time.perf_counter()
                elif frame.startswith('{"op": 0, "t": "MESSAGE_CREATE"'):
                    watch.written_messages += 1

        notify = interactions.InteractionResult.notify

        def notified(result: Any) -> None:  # called by the callback route once the response is recorded
            if result.response_type is not None and result.id in watch.queued and result.id not in watch.answered:
                watch.answered[result.id] = time.perf_counter()
            notify(result)

        gateway.Connection._write = write  # type: ignore[method-assign]
        interactions.InteractionResult.notify = notified  # type: ignore[method-assign]

    def sent(self, standin: Any, result: Any, kind: str) -> None:
        """Register the frame the stand-in just queued for `result`."""
        session = standin.gateway.live_sessions[0]
        self.frames[id(session.buffer[-1][1])] = result.id
        self.queued[result.id] = time.perf_counter()
        self.kind[result.id] = kind

    def moments(self, ids: list[int]) -> dict[int, tuple[str, float | None, float | None]]:
        """Per interaction: its command, when its frame was written, when its callback arrived."""
        return {rid: (self.kind[rid], self.written.get(rid), self.answered.get(rid)) for rid in ids}

    def latencies(self, ids: list[int]) -> dict[str, dict[str, list[float]]]:
        """Per command: milliseconds from written (and from queued) to the callback; unanswered ids counted."""
        out: dict[str, dict[str, list[float]]] = {k: {"written": [], "queued": [], "lost": []} for k in COMMANDS}
        for rid in ids:
            kind = self.kind[rid]
            if rid not in self.answered or rid not in self.written:
                out[kind]["lost"].append(rid)
                continue
            out[kind]["written"].append((self.answered[rid] - self.written[rid]) * 1000)
            out[kind]["queued"].append((self.answered[rid] - self.queued[rid]) * 1000)
        return out


class BotMarks:
    """Bot-side moments of each interaction (time.perf_counter is CLOCK_MONOTONIC, the same in every process):
    its frame reaching discord.py's websocket reader, its INTERACTION_CREATE parsed, the callback request sent;
    and how late the event loop wakes a 5 ms sleep (its lag) during the loaded phase."""

    def __init__(self) -> None:
        self.received: dict[int, float] = {}
        self.parsed: dict[int, float] = {}
        self.called_back: dict[int, float] = {}
        self.lag_ms: list[float] = []
        self.latest: int | None = None
        self.gc = GcPauses()

    def install(self, bot: Any) -> None:
        import discord.gateway
        import discord.webhook.async_

        marks = self
        received_message = discord.gateway.DiscordWebSocket.received_message

        async def receiving(ws: Any, msg: Any, /) -> None:  # frames may be zlib-compressed: mark after parsing
            began = time.perf_counter()
            marks.latest = None
            await received_message(ws, msg)
            if marks.latest is not None:
                marks.received[marks.latest] = began

        discord.gateway.DiscordWebSocket.received_message = receiving  # type: ignore[method-assign]
        parsers = bot._connection.parsers
        parse = parsers["INTERACTION_CREATE"]

        def parsing(data: dict[str, Any]) -> None:
            marks.latest = int(data["id"])
            marks.parsed[marks.latest] = time.perf_counter()
            parse(data)

        parsers["INTERACTION_CREATE"] = parsing
        adapter = discord.webhook.async_.AsyncWebhookAdapter
        respond = adapter.create_interaction_response

        def responding(self: Any, interaction_id: int, token: str, **kwargs: Any) -> Any:  # the callback POST
            marks.called_back.setdefault(int(interaction_id), time.perf_counter())
            return respond(self, interaction_id, token, **kwargs)

        adapter.create_interaction_response = responding  # type: ignore[method-assign]

    async def watch_loop(self) -> None:
        self.gc.watch()
        while True:
            began = time.perf_counter()
            await asyncio.sleep(0.005)
            self.lag_ms.append((time.perf_counter() - began - 0.005) * 1000)


class GcPauses:
    """The garbage collector's pauses in this process, as (generation, milliseconds), once `watch()` was called."""

    def __init__(self) -> None:
        self.ms: list[tuple[int, float]] = []
        self._began = 0.0

    def watch(self) -> None:
        import gc

        gc.callbacks.append(self._on_gc)

    def _on_gc(self, phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            self._began = time.perf_counter()
        else:
            self.ms.append((info["generation"], (time.perf_counter() - self._began) * 1000))


def percentile(values: list[float], fraction: float) -> float:
    """The nearest-rank percentile of `values`."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(fraction * len(ordered)) - 1))]
