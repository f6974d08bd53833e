"""Many guilds across shard processes on one database (issue 24, target 2): memory and time to READY per process,
and every timer job run exactly once across the processes.

    python benchmarks/guilds_at_scale.py --guilds 2500 --processes 1
    python benchmarks/guilds_at_scale.py --guilds 10000 --processes 4

The Discord stand-in (tests/standin) runs in a child process with `--guilds` guilds of `--channels` text channels,
`--roles` roles and `--members` members each (every member a distinct user; the world is built by
benchmarks/memory.py's `build_world`). Hearth runs as `--processes` shard processes, each spawned, importing what
`python bot.py` imports and built by the production factory with every cog and `SHARD_COUNT=--processes`,
`SHARD_IDS=<its number>` (core/config.py), all on one fresh database migrated to head (the embedded PostgreSQL
under .test-data/bench). The stand-in routes each guild to the session of its shard, `(id >> 22) % count`, as
Discord does; it sends READY and then the shard's GUILD_CREATEs, streamed (tests/standin/gateway.py), with
Discord's large_threshold and member chunking (guilds of 100 members are not large: they arrive complete and
discord.py requests no members; the stand-in counts REQUEST_GUILD_MEMBERS to show it).

Printed per process: guilds cached, time from `bot.start` to `on_ready` (discord.py adds its guild_ready_timeout,
`--guild-ready-timeout`, after the last GUILD_CREATE), resident memory before connecting (cogs loaded) and after
READY. Then the timers: once every process is ready, this process writes `--jobs` one-off reminders spread over
the guilds (a reminders row and its `reminder` timer job, due `--due-in` seconds later, as `/reminder add` stores
them) and waits; the stand-in counts the reminder posts per reminder and each bot process counts the posts it
made. PASS when each reminder was posted exactly once, by the process holding its guild's shard, every job is
gone from the `timers` table, and (for `--target-mb`) every process stays below the memory target. Last (unless
`--no-floor`), the floor: a do-nothing discord.py client with Hearth's intents holds shard 0 of the same world in
a process of its own, and Hearth's shard 0 is printed as a ratio of its memory and time to READY.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import logging
import re
import sys
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks._common import hearth_bot, mark_start, mb, memory_kib, point_at_standin, spawn, stop  # noqa: E402

DATABASE = "hearth_bench_scale"
TITLE = "Scale reminder "
POSTED = re.compile(TITLE + r"\d+")  # in the post's title, "🔔 Scale reminder 7 is starting now"


# -- the stand-in ----------------------------------------------------------------------------------------------------


def standin_process(pipe: Connection, args: argparse.Namespace) -> None:
    """Child process: build and serve the world; count reminder posts when asked."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    asyncio.run(_serve(pipe, args))


