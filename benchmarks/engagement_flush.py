"""Benchmark of engagement counting and XP: the buffered hot paths and the set-based flushes.

    python benchmarks/engagement_flush.py [--messages 50000] [--members 5000] [--guilds 50] [--rate 10000]
                                          [--interval 0.25]

The real EngagementCog stage (`on_message`) counts 50,000 messages from 5,000 members across 50 guilds (10% with
an image, every 10th channel running a challenge, plus 5,000 reactions) arriving at `--rate` messages per second,
while its real flush loop writes every `--interval` seconds into a real PostgreSQL. At the end the cog is unloaded
as on SIGTERM (the shutdown flush writes what is still buffered). The real LevelsCog stage runs on the same
messages with levels on in every guild and no cooldown (every message earns 15–25 XP: the worst case), flushed by
its own loop at the same interval. Prints:

- steady state: flushes, flush time p50/p99/max, statements per flush, hot-path cost per message;
- burst: one flush of all 50,000 messages at once (the worst case, e.g. after a database outage);
- increments lost: expected counts minus what is in the database (daily counters, the weekly message index,
  challenge participants, reactions) — must be 0;
- peak buffer memory (tracemalloc) for the largest steady-state window and for the 50,000-message burst;
- XP: flushes, flush time, statements per flush, the XP stage's cost per message and its database round trips
  (counted: pool acquisitions other than the flushes' own), XP lost (awarded minus stored: must be 0), the levels
  the level-ups decided (a level-up may jump several) against the levels the stored XP reached (must be equal: each
  decided once), and a one-flush burst.

It uses its own embedded PostgreSQL under .test-data/bench (created on first run).
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import time
import tracemalloc
from datetime import date
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


from benchmarks.bench_db import bench_server  # noqa: E402
from cogs.engagement.buffer import EngagementBuffer  # noqa: E402
from cogs.engagement.cog import EngagementCog  # noqa: E402
from cogs.engagement.settings import SETTINGS  # noqa: E402
from cogs.levels import curve  # noqa: E402
from cogs.levels.buffer import Gain  # noqa: E402
from cogs.levels.cog import LevelsCog  # noqa: E402
from cogs.levels.settings import SETTINGS as LEVELS_SETTINGS  # noqa: E402
from core.db import Database  # noqa: E402
from core.feature_apis import FeatureApis  # noqa: E402
from core.guild_settings import GuildSettings  # noqa: E402
from core.message_pipeline import MessageContext  # noqa: E402
from core.settings_registry import SettingsRegistry, system_settings  # noqa: E402
from utils.clock import Clock  # noqa: E402

CHANNELS_PER_GUILD = 10
DB_NAME = "hearth_bench_engagement"


class TimedCog(EngagementCog):
    """The real cog, recording each flush's duration, size and statements."""

    def __init__(self, bot: SimpleNamespace) -> None:
        super().__init__(bot)
        self.timings: list[tuple[float, int, int]] = []  # (seconds, messages, statements)

    async def flush(self, *, nicknames: bool = True, background: bool = False) -> int:
        started = time.perf_counter()
        written = await super().flush(nicknames=nicknames, background=background)
        if written:
            self.timings.append((time.perf_counter() - started, written, self.last_statements))
        return written


class TimedLevels(LevelsCog):
    """The real levels cog, recording each flush's duration and members written."""

    def __init__(self, bot: SimpleNamespace) -> None:
        super().__init__(bot)
        self.timings: list[tuple[float, int]] = []  # (seconds, members)

    async def flush(self, *, background: bool = False) -> int:
        started = time.perf_counter()
        written = await super().flush(background=background)
        if written:
            self.timings.append((time.perf_counter() - started, written))
        return written


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))]


def fake_message(message_id: int, guild_id: int, channel_id: int, user_id: int, image: bool) -> SimpleNamespace:
    attachments = [SimpleNamespace(content_type="image/png", filename="p.png")] if image else []
    return SimpleNamespace(id=message_id, guild=SimpleNamespace(id=guild_id),
                           channel=SimpleNamespace(id=channel_id, category_id=None),
                           author=SimpleNamespace(id=user_id, bot=False, roles=[]), attachments=attachments, embeds=[])


