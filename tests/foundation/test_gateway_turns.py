"""The gateway reader takes turns (core/gateway_turns.py): buffered frames don't keep other tasks waiting."""

from __future__ import annotations

import asyncio

import aiohttp
import pytest

from core.gateway_turns import TurnTakingSocket
from tests.hearth_harness import Hearth

pytestmark = pytest.mark.asyncio(loop_scope="session")


class BufferedSocket:
    """What aiohttp's websocket does when frames are already buffered: `receive()` returns without suspending."""

    def __init__(self, frames: int) -> None:
        self.frames = [aiohttp.WSMessage(aiohttp.WSMsgType.TEXT, f"frame {n}", None) for n in range(frames)]
        self.close_code = 1000

    async def receive(self, timeout: float | None = None) -> aiohttp.WSMessage:  # noqa: ASYNC109
        return self.frames.pop(0)


class StepClock:
    """Advances by `step` seconds each time it is read."""

    def __init__(self, step: float) -> None:
        self.now, self.step = 0.0, step

    def __call__(self) -> float:
        self.now += self.step
        return self.now


async def _read_while_another_task_waits(socket: TurnTakingSocket, frames: int) -> list[str]:
    order: list[str] = []

    async def other() -> None:
        order.append("other task")

    waiting = asyncio.get_running_loop().create_task(other())
    for _ in range(frames):
        order.append((await socket.receive()).data)
    await waiting
    return order


async def test_a_reader_past_its_slice_lets_a_waiting_task_run_before_the_next_frame() -> None:
    socket = TurnTakingSocket(BufferedSocket(6), slice_seconds=0.002, clock=StepClock(0.001))
    order = await _read_while_another_task_waits(socket, 6)
    # the clock reads 1 ms at creation and 1 ms more per read: the slice is used up before the second frame
    assert order == ["frame 0", "other task", "frame 1", "frame 2", "frame 3", "frame 4", "frame 5"]
    assert socket.turns_given == 3


async def test_a_reader_within_its_slice_reads_on_without_yielding() -> None:
    socket = TurnTakingSocket(BufferedSocket(6), slice_seconds=0.002, clock=StepClock(0.0))
    order = await _read_while_another_task_waits(socket, 6)
    assert order == [f"frame {n}" for n in range(6)] + ["other task"]
    assert socket.turns_given == 0


async def test_the_wrapped_socket_answers_everything_else() -> None:
    socket = TurnTakingSocket(BufferedSocket(1))  # type: ignore[arg-type]
    assert socket.close_code == 1000


async def test_the_bots_gateway_connection_reads_through_a_turn_taking_socket(hearth: Hearth) -> None:
    shard_sockets = [shard.ws.socket for shard in hearth.bot._AutoShardedClient__shards.values()]  # type: ignore[attr-defined]
    assert shard_sockets and all(isinstance(socket, TurnTakingSocket) for socket in shard_sockets)
    said = await hearth.discord.say(hearth.guild.general, hearth.guild.member, "hello")
    assert [(m.id, m.content) for m in hearth.bot.cached_messages][-1:] == [(said.id, "hello")]  # read through it
