"""Benchmark of the real gateway path: ordinary chat messages reaching Hearth through the Discord stand-in's gateway
websocket, against a do-nothing discord.py client measured side by side (the floor).

    python benchmarks/gateway.py [--messages 20000] [--rounds 3] [--settle 5.5] [--members 200] [--warmup 20]
                                 [--cprofile FILE]

Four processes: the stand-in (one guild, `--members` members, one text channel), Hearth (built by `create_bot`, the
factory `bot.py` uses, every cog loaded, on a fresh database migrated to head), the floor (a plain `discord.Client`
with the same intents whose `on_message` does nothing) and this one, which coordinates. Hearth and the floor are
connected at the same time and receive the same messages at the same moments, so whatever the machine does to one
(shared cores, frequency) it does to the other. The stand-in sends MESSAGE_CREATE events from random members as
fast as its gateway can:

- a cold burst: `--messages` messages right after both are READY (Hearth's caches cold);
- warm runs: `--warmup` messages, then `--rounds` runs of `--messages` more; the round with the median ratio
  counts.

Each run's CPU is counted in each client's own process until `--settle` seconds after its last message, so it
includes the batched database writes its messages cause (engagement and points flush every 3 s, levels every 5 s),
never a share of another run's. Printed per run: CPU time per message of each process, Hearth's ratio to the
floor's, the database transactions per message (`pg_stat_database` commits and rollbacks of the benchmark's
database over the run, less the benchmark's own reads; the floor has no database) and the garbage collector's
time. Targets from issue 24: warm ≤ 1.5× the floor, cold burst ≤ 0.01 transactions per message. It uses its own
embedded PostgreSQL under .test-data/bench (created on first run). `--cprofile FILE` writes a cProfile of each of
Hearth's warm runs to FILE.warm0, FILE.warm1, … (its figures then include the profiler's overhead).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import random
import sys
import time
from multiprocessing.connection import Connection
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import asyncpg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import discord  # noqa: E402
import discord.gateway  # noqa: E402
import discord.http  # noqa: E402

from benchmarks._common import after_each_message, hearth_bot, point_at_standin, spawn, stop  # noqa: E402
from benchmarks.interaction_marks import GcPauses  # noqa: E402

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
        for session in standin.gateway.live_sessions:  # kept for RESUME only; nobody resumes here
            session.buffer.clear()
        standin.gateway.events.clear()
        standin.world.messages.clear()  # nothing reads them again; a growing world slows the stand-in down
        standin.world.channel_messages[channel.id].clear()
        pipe.send("sent")
    await standin.close()


# -- the clients, each in its own process ---------------------------------------------------------------------------


class Counted:
    """How many messages a client has handled, a wait for a number of them, and its READY."""

    def __init__(self) -> None:
        self.seen = 0
        self.ready = asyncio.Event()

    def count(self) -> None:
        self.seen += 1

    async def on_ready(self) -> None:
        self.ready.set()

    async def until(self, count: int, timeout: float = 600.0) -> None:  # noqa: ASYNC109
        deadline = time.perf_counter() + timeout
        while self.seen < count:
            if time.perf_counter() > deadline:
                raise TimeoutError(f"only {self.seen} of {count} messages handled")
            await asyncio.sleep(0.005)


def hearth_client(url: str) -> tuple[Any, Counted]:
    bot = hearth_bot(url)
    counted = Counted()
    after_each_message(bot, counted.count)
    bot.add_listener(counted.on_ready, "on_ready")
    return bot, counted


def floor_client(intents: int) -> tuple[Any, Counted]:
    client = discord.Client(intents=discord.Intents._from_value(intents))
    counted = Counted()

    async def on_message(message: discord.Message) -> None:
        counted.count()

    async def on_ready() -> None:
        await counted.on_ready()

    client.event(on_message)
    client.event(on_ready)
    return client, counted


def client_process(pipe: Connection, kind: str, url: str, served: dict[str, Any], intents: int, settle: float,
                   cprofile: str | None) -> None:
    """Child process: Hearth or the floor, connected to the stand-in; measures its own CPU per run when told. The
    floor's process imports nothing of Hearth (it gets the intents' value): a bigger heap there would make its
    garbage collections dearer and flatter Hearth's ratio."""
    if kind == "hearth":
        import bot  # noqa: F401  # what `python bot.py` imports

    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    asyncio.run(_client_main(pipe, kind, url, served, intents, settle, cprofile))


async def _client_main(pipe: Connection, kind: str, url: str, served: dict[str, Any], intents: int, settle: float,
                       cprofile: str | None) -> None:
    point_at_standin(served)
    client, counted = hearth_client(url) if kind == "hearth" else floor_client(intents)
    gc_pauses = GcPauses()
    gc_pauses.watch()
    runner = asyncio.create_task(client.start("benchmark.token"))
    await asyncio.wait_for(counted.ready.wait(), 120)
    pipe.send("ready")
    loop = asyncio.get_running_loop()
    while (command := await loop.run_in_executor(None, pipe.recv)) != "stop":
        name, until = command  # the run's name, and how many messages will have been seen when it ends
        profiler = None
        if cprofile and name.startswith("warm") and name != "warmup":
            import cProfile

            profiler = cProfile.Profile()
            profiler.enable()
        pauses, cpu, started = len(gc_pauses.ms), time.process_time(), time.perf_counter()
        pipe.send("measuring")
        await counted.until(until)
        elapsed = time.perf_counter() - started
        await asyncio.sleep(settle)  # the run's batched writes
        used = time.process_time() - cpu
        if profiler is not None:
            profiler.disable()
            profiler.dump_stats(f"{cprofile}.{name}")
        pipe.send({"cpu_s": used, "wall_s": elapsed, "gc_ms": sum(ms for _gen, ms in gc_pauses.ms[pauses:])})
    await client.close()
    try:
        await asyncio.wait_for(runner, 10)
    except Exception:
        runner.cancel()


