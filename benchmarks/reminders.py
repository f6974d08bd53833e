"""Benchmark of the reminders send path and the timers dispatcher.

    python benchmarks/reminders.py [--reminders 10000] [--guilds 100] [--idle-jobs 100000] [--idle-seconds 10]

1. 10,000 weekly reminders in 100 guilds, all due in the same minute: the real timers service claims them and
   the real ReminderSender handles them (database reads and writes, idempotency bookkeeping, next occurrence);
   only the final Discord HTTP call is replaced by an in-memory recorder (Discord itself would rate-limit a bot
   to about 50 requests per second). Prints: posts per reminder (must be exactly 1), lateness p50/p99 on the
   wall clock, database round trips per reminder.
2. 100,000 future jobs: the dispatcher idles; prints wake-ups per hour and CPU used while idle.

It uses its own embedded PostgreSQL under .test-data/bench (created on first run).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


from benchmarks.bench_db import bench_server  # noqa: E402
from cogs.premium.api import PremiumApi  # noqa: E402
from cogs.reminders.planner import JOB_KIND  # noqa: E402
from cogs.reminders.sender import ReminderSender  # noqa: E402
from core.db import Database  # noqa: E402
from core.feature_apis import FeatureApis  # noqa: E402
from core.guild_settings import GuildSettings  # noqa: E402
from core.settings_registry import SettingsRegistry, system_settings  # noqa: E402
from core.timers import TimerService  # noqa: E402
from utils.clock import Clock  # noqa: E402


class RecordingSender(ReminderSender):
    """The real sender, with Discord's HTTP call replaced by a recorder of (reminder, wall-clock time)."""

    def __init__(self, bot: SimpleNamespace, pool) -> None:
        super().__init__(bot, pool)
        self.posts: list[tuple[int, float]] = []

    async def _post(self, reminder, phase, job):
        self.posts.append((reminder.id, time.time()))
        return SimpleNamespace(id=reminder.id)


async def burst(url: str, reminders: int, guilds: int) -> None:
    db = Database(url, max_connections=40)
    clock = Clock()
    registry = SettingsRegistry()
    registry.register(*system_settings())
    services = await db.create_pool("services", 4)
    bot = SimpleNamespace(clock=clock, guild_settings=GuildSettings(registry, services, clock), apis=FeatureApis())
    bot.apis.publish(PremiumApi, PremiumApi(services, clock))  # as the premium cog does when it loads
    sender = RecordingSender(bot, await db.create_pool("reminders", 20))
    timers = TimerService(await db.create_pool("timers", 10), clock)
    timers.register(JOB_KIND, sender.run, on_skip=sender.skip, describe=sender.describe)

    due = (clock.now() + timedelta(seconds=5)).replace(microsecond=0)
    local = due.time()
    async with db.pools["services"].acquire() as conn:
        await conn.execute(
            """INSERT INTO reminders (guild_id, name, channel_id, time, call_time, days)
               SELECT 1000 + n % $2, 'r' || n, 1, $3::time, $3::time, ARRAY['0','1','2','3','4','5','6']
               FROM generate_series(1, $1) AS n""", reminders, guilds, local)
        await conn.execute(
            """INSERT INTO timers (guild_id, kind, key, due_at, payload)
               SELECT guild_id, $1, id || ':repeat', $2, jsonb_build_object('reminder_id', id, 'phase', 'repeat')
               FROM reminders""", JOB_KIND, due)
    before = {owner: pool.acquisitions for owner, pool in db.pools.items()}
    timers.start()
    # Done when every reminder was posted and every job moved on to tomorrow.
    while len(sender.posts) < reminders or await db.pools["timers"].fetchval(  # noqa: ASYNC110 - progress poll
            "SELECT count(*) FROM timers WHERE due_at <= $1", due):
        await asyncio.sleep(0.05)
    await timers.idle()
    trips = sum(pool.acquisitions - before[owner] for owner, pool in db.pools.items())
    per_reminder = Counter(rid for rid, _ in sender.posts)
    lateness = sorted(at - due.timestamp() for _, at in sender.posts)
    moved = await db.pools["timers"].fetchval("SELECT count(*) FROM timers WHERE due_at = $1", due + timedelta(days=1))
    print(f"burst: {reminders} reminders due at the same second in {guilds} guilds")
    once = sum(1 for c in per_reminder.values() if c == 1)
    twice = sum(1 for c in per_reminder.values() if c > 1)
    print(f"  posts: {len(sender.posts)}; reminders posted exactly once: {once}; posted twice or more: {twice}; "
          f"rescheduled to tomorrow: {moved}")
    print(f"  lateness: p50 {statistics.median(lateness):.3f}s, p99 {lateness[int(len(lateness) * 0.99) - 1]:.3f}s, "
          f"max {lateness[-1]:.3f}s")
    print(f"  database round trips: {trips} ({trips / reminders:.2f} per reminder)")
    await timers.stop()
    await db.close_all()


async def idle(url: str, jobs: int, seconds: float) -> None:
    db = Database(url, max_connections=10)
    clock = Clock()
    timers = TimerService(await db.create_pool("timers", 3), clock)

    async def never(job):
        raise AssertionError("no job should be due")

    timers.register("idle-bench", never)
    now = clock.now()
    await db.pools["timers"].execute(
        """INSERT INTO timers (guild_id, kind, key, due_at)
           SELECT n % 100, 'idle-bench', n::text, $2::timestamptz + (n % 86400) * interval '1 second'
           FROM generate_series(1, $1) AS n""", jobs, now + timedelta(hours=1))
    timers.start()
    await timers.idle()
    start_wakeups, cpu, wall = timers.wakeups, time.process_time(), time.monotonic()
    await asyncio.sleep(seconds)
    cpu_used, elapsed = time.process_time() - cpu, time.monotonic() - wall
    wakeups = timers.wakeups - start_wakeups
    print(f"idle: {jobs} future jobs (the first due in an hour), observed {elapsed:.1f}s")
    print(f"  dispatcher wake-ups: {wakeups} ({wakeups / elapsed * 3600:.1f} per hour); "
          f"CPU while idle: {cpu_used * 1000:.1f} ms ({100 * cpu_used / elapsed:.2f}% of one core)")
    await timers.stop()
    await db.close_all()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reminders", type=int, default=10_000)
    parser.add_argument("--guilds", type=int, default=100)
    parser.add_argument("--idle-jobs", type=int, default=100_000)
    parser.add_argument("--idle-seconds", type=float, default=10.0)
    args = parser.parse_args()
    async with bench_server() as fresh_database:
        await burst(await fresh_database("hearth_bench"), args.reminders, args.guilds)
        await idle(await fresh_database("hearth_bench"), args.idle_jobs, args.idle_seconds)


if __name__ == "__main__":
    asyncio.run(main())