async def _serve(pipe: Connection, args: argparse.Namespace) -> None:
    from benchmarks.memory import build_world
    from tests.standin import StandIn

    standin = StandIn()
    started = time.perf_counter()
    build_world(standin, args.guilds, args.channels, args.roles, args.members)
    built = time.perf_counter() - started
    guilds = list(standin.world.guilds.values())
    step = max(1, len(guilds) // max(args.jobs, 1))
    targets = [{"guild_id": g.id, "channel_id": next(c.id for c in g.channels if c.type == 0), "owner_id": g.owner_id}
               for g in guilds[::step][:args.jobs]]
    await standin.start()
    pipe.send({"base_url": standin.world.base_url, "gateway_url": standin.world.gateway_url, "build_seconds": built,
               "targets": targets, "rss_kib": memory_kib()})
    loop = asyncio.get_running_loop()
    while (command := await loop.run_in_executor(None, pipe.recv)) != "stop":
        if command == "count":
            posts: dict[str, int] = {}
            for message in list(standin.world.messages.values()):
                if message.author.id == standin.bot_user.id and message.embeds:
                    found = POSTED.search(str(message.embeds[0].get("title") or ""))
                    if found:
                        posts[found.group(0)] = posts.get(found.group(0), 0) + 1
            routes = Counter(f"{r.method} {r.route}" for r in standin.http.requests)
            pipe.send({"posts": posts, "member_requests": len(standin.gateway.member_requests),
                       "routes": routes.most_common(6), "requests": sum(routes.values()),
                       "sessions": len(standin.gateway.live_sessions), "rss_kib": memory_kib(),
                       "unimplemented": sorted(standin.http.unimplemented)})
    await standin.close()


# -- a bot process --------------------------------------------------------------------------------------------------


def bot_process(pipe: Connection, url: str, served: dict[str, Any], shard: int, args: argparse.Namespace) -> None:
    """Child process: bot.py's imports, then Hearth holding shard `shard` of `args.processes`."""
    import bot  # noqa: F401  # what `python bot.py` imports

    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger().addHandler(ERRORS)
    asyncio.run(_run_bot(pipe, url, served, shard, args))


class _ErrorCount(logging.Handler):
    """Errors the bot process logged (e.g. a listener that failed at start-up), by first line."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.seen: Counter[str] = Counter()

    def emit(self, record: logging.LogRecord) -> None:
        self.seen[record.getMessage().splitlines()[0][:80]] += 1


ERRORS = _ErrorCount()


async def _run_bot(pipe: Connection, url: str, served: dict[str, Any], shard: int, args: argparse.Namespace) -> None:
    import discord.http

    point_at_standin(served)
    bot = hearth_bot(url, shard_count=args.processes, shard_ids=[shard], guild_ready_timeout=args.guild_ready_timeout)
    figures: dict[str, Any] = {"shard": shard, "posts": 0}
    ready = mark_start(bot, figures)

    request = discord.http.HTTPClient.request

    async def counting(client: Any, route: Any, **kwargs: Any) -> Any:  # this process's channel posts
        if route.method == "POST" and route.path == "/channels/{channel_id}/messages":
            figures["posts"] += 1
        return await request(client, route, **kwargs)

    discord.http.HTTPClient.request = counting  # type: ignore[method-assign]
    started = time.perf_counter()
    runner = asyncio.create_task(bot.start("benchmark.token"))
    deadline = started + args.ready_timeout
    while not ready.is_set():
        if runner.done():
            pipe.send({"error": f"shard {shard}: the bot stopped while connecting: {runner.exception()!r}"})
            return
        if time.perf_counter() > deadline:
            pipe.send({"error": f"shard {shard}: not ready after {args.ready_timeout:.0f}s "
                                f"({len(bot.guilds)} guilds cached)"})
            return
        await asyncio.sleep(0.05)
    await asyncio.sleep(1.0)  # on_ready listeners (the timers dispatcher, cogs)
    gc.collect()
    figures.update(rss_ready=memory_kib(), rss_peak=memory_kib("VmHWM"), started_at=started,
                   guilds=sum(1 for g in bot.guilds if not g.unavailable),
                   members=sum(len(g.members) for g in bot.guilds),
                   cog_failures=dict(bot.cog_failures), shards=list(bot.shard_ids or []))
    pipe.send(figures)
    await asyncio.to_thread(pipe.recv)  # "stop"
    await bot.close()
    try:
        await asyncio.wait_for(runner, 10)
    except Exception:
        runner.cancel()
    pipe.send({"posts": figures["posts"], "errors": dict(ERRORS.seen)})


# -- the floor ------------------------------------------------------------------------------------------------------


def floor_process(pipe: Connection, served: dict[str, Any], args: argparse.Namespace, intents: int) -> None:
    """Child process: a do-nothing discord.py client with Hearth's intents (their value: nothing of Hearth is
    imported here) holding shard 0 of the same world."""
    import discord

    from benchmarks.memory import measure_floor

    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    pipe.send(asyncio.run(measure_floor(served, args, discord.Intents._from_value(intents),
                                        shard_count=args.processes, shard_ids=[0])))


# -- this process ---------------------------------------------------------------------------------------------------


_REMINDER = ("INSERT INTO reminders (guild_id, name, channel_id, time, call_time, days, event_time, created_by, "
             "message_set_by) VALUES ($1, $2, $3, $4, $4, '{}', $5, $6, $6) RETURNING id")


async def schedule_jobs(url: str, targets: list[dict[str, Any]], due: datetime) -> dict[str, int]:
    """One one-off reminder per target guild, due at `due`, stored as `/reminder add` stores one (its row and its
    `reminder` timer job, which notifies every process); returns reminder name -> guild id."""
    import json

    import asyncpg

    from core.timers.repo import upsert_job

    conn = await asyncpg.connect(url)
    for type_name in ("json", "jsonb"):  # as core/db.py's connections
        await conn.set_type_codec(type_name, encoder=json.dumps, decoder=json.loads, schema="pg_catalog")
    names: dict[str, int] = {}
    try:
        async with conn.transaction():
            for target in targets:
                name = f"{TITLE}{len(names) + 1}"
                rid = await conn.fetchval(_REMINDER, target["guild_id"], name, target["channel_id"],
                                          due.time().replace(tzinfo=None), due, target["owner_id"])
                await upsert_job(conn, target["guild_id"], "reminder", f"{rid}:start", due,
                                 {"reminder_id": rid, "phase": "start"})
                names[name] = target["guild_id"]
    finally:
        await conn.close()
    return names


async def leftover_jobs(url: str) -> tuple[int, dict[str, int]]:
    """Reminder jobs still in `timers`, and the guild-0 housekeeping jobs per kind (each should be 1)."""
    import asyncpg

    conn = await asyncpg.connect(url)
    try:
        left = await conn.fetchval("SELECT count(*) FROM timers WHERE kind = 'reminder'")
        rows = await conn.fetch("SELECT kind, count(*) AS n FROM timers WHERE guild_id = 0 GROUP BY kind")
    finally:
        await conn.close()
    return int(left), {r["kind"]: int(r["n"]) for r in rows}


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--guilds", type=int, default=2500)
    parser.add_argument("--processes", type=int, default=1, help="shard processes (SHARD_COUNT; one shard each)")
    parser.add_argument("--channels", type=int, default=50)
    parser.add_argument("--roles", type=int, default=20)
    parser.add_argument("--members", type=int, default=100)
    parser.add_argument("--jobs", type=int, default=400, help="one-off reminders, spread over the guilds")
    parser.add_argument("--due-in", type=float, default=15.0, help="seconds from scheduling to the reminders' time")
    parser.add_argument("--target-mb", type=int, default=500, help="resident memory target per process (MiB)")
    parser.add_argument("--guild-ready-timeout", type=float, default=2.0)
    parser.add_argument("--ready-timeout", type=float, default=1800.0)
    parser.add_argument("--no-floor", action="store_true", help="skip the do-nothing client measured after the bots")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    from benchmarks.bench_db import bench_server  # Alembic: in this parent process only

    began = time.perf_counter()
    async with bench_server() as fresh_database:
        url = await fresh_database(DATABASE)
        standin_pipe, standin = spawn(standin_process, args, name="discord-standin")
        bots: list[tuple[Connection, Any]] = []
        try:
            print(f"building the stand-in's world ({args.guilds:,} guilds) in a child process ...", flush=True)
            served = await asyncio.to_thread(standin_pipe.recv)
            print(f"  built in {served['build_seconds']:.0f}s; starting {args.processes} shard process(es)", flush=True)
            bots = [spawn(bot_process, url, served, k, args, name=f"hearth-shard-{k}") for k in range(args.processes)]
            ready = [await asyncio.to_thread(pipe.recv) for pipe, _ in bots]
            errors = [r["error"] for r in ready if "error" in r]
            if errors:
                print("\n".join(errors))
                return 2
            due = datetime.now(UTC) + timedelta(seconds=args.due_in)
            names = await schedule_jobs(url, served["targets"], due)
            print(f"all ready; {len(names)} reminders scheduled for {args.due_in:g}s from now", flush=True)
            await asyncio.sleep(args.due_in)
            deadline = time.perf_counter() + 120
            while True:
                standin_pipe.send("count")
                counted = await asyncio.to_thread(standin_pipe.recv)
                if len(counted["posts"]) >= len(names) or time.perf_counter() > deadline:
                    break
                await asyncio.sleep(2.0)
            await asyncio.sleep(10.0)  # anything posted twice would be posted by now
            standin_pipe.send("count")
            counted = await asyncio.to_thread(standin_pipe.recv)
            left, housekeeping = await leftover_jobs(url)
            for pipe, _ in bots:
                pipe.send("stop")
            final = [await asyncio.to_thread(pipe.recv) for pipe, _ in bots]
            floor = None
            if not args.no_floor:  # after the bots: alone on the machine, as each of them was measured
                print("the floor: a do-nothing discord.py client holding shard 0 ...", flush=True)
                from core.hearth_bot import default_intents

                floor_pipe, floor_child = spawn(floor_process, served, args, default_intents().value, name="floor")
                try:
                    floor = await asyncio.to_thread(floor_pipe.recv)
                finally:
                    stop(floor_child)
            standin_pipe.send("stop")
        finally:
            for _, child in bots:
                stop(child)
            stop(standin)
    return 0 if report(args, served, ready, final, counted, names, left, housekeeping, floor,
                       time.perf_counter() - began) else 1


def report(args: argparse.Namespace, served: dict[str, Any], ready: list[dict[str, Any]], final: list[dict[str, Any]],
           counted: dict[str, Any], names: dict[str, int], left: int, housekeeping: dict[str, int],
           floor: dict[str, Any] | None, wall: float) -> bool:
    print(f"world: {args.guilds:,} guilds x ({args.channels} text channels, {args.roles} roles, {args.members} members)"
          f" over {args.processes} shard process(es) (SHARD_COUNT={args.processes}, one shard each); stand-in world "
          f"built in {served['build_seconds']:.0f}s, stand-in RSS {mb(counted['rss_kib'])}")
    ok = True
    for figures, end in zip(ready, final, strict=True):
        to_ready = figures["ready_at"] - figures["started_at"]
        under = figures["rss_ready"] < args.target_mb * 1024
        ok = ok and under and not figures["cog_failures"]
        print(f"  process {figures['shard']} (SHARD_IDS={figures['shards']}): {figures['guilds']:,} guilds, "
              f"{figures['members']:,} members cached; READY after {to_ready:.1f}s; RSS before connecting "
              f"{mb(figures['rss_before'])}, after READY {mb(figures['rss_ready'])} (peak {mb(figures['rss_peak'])})"
              f"; {end['posts']} reminder posts; errors logged: {sum(end['errors'].values())}"
              + (f" {dict(list(end['errors'].items())[:3])}" if end["errors"] else "")
              + (f"; FAILED COGS {figures['cog_failures']}" if figures["cog_failures"] else ""))
    if floor is not None:
        shard0 = next(f for f in ready if f["shard"] == 0)
        connecting = shard0["ready_at"] - shard0["connect_at"]
        print(f"  the floor (a do-nothing discord.py client, Hearth's intents, shard 0 of {args.processes}, own "
              f"process after the bots): {floor['guilds']:,} guilds; READY after {floor['to_ready']:.1f}s; RSS before "
              f"connecting {mb(floor['rss_start'])}, after READY {mb(floor['rss_ready'])}. Hearth's shard 0: "
              f"{shard0['rss_ready'] / floor['rss_ready']:.2f}x the floor's memory, "
              f"{mb(shard0['rss_ready'] - floor['rss_ready'])} above it; from connecting to READY "
              f"{connecting:.1f}s, {connecting / floor['to_ready']:.2f}x the floor's (which connected alone; the "
              f"{args.processes} Hearth processes at once)")
    cached = sum(f["guilds"] for f in ready)
    print(f"  guilds cached over all processes: {cached:,} of {args.guilds:,}; REQUEST_GUILD_MEMBERS received: "
          f"{counted['member_requests']}")
    ok = ok and cached == args.guilds
    print(f"  REST requests to the stand-in over the run: {counted['requests']:,}; most: "
          + ", ".join(f"{route} x{n:,}" for route, n in counted["routes"]))
    posts = counted["posts"]
    once = sum(1 for name in names if posts.get(name) == 1)
    twice = sorted(name for name in names if posts.get(name, 0) > 1)
    never = sorted(name for name in names if name not in posts)
    by_process = sum(end["posts"] for end in final)
    expected = [sum(1 for g in names.values() if (g >> 22) % args.processes == f["shard"]) for f in ready]
    right_process = [end["posts"] for end in final] == expected
    print(f"timers: {len(names)} reminders due in guilds of every shard: {once} posted exactly once, "
          f"{len(twice)} more than once{' ' + str(twice[:5]) if twice else ''}, {len(never)} never"
          f"{' ' + str(never[:5]) if never else ''}; posts per process {[e['posts'] for e in final]} (expected by "
          f"shard {expected}, total {by_process}); reminder jobs left in the table: {left}; guild-0 housekeeping "
          f"jobs per kind: {housekeeping}")
    ok = ok and once == len(names) and right_process and left == 0 and all(n == 1 for n in housekeeping.values())
    if counted["unimplemented"]:
        print(f"  WARNING: the bots called routes the stand-in does not implement: {counted['unimplemented']}")
    print(f"{'PASS' if ok else 'FAIL'}: every process below {args.target_mb} MiB after READY, every guild cached, "
          f"every job run exactly once by the process holding its guild (wall time of the whole run {wall:.0f}s)")
    return ok


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
