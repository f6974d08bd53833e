"""Benchmark of the real gateway path: ordinary chat messages reaching Hearth through the Discord stand-in's gateway
websocket, against a do-nothing discord.py client measured in the same run (the floor).

    python benchmarks/gateway.py [--messages 20000] [--rounds 3] [--members 200] [--warmup 20] [--cprofile FILE]

The stand-in runs in a child process (one guild, `--members` members, one text channel) and sends MESSAGE_CREATE
events from random members as fast as its gateway can. In this process, first Hearth (built by `create_bot`, the
factory `bot.py` uses, every cog loaded, on a fresh database migrated to head) and, before it, a plain
`discord.Client` with the same intents whose `on_message` does nothing each connect and receive:

- a cold burst: `--messages` messages sent right after READY (every cache cold);
- warm runs: `--warmup` messages, then `--rounds` runs of `--messages` more; the median round counts (a single
  short run varied by half from run to run on shared cores).

Each run's CPU is counted until `--settle` seconds after its last message, so it includes the batched database
writes its messages cause (engagement and points flush every 3 s, levels every 5 s), never a share of another
run's.

Printed per run: this process's CPU time per message (the bot and only the bot: the stand-in and PostgreSQL are
other processes), its ratio to the floor's, and the database transactions per message (`pg_stat_database`
commits and rollbacks of the benchmark's database over the run, less the benchmark's own reads). Targets from
issue 24: warm ≤ 1.5× the floor, cold burst ≤ 0.01 transactions per message. It uses its own embedded PostgreSQL
under .test-data/bench (created on first run).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import multiprocessing
import random
import statistics
import sys
import time
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import asyncpg  # noqa: E402
import discord  # noqa: E402
import discord.gateway  # noqa: E402
import discord.http  # noqa: E402

from benchmarks._common import hearth_bot, point_at_standin  # noqa: E402
from benchmarks.bench_db import bench_server  # noqa: E402
from benchmarks.interaction_marks import GcPauses  # noqa: E402
from core.hearth_bot import default_intents  # noqa: E402

DATABASE = "hearth_bench_gateway"
WORDS = ("the", "game", "tonight", "anyone", "playing", "coffee", "break", "meeting", "later", "thanks", "great",
         "idea", "weekend", "photo", "music", "book", "club", "cat", "dog", "pizza", "rain", "sunny", "lol", "nice")
STATS = "SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = $1"
STATS_SETTLE = 1.5  # seconds: PostgreSQL flushes a backend's statistics at most once a second


# -- the stand-in, in its own process ------------------------------------------------------------------------------


def standin_process(pipe: Connection, members: int) -> None:
    """Child process: one guild, serve it, send bursts of messages when asked."""
    asyncio.run(_serve(pipe, members))


async def _serve(pipe: Connection, members: int) -> None:
    from tests.standin import StandIn

    standin = StandIn()
    guild = standin.add_guild("Bench", owner="owner")
    channel = guild.add_text_channel("chat")
    people = [guild.add_member(f"member{n}") for n in range(members)]
    await standin.start()
    pipe.send({"base_url": standin.world.base_url, "gateway_url": standin.world.gateway_url})
    rng = random.Random(7)
    loop = asyncio.get_running_loop()
    while True:
        command = await loop.run_in_executor(None, pipe.recv)
        if command == "stop":
            break
        for _ in range(int(command)):
            text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 14)))
            await standin.say(channel, rng.choice(people), text, settle=False)
        pipe.send("sent")
    await standin.close()


# -- the clients, in this process ----------------------------------------------------------------------------------


class Counted:
    """How many messages a client has handled, a wait for a number of them, and its READY."""

    def __init__(self) -> None:
        self.seen = 0
        self.ready = asyncio.Event()

    async def on_ready(self) -> None:
        self.ready.set()

    async def until(self, count: int, timeout: float = 600.0) -> None:  # noqa: ASYNC109
        deadline = time.perf_counter() + timeout
        while self.seen < count:
            if time.perf_counter() > deadline:
                raise TimeoutError(f"only {self.seen} of {count} messages handled")
            await asyncio.sleep(0.005)


async def transactions(conn: asyncpg.Connection) -> int:
    """The benchmark database's committed and rolled-back transactions so far (after the statistics settle)."""
    await asyncio.sleep(STATS_SETTLE)
    return int(await conn.fetchval(STATS, DATABASE))


