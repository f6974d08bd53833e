"""Memory of one Hearth process holding a large Discord world in its cache.

    python benchmarks/memory.py [--guilds 2500] [--channels 50] [--roles 20] [--members 100] [--target-mb 500]

The bot is built by the project's factory (`core.hearth_bot.create_bot`, the one `bot.py` uses) with Hearth's
intents (`default_intents()`: guilds, members, message content, ...) and discord.py's default member cache flags
for those intents; every cog is loaded (cogs open their database pools lazily) on a fresh database migrated to
head, on the embedded PostgreSQL under .test-data/bench. It connects to the Discord stand-in (tests/standin),
which sends READY and one GUILD_CREATE per guild, every guild with `--channels` text channels, `--roles` roles
(counting @everyone and the bot's managed role) and `--members` members (counting the bot and the owner; every
member is a distinct user, the worst case for the user cache).

The stand-in runs in a child process so that its own copy of the world (and the gateway frames it keeps for
RESUME) does not count in the bot's resident memory: the figures are those of the bot process alone, as in
production. Prints resident memory (VmRSS) before connecting (cogs loaded), after READY with every guild, the
difference and the peak (VmHWM); what the bot's cache holds; the time to READY; PASS when resident memory after
READY is below --target-mb; and, for a world smaller than --extrapolate-to guilds, a linear extrapolation,
labelled as such.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import logging
import multiprocessing
import sys
import time
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import discord  # noqa: E402
import discord.gateway  # noqa: E402
import discord.http  # noqa: E402

from benchmarks._common import hearth_bot, mark_start, mb, memory_kib, point_at_standin  # noqa: E402

# The database is prepared (Alembic) in this parent process; the bot and the floor each run in a fresh child
# process (spawned: they import this module, which imports discord.py only, and the bot's child imports bot.py).

DATABASE = "hearth_bench_memory"
# Libraries imported lazily (utils/lazy_import.py) or in a child process (core/migrate_process.py): the bot's
# process should not hold them after READY when nothing used them. Reported by the benchmark.
HEAVY = ("stripe", "openai", "PIL", "dateparser", "icalendar", "alembic", "sqlalchemy")
# -- the stand-in, in its own process ------------------------------------------------------------------------------


def build_world(standin: Any, guilds: int, channels: int, roles: int, members: int) -> None:
    """Add the guilds with the stand-in's own builders (before the server starts, so nothing is emitted)."""
    world = standin.world
    everything = world.channels
    extra_roles = max(roles - 2, 0)  # @everyone and the bot's managed role come with every guild
    extra_members = max(members - 2, 0)  # so do the bot and the owner
    for g in range(guilds):
        guild = standin.add_guild(f"Guild {g}", owner=f"owner{g}")
        # GuildState._add_channel numbers a channel by counting every channel of the world (a scan of
        # world.channels), which makes building 125,000 channels quadratic. Each guild's channels are built
        # against an empty dict and merged afterwards: same objects, same per-guild positions, linear time.
        world.channels = {}
        for c in range(channels):
            guild.add_text_channel(f"channel-{c}")
        everything.update(world.channels)
        world.channels = everything
        made = [guild.add_role(f"role-{r}") for r in range(extra_roles)]
        for m in range(extra_members):
            picked = [made[m % len(made)], made[(m * 7 + 3) % len(made)]] if made else []
            guild.add_member(f"g{g}m{m}", roles=list(dict.fromkeys(picked)))


def standin_process(pipe: Connection, guilds: int, channels: int, roles: int, members: int) -> None:
    """Child process: build the world, serve it, report, stop when the parent says so."""
    asyncio.run(_serve_standin(pipe, guilds, channels, roles, members))


async def _serve_standin(pipe: Connection, guilds: int, channels: int, roles: int, members: int) -> None:
    from tests.standin import StandIn

    standin = StandIn()
    started = time.perf_counter()
    build_world(standin, guilds, channels, roles, members)
    built = time.perf_counter() - started
    identify_seconds: list[float] = []
    identify = standin.gateway._identify

    def timed_identify(conn: Any, data: dict[str, Any]) -> None:  # READY + every GUILD_CREATE, serialised
        began = time.perf_counter()
        identify(conn, data)
        identify_seconds.append(time.perf_counter() - began)

    standin.gateway._identify = timed_identify  # type: ignore[method-assign]
    await standin.start()
    pipe.send({"base_url": standin.world.base_url, "gateway_url": standin.world.gateway_url,
               "build_seconds": built, "rss_kib": memory_kib()})
    await asyncio.get_running_loop().run_in_executor(None, pipe.recv)  # wait for "stop"
    pipe.send({"identify_seconds": identify_seconds, "rss_kib": memory_kib(),
               "unimplemented": sorted(standin.http.unimplemented)})
    await standin.close()