# -- this process ---------------------------------------------------------------------------------------------------


async def transactions(conn: asyncpg.Connection) -> int:
    """The benchmark database's committed and rolled-back transactions so far (after the statistics settle)."""
    await asyncio.sleep(STATS_SETTLE)
    return int(await conn.fetchval(STATS, DATABASE))


async def measure(args: argparse.Namespace, url: str, standin: Connection, served: dict[str, Any]
                  ) -> dict[str, dict[str, Any]]:
    """Both clients side by side through every run; per client, per run: CPU µs per message, wall, GC, and the
    database's transactions per message."""
    import asyncpg

    from core.hearth_bot import default_intents

    intents = default_intents().value
    clients = {kind: spawn(client_process, kind, url, served, intents, args.settle,
                           args.cprofile if kind == "hearth" else None, name=kind) for kind in ("floor", "hearth")}
    stats = await asyncpg.connect(url)
    try:
        for kind, (pipe, _child) in clients.items():
            if (said := await asyncio.to_thread(pipe.recv)) != "ready":
                raise RuntimeError(f"{kind} did not start: {said}")
        runs = [("cold", args.messages), ("warmup", args.warmup)]
        runs += [(f"warm{n}", args.messages) for n in range(args.rounds)]
        figures: dict[str, dict[str, Any]] = {kind: {} for kind in clients}
        seen = 0
        for name, count in runs:
            before_tx = await transactions(stats)
            seen += count
            for pipe, _child in clients.values():
                pipe.send((name, seen))
            for pipe, _child in clients.values():
                await asyncio.to_thread(pipe.recv)  # "measuring": its clock started before the first message
            standin.send(str(count))
            await asyncio.to_thread(standin.recv)  # "sent"
            results = {kind: await asyncio.to_thread(pipe.recv) for kind, (pipe, _child) in clients.items()}
            tx = max(0, await transactions(stats) - before_tx - 1) / count  # less this read's own transaction
            for kind, result in results.items():
                figures[kind][name] = {"cpu_us": result["cpu_s"] / count * 1e6, "wall_s": result["wall_s"],
                                       "gc_ms": result["gc_ms"], "tx": tx if kind == "hearth" else 0.0}
        for pipe, _child in clients.values():
            pipe.send("stop")
    finally:
        await stats.close()
        for _pipe, child in clients.values():
            stop(child)
    return figures


def report(args: argparse.Namespace, figures: dict[str, dict[str, Any]]) -> bool:
    hearth, floor = figures["hearth"], figures["floor"]
    warm = [f"warm{n}" for n in range(args.rounds)]
    middle = sorted(warm, key=lambda name: hearth[name]["cpu_us"] / floor[name]["cpu_us"])[len(warm) // 2]
    hearth["warm"], floor["warm"] = hearth[middle], floor[middle]  # the round of the median ratio
    print(f"one guild, {args.members} members, {args.messages:,} chat messages per run through the stand-in's "
          "gateway to Hearth and the floor side by side; CPU of each client's own process, counted until "
          f"{args.settle:g} s after the run's last message")
    for run in ("cold", "warm"):
        h, f = hearth[run], floor[run]
        print(f"  {run:4}: Hearth {h['cpu_us']:.0f} µs CPU per message, floor {f['cpu_us']:.0f} µs "
              f"({h['cpu_us'] / f['cpu_us']:.2f}× the floor); Hearth {h['tx']:.3f} database transactions per "
              f"message; handled in {h['wall_s']:.1f} s vs {f['wall_s']:.1f} s")
    print("  warm rounds, µs CPU per message (Hearth / floor = ratio): " + ", ".join(
        f"{hearth[n]['cpu_us']:.0f} / {floor[n]['cpu_us']:.0f} = {hearth[n]['cpu_us'] / floor[n]['cpu_us']:.2f}×"
        for n in warm))
    print("  garbage collection per warm round, ms: Hearth " + ", ".join(f"{hearth[n]['gc_ms']:.0f}" for n in warm)
          + "; floor " + ", ".join(f"{floor[n]['gc_ms']:.0f}" for n in warm))
    warm_ratio = hearth["warm"]["cpu_us"] / floor["warm"]["cpu_us"]
    ok = warm_ratio <= 1.5 and hearth["cold"]["tx"] <= 0.01
    print(f"targets: warm ≤ 1.5× the floor ({warm_ratio:.2f}×, the median round's), cold burst ≤ 0.01 transactions "
          f"per message ({hearth['cold']['tx']:.3f}): {'PASS' if ok else 'FAIL'}")
    return ok


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--messages", type=int, default=20000)
    parser.add_argument("--rounds", type=int, default=3, help="warm runs; the median one counts")
    parser.add_argument("--settle", type=float, default=5.5,
                        help="seconds each run's CPU is still counted after its last message (its batched writes)")
    parser.add_argument("--members", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--cprofile", help="write a cProfile of each of Hearth's warm runs to FILE.warm0, …")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    from benchmarks.bench_db import bench_server  # Alembic: in this parent process only

    async with bench_server() as fresh_database:
        url = await fresh_database(DATABASE)
        standin_pipe, standin = spawn(standin_process, args.members, name="discord-standin")
        try:
            served = await asyncio.to_thread(standin_pipe.recv)
            figures = await measure(args, url, standin_pipe, served)
            standin_pipe.send("stop")
        finally:
            stop(standin)
    return 0 if report(args, figures) else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
