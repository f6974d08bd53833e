"""Benchmark of the message pipeline's stages, one by one: what each costs per ordinary chat message in Hearth.

    python benchmarks/pipeline_stages.py [--messages 20000] [--members 200] [--levels]

Hearth is built by `create_bot` (every cog) on a fresh database and connected to the Discord stand-in in this
process (one guild, `--members` members, one text channel, the settings a new server has; `--levels` turns levels
on too). The messages are real `discord.Message` objects made from MESSAGE_CREATE payloads and handed to the bot's
`on_message`, the coroutine discord.py runs per message, so no websocket or JSON is measured: only what Hearth adds
to a message. Printed, the best of three passes each (CPU time of this process):

- building the `discord.Message` objects alone (what discord.py does anyway, subtracted from the rest);
- `on_message` with every stage, and with no stage registered (the pipeline's own cost);
- each planned stage's own CPU per message, timed around its call (less the cost of timing a stage that does
  nothing). For a stage that returns an awaitable only the part before it is timed; for an ordinary message every
  stage here finishes without one.
- the stages the guild's plan leaves out (their module is off, or they have nothing to do there).

benchmarks/gateway.py measures the whole path against a bot that does nothing; this one says where Hearth's share
goes. It uses its own embedded PostgreSQL under .test-data/bench (created on first run).
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import gc
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import discord  # noqa: E402

from benchmarks._common import hearth_bot  # noqa: E402
from benchmarks.bench_db import bench_server  # noqa: E402

DATABASE = "hearth_bench_stages"
WORDS = ("the", "game", "tonight", "anyone", "playing", "coffee", "break", "meeting", "later", "thanks", "great")
PASSES = 3


def payloads(guild: Any, channel: Any, people: list[Any], count: int) -> list[dict[str, Any]]:
    """MESSAGE_CREATE payloads of ordinary chat messages from random members."""
    rng = random.Random(7)
    made = []
    for n in range(count):
        author = rng.choice(people).user
        made.append({
            "id": str(10**18 + n), "channel_id": str(channel.id), "guild_id": str(guild.id),
            "author": {"id": str(author.id), "username": author.username, "discriminator": "0", "avatar": None},
            "member": {"roles": [], "joined_at": "2026-01-01T00:00:00+00:00", "deaf": False, "mute": False},
            "content": " ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 12))),
            "timestamp": "2026-12-07T00:00:00+00:00", "edited_timestamp": None, "tts": False,
            "mention_everyone": False, "mentions": [], "mention_roles": [], "attachments": [], "embeds": [],
            "pinned": False, "type": 0})
    return made


async def best_of(run: Callable[[], Any], count: int) -> float:
    """The fastest of `PASSES` passes of `await run()`, in CPU µs per message."""
    best = float("inf")
    for _ in range(PASSES):
        gc.collect()
        started = time.process_time()
        await run()
        best = min(best, (time.process_time() - started) / count * 1e6)
    return best


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--messages", type=int, default=20_000)
    parser.add_argument("--members", type=int, default=200)
    parser.add_argument("--levels", action="store_true", help="turn levels on in the guild")
    args = parser.parse_args()
    from tests.standin import StandIn

    async with bench_server() as fresh_database:
        url = await fresh_database(DATABASE)
        standin = StandIn()
        guild = standin.add_guild("Bench", owner="owner")
        channel = guild.add_text_channel("chat")
        people = [guild.add_member(f"member{n}") for n in range(args.members)]
        await standin.start()
        bot = await standin.connect(hearth_bot(url))
        try:
            if args.levels:
                await bot.guild_settings.set(guild.id, "levels", "enabled", True, changed_by=None)
            for _ in range(20):  # caches warm, the guild planned
                await standin.say(channel, random.choice(people), "warming up")
            await measure(bot, guild.id, payloads(guild, channel, people, args.messages))
        finally:
            await standin.disconnect(bot)
            await standin.close()


async def measure(bot: Any, guild_id: int, made: list[dict[str, Any]]) -> None:
    state, channel = bot._connection, bot.get_channel(int(made[0]["channel_id"]))
    count = len(made)

    async def build_only() -> None:
        for data in made:
            discord.Message(state=state, channel=channel, data=data)

    async def through_pipeline() -> None:
        for data in made:
            await bot.on_message(discord.Message(state=state, channel=channel, data=data))

    pipeline = bot.pipeline
    registered = list(pipeline._stages)  # the registrations, to time each stage (a benchmark may look inside)
    planned = pipeline.planned(guild_id)
    build = await best_of(build_only, count)
    full = await best_of(through_pipeline, count)
    pipeline._stages = []
    pipeline.replan()
    empty = await best_of(through_pipeline, count)

    spent: dict[str, int] = {}

    def timed(registration: Any) -> Any:
        stage, name, clock = registration.stage, registration.name, time.perf_counter_ns
        spent[name] = 0

        def timing(context: Any) -> Any:
            started = clock()
            pending = stage(context)
            spent[name] += clock() - started
            return pending

        return dataclasses.replace(registration, stage=timing)

    nothing = dataclasses.replace(registered[0], name="(a stage doing nothing)", stage=lambda context: None,
                                  order=10**6, module=None, wanted=None)
    pipeline._stages = [timed(r) for r in registered] + [timed(nothing)]
    pipeline.replan()
    await best_of(through_pipeline, count)
    pipeline._stages = registered
    pipeline.replan()

    passes = PASSES * count
    timing_cost = spent.pop(nothing.name) / passes / 1000
    print(f"one guild, {count:,} ordinary chat messages through Hearth's on_message (every cog loaded), "
          f"CPU µs per message, best of {PASSES} passes")
    print(f"  discord.Message objects alone: {build:.2f} µs (subtracted below)")
    print(f"  on_message, every stage: {full - build:.2f} µs; with no stage registered: {empty - build:.2f} µs")
    print(f"  per stage (timed around its call, less {timing_cost:.2f} µs of timing):")
    for name in planned:
        print(f"    {name:16s} {max(0.0, spent[name] / passes / 1000 - timing_cost):5.2f} µs")
    left_out = [r.name for r in registered if r.name not in planned]
    print(f"  left out of the guild's plan (module off, or nothing to do there): {', '.join(left_out) or 'none'}")


if __name__ == "__main__":
    asyncio.run(main())