async def make_cog(db: Database, clock: Clock) -> TimedCog:
    registry = SettingsRegistry()
    registry.register(*system_settings(), *SETTINGS, *LEVELS_SETTINGS)
    services = await db.create_pool("services", 4)
    level_ups: list = []  # every hearth_level_up the levels cog fires
    bot = SimpleNamespace(clock=clock, guild_settings=GuildSettings(registry, services, clock), user=None,
                          get_guild=lambda guild_id: None, remove_dynamic_items=lambda *items: None,
                          timers=SimpleNamespace(unregister=lambda kind: None), level_ups=level_ups, apis=FeatureApis(),
                          dispatch=lambda event, *args: level_ups.append(args[0]))
    cog = TimedCog(bot)
    cog._pool = await db.create_pool("engagement", 4)
    return cog


async def make_levels(db: Database, bot: SimpleNamespace, guild_ids: list[int]) -> TimedLevels:
    """The levels cog on the same fake bot, levels on and no cooldown in every guild, caches warm."""
    levels = TimedLevels(bot)
    levels._pool = await db.create_pool("levels", 3)
    for guild_id in guild_ids:
        await bot.guild_settings.set(guild_id, "levels", "enabled", True, changed_by=1)
        await bot.guild_settings.set(guild_id, "levels", "cooldown", 0, changed_by=1)
        await bot.guild_settings.stored(guild_id)
        await levels.guild_rules(guild_id)
    return levels


async def steady(url: str, messages: int, members: int, guilds: int, rate: float, interval: float) -> dict:
    db = Database(url, max_connections=20)
    clock = Clock()
    cog = await make_cog(db, clock)
    cog.flusher.interval = interval
    rng = random.Random(42)
    per_guild = members // guilds
    # Challenges in every 10th channel, so participants are written too.
    challenge_channels = {}
    for g in range(guilds):
        guild_id, channel_id = 1000 + g, (1000 + g) * 100
        challenge_channels[(guild_id, channel_id)] = await cog.pool.fetchval(
            "INSERT INTO engagement_challenges (guild_id, channel_id, mode, title, ends_at) "
            "VALUES ($1, $2, 'leaderboard', 'bench', now() + interval '1 day') RETURNING id", guild_id, channel_id)
    cog.challenges = dict(challenge_channels)
    for g in range(guilds):  # the settings cache is filled once per guild, as in production
        await cog.bot.guild_settings.stored(1000 + g)
    levels = await make_levels(db, cog.bot, [1000 + g for g in range(guilds)])
    levels.flusher.interval = interval
    awarded: list[int] = []
    levels.rng.randint = lambda low, high: awarded.append(rng.randint(low, high)) or awarded[-1]
    services, levels_pool = db.pools["services"], db.pools["levels"]
    trips_before = services.acquisitions, levels_pool.acquisitions
    cog.flusher.start()
    levels.flusher.start()

    expected_participants = 0
    sent: list[tuple[int, int]] = []
    reactions = 0
    hot_path = xp_path = 0.0
    started = time.perf_counter()
    for n in range(messages):
        g = rng.randrange(guilds)
        guild_id = 1000 + g
        user_id = 10_000_000 + g * per_guild + rng.randrange(per_guild)
        channel_id = guild_id * 100 + rng.randrange(CHANNELS_PER_GUILD)
        message_id = 5_000_000_000 + n
        # What the pipeline hands every stage: the guild's settings as in memory, and the bot's clock.
        context = MessageContext(fake_message(message_id, guild_id, channel_id, user_id, rng.random() < 0.1),
                                 cog.bot.guild_settings.in_memory(guild_id), clock.now())
        t0 = time.perf_counter()
        cog.on_message(context)  # memory only: no coroutine
        if n % 10 == 0 and sent:  # a reaction on an earlier message
            reacted_guild, reacted_id = sent[rng.randrange(len(sent))]
            payload = SimpleNamespace(guild_id=reacted_guild, user_id=1, message_id=reacted_id,
                                      member=SimpleNamespace(bot=False))
            await cog.on_raw_reaction_add(payload)
            reactions += 1
        hot_path += time.perf_counter() - t0
        t1 = time.perf_counter()
        pending = levels.on_message(context)  # a coroutine only while the guild's XP rules are not in memory
        if pending is not None:
            await pending
        xp_path += time.perf_counter() - t1
        sent.append((guild_id, message_id))
        expected_participants += (guild_id, channel_id) in challenge_channels
        # Arrive at `rate` messages per second (the flush loop runs meanwhile).
        ahead = (n + 1) / rate - (time.perf_counter() - started)
        if ahead > 0.002:
            await asyncio.sleep(ahead)
        elif n % 200 == 0:
            await asyncio.sleep(0)
    buffered_at_sigterm = len(cog.buffer)
    xp_buffered_at_sigterm = len(levels.buffer)
    await cog.unload()  # what SIGTERM does: stop the loop, write what is still buffered
    # The levels cog's shutdown flush (its unload without the bot's registries): voice, buffer, announcements.
    await levels.flusher.stop(10, final=levels._final_flush)
    # Round trips of the hot paths: settings reads (the services pool) and the levels pool's acquisitions other than
    # its flushes' writes (counted once every write is over).
    xp_trips = (services.acquisitions - trips_before[0]) + (levels_pool.acquisitions - trips_before[1]
                                                              - levels.flushes)
    pool = db.pools["services"]
    got_daily = await pool.fetchval("SELECT coalesce(sum(messages), 0) FROM engagement_daily_counts")
    got_index = await pool.fetchval("SELECT count(*) FROM engagement_weekly_messages")
    got_participants = await pool.fetchval("SELECT coalesce(sum(message_count), 0) FROM engagement_participants")
    got_reactions = await pool.fetchval("SELECT coalesce(sum(reactions_count), 0) FROM engagement_weekly_messages")
    streak_rows = await pool.fetchval("SELECT count(*) FROM engagement_streaks")
    stored = await pool.fetch("SELECT xp FROM levels_members")
    await db.close_all()
    xp = {"cog": levels, "path": xp_path, "trips": xp_trips, "buffered_at_sigterm": xp_buffered_at_sigterm,
          "lost": sum(awarded) - sum(row["xp"] for row in stored), "awarded": sum(awarded), "members": len(stored),
          "level_ups": len(cog.bot.level_ups),
          "levels_gained": sum(e.new_level - e.old_level for e in cog.bot.level_ups),
          "levels_reached": sum(curve.level_of(row["xp"]) for row in stored),
          "dropped": levels.buffer.dropped}
    return {"cog": cog, "xp": xp, "hot_path": hot_path, "buffered_at_sigterm": buffered_at_sigterm,
            "lost": {"daily counters": messages - got_daily, "message index": messages - got_index,
                     "challenge participants": expected_participants - got_participants,
                     "reactions": reactions - got_reactions},
            "dropped": cog.buffer.dropped_messages + cog.buffer.dropped_increments,
            "reactions": reactions, "streak_rows": streak_rows, "participants": expected_participants,
            "elapsed": time.perf_counter() - started}


