"""One slow job must not hold up the others (issue 14, item 8).

Before: the dispatcher claimed a batch and awaited all of it, so a handler that hung (a Discord call that never
answers, a lock never released) kept every job that fell due meanwhile waiting, and a reminder that became
later than the grace period was skipped. Now jobs run side by side, each within its kind's timeout on the bot's
clock; a hung one is cancelled at its timeout and retried, and its lease stays correct (released at shutdown).
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from core.timers import Job, TimerService
from tests.hearth_harness import Hearth
from utils.clock import ManualClock

NOON = datetime(2026, 6, 1, 12, tzinfo=UTC)  # a Monday; the guild's time zone stays UTC
SLOW = "test_slow_export"


class Hangs:
    """A handler that hangs (an event nobody sets) on its first `hang_times` attempts, then finishes."""

    def __init__(self, hang_times: int = 1) -> None:
        self.hang_times = hang_times
        self.started: list[str] = []
        self.cancelled: list[str] = []
        self.finished: list[str] = []
        self.never = asyncio.Event()

    async def __call__(self, job: Job) -> None:
        self.started.append(job.key)
        if len(self.started) <= self.hang_times:
            try:
                await self.never.wait()
            except asyncio.CancelledError:
                self.cancelled.append(job.key)
                raise
        self.finished.append(job.key)


async def test_a_hung_job_delays_no_reminder_and_is_cancelled_and_retried_after_its_timeout(hearth: Hearth) -> None:
    g, d = hearth.guild, hearth.discord
    hearth.clock.set(NOON - timedelta(hours=3))
    result = await d.slash("reminder add", user=g.owner, guild=g.guild, options={"channel": g.general},
                           name="Stand-up", when="every day 12:02")
    assert result.text.startswith("✅"), result.text
    slow = Hangs()
    hearth.bot.timers.register(SLOW, slow, timeout=timedelta(minutes=10))
    await hearth.bot.timers.schedule(g.guild.id, SLOW, "export", NOON)

    await hearth.move_clock(NOON, still_running={SLOW})
    assert slow.started == ["export"] and slow.cancelled == []  # hanging

    # The reminder falls due while the export hangs: it is posted on time, not skipped or held up.
    await hearth.move_clock(NOON + timedelta(minutes=2), still_running={SLOW})
    posts = [m for m in d.messages_in(g.general) if m.embeds]
    assert [m.embeds[0]["title"] for m in posts] == ["⏰ Stand-up"]
    assert "late" not in (posts[0].embeds[0].get("footer") or {}).get("text", "")
    assert await hearth.db.fetchval("SELECT last_sent_at FROM reminders") == NOON + timedelta(minutes=2)
    assert await hearth.db.fetchval("SELECT due_at FROM timers WHERE kind = 'reminder'") == \
        NOON + timedelta(days=1, minutes=2)
    job = await hearth.db.fetchrow("SELECT attempts, lease_until FROM timers WHERE kind = $1", SLOW)
    assert job["attempts"] == 1 and job["lease_until"] > NOON + timedelta(minutes=10)  # still leased: still running

    # At its timeout (on the bot's clock) the hung attempt is cancelled and retried a minute later.
    await hearth.move_clock(NOON + timedelta(minutes=10))
    assert slow.cancelled == ["export"] and slow.finished == []
    job = await hearth.db.fetchrow("SELECT attempts, due_at, lease_until FROM timers WHERE kind = $1", SLOW)
    assert tuple(job) == (1, NOON + timedelta(minutes=11), None)
    await hearth.move_clock(NOON + timedelta(minutes=11))
    assert slow.finished == ["export"]
    assert await hearth.db.fetchval("SELECT count(*) FROM timers WHERE kind = $1", SLOW) == 0
    assert len([m for m in d.messages_in(g.general) if m.embeds]) == 1  # the reminder was not repeated


async def test_jobs_beyond_the_concurrency_wait_for_a_free_slot(clean_db) -> None:
    clock = ManualClock(NOON)
    timers = TimerService(clean_db, clock, concurrency=2)
    slow, quick = Hangs(hang_times=2), []

    async def record(job: Job) -> None:
        quick.append(job.key)

    timers.register(SLOW, slow, timeout=timedelta(minutes=5))
    timers.register("test_quick", record)
    for key in ("a", "b"):
        await timers.schedule(1, SLOW, key, NOON)
    await timers.schedule(1, "test_quick", "c", NOON + timedelta(minutes=1))
    timers.start()
    try:
        await timers.idle(ignoring={SLOW})
        assert sorted(slow.started) == ["a", "b"]
        clock.set(NOON + timedelta(minutes=1))
        timers.rearm()
        await timers.idle(ignoring={SLOW})
        assert quick == []  # both slots are taken by the hung jobs: the third waits
        assert await clean_db.fetchval("SELECT lease_until FROM timers WHERE key = 'c'") is None  # not even claimed
        clock.set(NOON + timedelta(minutes=5))  # the hung ones time out: the slots free up
        timers.rearm()
        await timers.idle()
        assert quick == ["c"] and sorted(slow.cancelled) == ["a", "b"]
    finally:
        await timers.stop()


async def test_shutdown_releases_the_lease_of_a_hung_job(clean_db) -> None:
    clock = ManualClock(NOON)
    first, slow = TimerService(clean_db, clock), Hangs()
    first.register(SLOW, slow)
    await first.schedule(1, SLOW, "export", NOON)
    first.start()
    await first.idle(ignoring={SLOW})
    assert slow.started == ["export"]
    await first.stop(grace=0)  # the hung attempt is interrupted, not counted, and free at once
    assert slow.cancelled == ["export"] and first.released == 1
    job = await clean_db.fetchrow("SELECT attempts, lease_token, lease_until FROM timers WHERE kind = $1", SLOW)
    assert tuple(job) == (0, None, None)
    second, again = TimerService(clean_db, clock), Hangs(hang_times=0)
    second.register(SLOW, again)
    assert (await second.run_due()).ran == 1 and again.finished == ["export"]  # another process takes it now


async def test_a_slow_job_is_not_taken_by_another_process_while_it_runs(clean_db) -> None:
    """A job's lease outlasts its kind's timeout: a second process never runs it at the same time."""
    clock = ManualClock(NOON)
    first, second = TimerService(clean_db, clock), TimerService(clean_db, clock)
    slow, other = Hangs(), Hangs(hang_times=0)
    first.register(SLOW, slow, timeout=timedelta(minutes=10))
    second.register(SLOW, other, timeout=timedelta(minutes=10))
    await first.schedule(1, SLOW, "export", NOON)
    first.start()
    try:
        await first.idle(ignoring={SLOW})
        clock.set(NOON + timedelta(minutes=5))  # well past the default two-minute lease, within the timeout
        assert (await second.run_due()).ran == 0 and other.started == []
        clock.set(NOON + timedelta(minutes=10))  # the first process cancels it at its timeout …
        first.rearm()
        await first.idle()
        assert slow.cancelled == ["export"]
    finally:
        await first.stop()
    clock.set(NOON + timedelta(minutes=11))  # … and the retry runs once, wherever it is claimed
    assert (await second.run_due()).ran == 1 and other.finished == ["export"]