async def run(client: Any, counted: Counted, pipe: Connection, stats: asyncpg.Connection,
              args: argparse.Namespace, cprofile: str | None = None) -> dict[str, float]:
    """Connect `client`, send the cold burst at READY, then the warm-up and the warm run; per-message figures.
    With `cprofile`, each warm run is profiled into `cprofile`.warm0, .warm1, …"""
    gc_pauses = GcPauses()
    gc_pauses.watch()
    runner = asyncio.create_task(client.start("benchmark.token"))
    await asyncio.wait_for(counted.ready.wait(), 120)
    figures: dict[str, Any] = {}
    phases = [("cold", 0, args.messages), ("warmup", args.messages, args.warmup)]
    phases += [(f"warm{n}", args.messages + args.warmup + n * args.messages, args.messages)
               for n in range(args.rounds)]
    for name, before_count, count in phases:
        before_tx = await transactions(stats)
        profiler = None
        if cprofile and name.startswith("warm") and name != "warmup":
            import cProfile

            profiler = cProfile.Profile()
            profiler.enable()
        pauses = len(gc_pauses.ms)
        cpu = time.process_time()
        started = time.perf_counter()
        pipe.send(str(count))
        await counted.until(before_count + count)
        # The batched writes these messages cause (engagement and points every 3 s, levels every 5 s) belong to
        # them: each run waits for them, so every run counts its own flushes (both clients wait alike).
        await asyncio.sleep(args.settle)
        used = time.process_time() - cpu
        elapsed = time.perf_counter() - started
        if profiler is not None:
            profiler.disable()
            profiler.dump_stats(f"{cprofile}.{name}")
        await asyncio.to_thread(pipe.recv)  # "sent"
        after_tx = await transactions(stats)
        figures[f"{name}_cpu_us"] = used / count * 1e6
        figures[f"{name}_wall_s"] = elapsed
        figures[f"{name}_tx"] = max(0, after_tx - before_tx - 1) / count  # less this read's own transaction
        figures[f"{name}_gc_ms"] = sum(ms for _gen, ms in gc_pauses.ms[pauses:])
    warm = [f"warm{n}" for n in range(args.rounds)]
    figures["warm_rounds_cpu_us"] = [figures[f"{name}_cpu_us"] for name in warm]
    figures["warm_rounds_gc_ms"] = [figures[f"{name}_gc_ms"] for name in warm]
    for figure in ("cpu_us", "wall_s", "tx"):  # the warm run's figures: the median round's
        figures[f"warm_{figure}"] = statistics.median(figures[f"{name}_{figure}"] for name in warm)
    await client.close()
    try:
        await asyncio.wait_for(runner, 10)
    except Exception:
        runner.cancel()
    return figures


def hearth_client(url: str) -> tuple[Any, Counted]:
    bot = hearth_bot(url)
    counted = Counted()
    dispatch = bot.pipeline.dispatch

    async def counting(message: discord.Message) -> Any:
        try:
            return await dispatch(message)
        finally:
            counted.seen += 1

    bot.pipeline.dispatch = counting  # type: ignore[method-assign]
    bot.add_listener(counted.on_ready, "on_ready")
    return bot, counted


def floor_client() -> tuple[Any, Counted]:
    client = discord.Client(intents=default_intents())
    counted = Counted()

    async def on_message(message: discord.Message) -> None:
        counted.seen += 1

    async def on_ready() -> None:
        await counted.on_ready()

    client.event(on_message)
    client.event(on_ready)
    return client, counted


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--messages", type=int, default=20000)
    parser.add_argument("--rounds", type=int, default=3, help="warm runs per client; the median one counts")
    parser.add_argument("--settle", type=float, default=5.5,
                        help="seconds each run's CPU is still counted after its last message (its batched writes)")
    parser.add_argument("--members", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--cprofile", help="write a cProfile of each of Hearth's warm runs to FILE.warm0, FILE.warm1, "
                        "… (its figures then include the profiler's overhead)")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    context = multiprocessing.get_context("spawn")
    pipe, child_end = context.Pipe()
    child = context.Process(target=standin_process, args=(child_end, args.members), daemon=True)
    async with bench_server() as fresh_database:
        url = await fresh_database(DATABASE)
        child.start()
        try:
            served = await asyncio.to_thread(pipe.recv)
            point_at_standin(served)
            stats = await asyncpg.connect(url)
            try:
                # The floor first: it leaves almost nothing in this process's heap, where Hearth leaves a lot.
                client, floor_seen = floor_client()
                floor = await run(client, floor_seen, pipe, stats, args)
                bot, seen = hearth_client(url)
                hearth = await run(bot, seen, pipe, stats, args, args.cprofile)
            finally:
                await stats.close()
            pipe.send("stop")
        finally:
            child.join(10)
            if child.is_alive():
                child.terminate()
    print(f"one guild, {args.members} members, {args.messages} chat messages per run through the stand-in's gateway; "
          "CPU of this process only (the stand-in and PostgreSQL run apart)")
    for run_name in ("cold", "warm"):
        ratio = hearth[f"{run_name}_cpu_us"] / floor[f"{run_name}_cpu_us"]
        print(f"  {run_name:4}: Hearth {hearth[f'{run_name}_cpu_us']:.0f} µs CPU per message, floor "
              f"{floor[f'{run_name}_cpu_us']:.0f} µs ({ratio:.2f}× the floor); Hearth "
              f"{hearth[f'{run_name}_tx']:.3f} database transactions per message (floor "
              f"{floor[f'{run_name}_tx']:.3f}); wall {hearth[f'{run_name}_wall_s']:.1f} s vs "
              f"{floor[f'{run_name}_wall_s']:.1f} s")
    print("  warm rounds, µs CPU per message: Hearth "
          + ", ".join(f"{v:.0f}" for v in hearth["warm_rounds_cpu_us"]) + "; floor "
          + ", ".join(f"{v:.0f}" for v in floor["warm_rounds_cpu_us"]) + "; garbage collection per round, ms: Hearth "
          + ", ".join(f"{v:.0f}" for v in hearth["warm_rounds_gc_ms"]) + "; floor "
          + ", ".join(f"{v:.0f}" for v in floor["warm_rounds_gc_ms"]))
    warm_ratio = hearth["warm_cpu_us"] / floor["warm_cpu_us"]
    ok = warm_ratio <= 1.5 and hearth["cold_tx"] <= 0.01
    print(f"targets: warm ≤ 1.5× the floor ({warm_ratio:.2f}×), cold burst ≤ 0.01 transactions per message "
          f"({hearth['cold_tx']:.3f}): {'PASS' if ok else 'FAIL'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