async def burst(url: str, messages: int, members: int, guilds: int) -> tuple[float, int, float]:
    """Everything in one flush: the worst case after an outage."""
    db = Database(url, max_connections=20)
    clock = Clock()
    cog = await make_cog(db, clock)
    rng = random.Random(7)
    per_guild = members // guilds
    today = date.today()
    now = clock.now()
    for n in range(messages):
        g = rng.randrange(guilds)
        cog.buffer.add_message(2000 + g, 20_000_000 + g * per_guild + rng.randrange(per_guild), 1, 9_000_000_000 + n,
                               now, today, rng.random() < 0.1, None)
    started = time.perf_counter()
    await cog.flush()
    elapsed = time.perf_counter() - started
    statements = cog.last_statements
    levels = await make_levels(db, cog.bot, [])
    for _ in range(messages):
        g = rng.randrange(guilds)
        levels.buffer.add((2000 + g, 20_000_000 + g * per_guild + rng.randrange(per_guild)), Gain(20, messages=1))
    started = time.perf_counter()
    await levels.flush()
    xp_elapsed = time.perf_counter() - started
    await db.close_all()
    return elapsed, statements, xp_elapsed


def buffer_memory(messages: int, members: int, guilds: int) -> int:
    """Bytes held by a buffer of `messages` messages (tracemalloc)."""
    rng = random.Random(3)
    per_guild = max(1, members // guilds)
    today = date.today()
    now = Clock().now()
    rows = [(1000 + (g := rng.randrange(guilds)), 10_000_000 + g * per_guild + rng.randrange(per_guild),
             rng.random() < 0.1, n) for n in range(messages)]
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    buffer = EngagementBuffer()
    for guild_id, user_id, image, n in rows:
        buffer.add_message(guild_id, user_id, guild_id * 100, 5_000_000_000 + n, now, today, image,
                           7 if n % 10 == 0 else None)
    used = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    del buffer
    return used


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--messages", type=int, default=50_000)
    parser.add_argument("--members", type=int, default=5_000)
    parser.add_argument("--guilds", type=int, default=50)
    parser.add_argument("--rate", type=float, default=10_000, help="messages per second")
    parser.add_argument("--interval", type=float, default=0.25, help="seconds between flushes")
    args = parser.parse_args()
    async with bench_server() as fresh_database:
        url = await fresh_database(DB_NAME)
        result = await steady(url, args.messages, args.members, args.guilds, args.rate, args.interval)
        url = await fresh_database(DB_NAME)
        burst_seconds, burst_statements, xp_burst = await burst(url, args.messages, args.members, args.guilds)
    cog = result["cog"]
    durations = [t for t, _, _ in cog.timings]
    sizes = [n for _, n, _ in cog.timings]
    statements = [s for _, _, s in cog.timings]
    print(f"steady: {args.messages:,} messages from {args.members:,} members in {args.guilds} guilds at "
          f"{args.rate:,.0f}/s, flush every {args.interval}s ({result['elapsed']:.1f}s)")
    print(f"  flushes: {len(durations)} (incl. the shutdown flush, which wrote {result['buffered_at_sigterm']:,} "
          f"message(s)); messages per flush: median {statistics.median(sizes):,.0f}, max {max(sizes):,}")
    print(f"  flush time: p50 {percentile(durations, 0.5) * 1000:.1f} ms, p99 {percentile(durations, 0.99) * 1000:.1f}"
          f" ms, max {max(durations) * 1000:.1f} ms")
    print(f"  statements per flush: max {max(statements)}, median {statistics.median(statements):.0f} "
          "(one per table: message index, daily counters, streaks, challenge participants, reactions)")
    print(f"  hot path: {result['hot_path'] / args.messages * 1e6:.1f} µs per message, 0 database round trips")
    print(f"burst: all {args.messages:,} messages in one flush: {burst_seconds * 1000:.0f} ms, "
          f"{burst_statements} statements")
    lost = result["lost"]
    print(f"increments lost: {sum(lost.values())} ("
          + ", ".join(f"{name} {count}" for name, count in lost.items())
          + f"); dropped by the bounded buffer: {result['dropped']}; reactions {result['reactions']:,}, "
          f"challenge messages {result['participants']:,}, streak rows {result['streak_rows']:,}")
    window = max(sizes)
    print(f"peak buffer memory: {buffer_memory(window, args.members, args.guilds) / 1024:,.0f} KiB for the largest "
          f"window ({window:,} messages); {buffer_memory(args.messages, args.members, args.guilds) / 1024 / 1024:,.1f}"
          f" MiB for all {args.messages:,} at once (limits: {EngagementBuffer().message_capacity:,} indexed "
          f"messages, {EngagementBuffer().key_capacity:,} counter keys)")
    xp = result["xp"]
    xp_durations = [t for t, _ in xp["cog"].timings]
    xp_sizes = [n for _, n in xp["cog"].timings]
    print(f"XP: {xp['awarded']:,} XP awarded to {xp['members']:,} members (levels on, no cooldown: every message "
          f"earns); flushes: {len(xp_durations)} (the shutdown flush wrote {xp['buffered_at_sigterm']:,} member(s)), "
          f"members per flush: median {statistics.median(xp_sizes):,.0f}, max {max(xp_sizes):,}")
    print(f"  flush time: p50 {percentile(xp_durations, 0.5) * 1000:.1f} ms, p99 "
          f"{percentile(xp_durations, 0.99) * 1000:.1f} ms, max {max(xp_durations) * 1000:.1f} ms; statements per "
          "flush: 1 (one unnest upsert RETURNING the new totals)")
    print(f"  hot path: {xp['path'] / args.messages * 1e6:.1f} µs per message, {xp['trips']} database round trips "
          f"for {args.messages:,} messages")
    print(f"  XP lost: {xp['lost']} (dropped by the bounded buffer: {xp['dropped']}); level-ups decided: "
          f"{xp['level_ups']:,} covering {xp['levels_gained']:,} levels; levels reached by the stored XP: "
          f"{xp['levels_reached']:,}")
    print(f"  burst: all {args.messages:,} messages' XP in one flush: {xp_burst * 1000:.0f} ms, 1 statement")
    if sum(lost.values()):
        raise SystemExit("FAIL: increments were lost")
    if xp["lost"] or xp["trips"] or xp["levels_gained"] != xp["levels_reached"]:
        raise SystemExit("FAIL: XP lost, round trips on the hot path, or level-ups not decided exactly once")


if __name__ == "__main__":
    asyncio.run(main())