# -- the bot and the floor, each in a child process of its own ------------------------------------------------------


def bot_process(pipe: Connection, url: str, standin: dict[str, Any], args: argparse.Namespace) -> None:
    """Child process: bot.py's imports, then the bot connected to the stand-in; sends its figures."""
    import bot  # noqa: F401  # what `python bot.py` holds in memory before it builds the bot

    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    figures = asyncio.run(measure(url, standin, args))
    figures["intents"] = {"value": figures["intents"].value, **dict(figures["intents"])}
    figures["member_cache_flags"] = repr(figures["member_cache_flags"])
    figures["modules"] = sorted(name for name in HEAVY if name in sys.modules)
    pipe.send(figures)


def floor_process(pipe: Connection, standin: dict[str, Any], args: argparse.Namespace, intents: int) -> None:
    """Child process: a do-nothing discord.py client with Hearth's intents on the same stand-in (the floor)."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    pipe.send(asyncio.run(measure_floor(standin, args, discord.Intents._from_value(intents))))


async def measure_floor(standin: dict[str, Any], args: argparse.Namespace, intents: discord.Intents,
                        **shards: Any) -> dict[str, Any]:
    """Resident memory of a discord.py client that does nothing, after READY with the same world, and its time from
    connecting to READY. With `shards` (shard_count, shard_ids) it is an `AutoShardedClient` holding those."""
    point_at_standin(standin)
    kind = discord.AutoShardedClient if shards else discord.Client
    client = kind(intents=intents, guild_ready_timeout=args.guild_ready_timeout, **shards)
    ready = asyncio.Event()
    client.event(_set_on_ready(ready))
    gc.collect()
    figures: dict[str, Any] = {"rss_start": memory_kib()}
    started = time.perf_counter()
    runner = asyncio.create_task(client.start("benchmark.token"), name="floor-client")
    try:
        await asyncio.wait_for(ready.wait(), args.ready_timeout)
        figures["to_ready"] = time.perf_counter() - started
        await asyncio.sleep(1.0)
        gc.collect()
        figures.update(rss_ready=memory_kib(), rss_peak=memory_kib("VmHWM"),
                       guilds=sum(1 for g in client.guilds if not g.unavailable))
    finally:
        await client.close()
        try:
            await asyncio.wait_for(runner, 10)
        except Exception:
            runner.cancel()
    return figures


def _set_on_ready(ready: asyncio.Event) -> Any:
    async def on_ready() -> None:
        ready.set()
    return on_ready


def in_child(target: Any, *args: Any) -> dict[str, Any]:
    """Run `target(pipe, *args)` in a spawned process and return what it sends."""
    context = multiprocessing.get_context("spawn")
    pipe, child_end = context.Pipe()
    child = context.Process(target=target, args=(child_end, *args))
    child.start()
    try:
        return pipe.recv()
    finally:
        child.join(30)
        if child.is_alive():
            child.terminate()


# -- the bot's measurement (in its child process) --------------------------------------------------------------------


async def measure(url: str, standin: dict[str, Any], args: argparse.Namespace) -> dict[str, Any]:
    """Connect a Hearth bot to the stand-in; memory and timings around READY."""
    from core.hearth_bot import default_intents

    point_at_standin(standin)
    bot = hearth_bot(url, guild_ready_timeout=args.guild_ready_timeout)
    if bot.intents != default_intents():
        raise RuntimeError("the factory no longer uses default_intents(): this benchmark would not measure Hearth")
    figures: dict[str, Any] = {"intents": bot.intents, "member_cache_flags": bot._connection.member_cache_flags}
    ready = mark_start(bot, figures)

    # Bot-side timings: when READY arrived, when the last GUILD_CREATE was parsed, and the time spent parsing
    # GUILD_CREATEs into the cache (discord.py calls ConnectionState.parsers[event] for every dispatch).
    parsers = bot._connection.parsers
    figures["guild_create_seconds"] = 0.0

    def timed(event: str, parse: Any) -> Any:
        def wrapper(data: Any) -> Any:
            began = time.perf_counter()
            try:
                return parse(data)
            finally:
                done = time.perf_counter()
                figures.setdefault(f"{event}_first", began)
                figures[f"{event}_last"] = done
                if event == "GUILD_CREATE":
                    figures["guild_create_seconds"] += done - began
        return wrapper

    for event in ("READY", "GUILD_CREATE"):
        parsers[event] = timed(event, parsers[event])
    gc.collect()
    figures["rss_start"] = memory_kib()
    runner = asyncio.create_task(bot.start("benchmark.token"), name="hearth-bot")
    deadline = time.perf_counter() + args.ready_timeout
    try:
        while not ready.is_set():
            if runner.done():
                raise RuntimeError("the bot stopped while connecting") from runner.exception()
            if time.perf_counter() > deadline:
                raise TimeoutError(f"not ready after {args.ready_timeout:.0f}s ({len(bot.guilds)} guilds cached)")
            await asyncio.sleep(0.05)
        await asyncio.sleep(1.0)  # let on_ready listeners (timers dispatcher, cogs) run
        gc.collect()
        figures["rss_ready"] = memory_kib()
        figures["rss_peak"] = memory_kib("VmHWM")
        figures["guilds"] = sum(1 for g in bot.guilds if not g.unavailable)  # READY lists them unavailable first
        figures["members"] = sum(len(g.members) for g in bot.guilds)
        figures["channels"] = sum(len(g.channels) for g in bot.guilds)
        figures["roles"] = sum(len(g.roles) for g in bot.guilds)
        figures["users"] = len(bot.users)
        figures["cogs"] = len(bot.cogs)
        figures["cog_failures"] = dict(bot.cog_failures)
    finally:
        await bot.close()
        try:
            await asyncio.wait_for(runner, 10)
        except Exception:
            runner.cancel()
    return figures


def report(args: argparse.Namespace, bot: dict[str, Any], standin: dict[str, Any], final: dict[str, Any],
           floor: dict[str, Any] | None) -> bool:
    before, after = bot["rss_before"], bot["rss_ready"]
    delta = after - before
    print(f"world: {args.guilds} guilds x ({args.channels} text channels, {args.roles} roles, {args.members} members)"
          f" = {args.guilds * args.members:,} members")
    intents = bot["intents"]
    print(f"  intents: {intents['value']} (guilds={intents['guilds']}, members={intents['members']}, "
          f"message_content={intents['message_content']}, presences={intents['presences']}); "
          f"member cache flags: {bot['member_cache_flags']}")
    print(f"  stand-in (child process): world built in {standin['build_seconds']:.1f}s; IDENTIFY handled in "
          f"{sum(final['identify_seconds']):.1f}s (READY and, up to 200 guilds, every GUILD_CREATE; a bigger world's "
          f"GUILD_CREATEs are streamed afterwards); stand-in RSS {mb(final['rss_kib'])}")
    if final["unimplemented"]:
        print(f"  WARNING: the bot called routes the stand-in does not implement: {final['unimplemented']}")
    print(f"  cogs loaded: {bot['cogs']}; failed: {bot['cog_failures'] or 'none'}")
    print(f"resident memory of the bot process: at start {mb(bot['rss_start'])}; before connecting (cogs loaded) "
          f"{mb(before)}; after READY {mb(after)}; difference {mb(delta)} "
          f"({delta * 1024 / max(args.guilds, 1) / 1024:,.1f} KB per guild); peak {mb(bot['rss_peak'])}")
    print(f"cache: {bot['guilds']:,} guilds, {bot['members']:,} members, {bot['channels']:,} channels, "
          f"{bot['roles']:,} roles, {bot['users']:,} users")
    to_guilds = bot.get("GUILD_CREATE_last", bot["ready_at"]) - bot["connect_at"]
    to_ready = bot["ready_at"] - bot["connect_at"]
    print(f"time: last GUILD_CREATE parsed {to_guilds:.1f}s after connecting; on_ready after {to_ready:.1f}s "
          f"(includes discord.py's guild_ready_timeout of {args.guild_ready_timeout:g}s after the last GUILD_CREATE)")
    if "READY_first" in bot and "GUILD_CREATE_last" in bot:  # timed by wrappers around discord.py's parsers
        print(f"  of which: connect -> READY received {bot['READY_first'] - bot['connect_at']:.1f}s (the stand-in "
              f"serialises READY and every GUILD_CREATE before sending the first); READY -> last GUILD_CREATE parsed "
              f"{bot['GUILD_CREATE_last'] - bot['READY_first']:.1f}s, {bot['guild_create_seconds']:.1f}s of it in "
              f"discord.py's GUILD_CREATE parser; last GUILD_CREATE -> on_ready "
              f"{bot['ready_at'] - bot['GUILD_CREATE_last']:.1f}s")
    print(f"heavy libraries held by the bot process: {', '.join(bot['modules']) or 'none'} (of {', '.join(HEAVY)})")
    if floor is not None:
        print(f"floor (a do-nothing discord.py client, same intents, same world, own process): at start "
              f"{mb(floor['rss_start'])}; after READY {mb(floor['rss_ready'])} ({floor['guilds']:,} guilds); Hearth "
              f"after READY is {after / floor['rss_ready']:.2f}x the floor, {mb(after - floor['rss_ready'])} above it")
    passed = after < args.target_mb * 1024 and bot["guilds"] == args.guilds
    print(f"{'PASS' if passed else 'FAIL'}: resident memory after READY {mb(after)} "
          f"{'<' if after < args.target_mb * 1024 else '>='} {args.target_mb} MiB target "
          f"({bot['guilds']:,}/{args.guilds:,} guilds cached)")
    target = args.extrapolate_to
    if target and target != args.guilds:
        estimate = before + delta * target / args.guilds
        print(f"EXTRAPOLATION (not measured; linear in guilds from this run): {target:,} guilds -> about "
              f"{mb(estimate)} resident after READY ({'below' if estimate < args.target_mb * 1024 else 'above'} "
              f"the {args.target_mb} MiB target); time to cache every guild about "
              f"{to_guilds * target / args.guilds:.0f}s")
    return passed


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--guilds", type=int, default=2500)
    parser.add_argument("--channels", type=int, default=50, help="text channels per guild")
    parser.add_argument("--roles", type=int, default=20, help="roles per guild, @everyone and the bot's role included")
    parser.add_argument("--members", type=int, default=100, help="members per guild, the bot and owner included")
    parser.add_argument("--target-mb", type=int, default=500, help="resident memory target after READY, in MiB "
                        "(issue 24: 100 for one guild with every cog, 500 for 2,500 guilds)")
    parser.add_argument("--no-floor", dest="floor", action="store_false",
                        help="skip the do-nothing discord.py client measured as the floor")
    parser.add_argument("--extrapolate-to", type=int, default=2500, help="guilds to extrapolate to (0 = no)")
    parser.add_argument("--guild-ready-timeout", type=float, default=2.0,
                        help="discord.py's wait for further GUILD_CREATEs before on_ready (its default: 2s)")
    parser.add_argument("--ready-timeout", type=float, default=1800.0, help="give up after this many seconds")
    args = parser.parse_args()
    if min(args.guilds, args.channels, args.members) < 1 or args.roles < 2 or args.members < 2:
        parser.error("need at least 1 guild, 1 channel, 2 roles and 2 members")
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")

    context = multiprocessing.get_context("spawn")
    pipe, child_end = context.Pipe()
    child = context.Process(target=standin_process, name="discord-standin", daemon=True,
                            args=(child_end, args.guilds, args.channels, args.roles, args.members))
    from benchmarks.bench_db import bench_server  # Alembic: in this parent process only

    async with bench_server() as fresh_database:
        try:
            url = await fresh_database(DATABASE)
            child.start()
            print(f"building the stand-in's world ({args.guilds} guilds) in a child process ...", flush=True)
            standin = await asyncio.to_thread(pipe.recv)
            bot = await asyncio.to_thread(in_child, bot_process, url, standin, args)
            intents = bot["intents"]["value"]  # Hearth's, for the floor
            floor = await asyncio.to_thread(in_child, floor_process, standin, args, intents) if args.floor else None
            pipe.send("stop")
            final = await asyncio.to_thread(pipe.recv)
            passed = report(args, bot, standin, final, floor)
        finally:
            child.join(10)
            if child.is_alive():
                child.terminate()
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
