"""The timers service on the real database with a hand-moved clock: on time, exactly once across processes,
leases that expire, retries, catch-up within and beyond the grace period, and no polling while idle."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from core.timers import Job, TimerService
from utils.clock import ManualClock


class Recorder:
    """A handler that remembers the jobs it ran (and can be told to fail or to recur)."""

    def __init__(self, name: str = "") -> None:
        self.name = name
        self.ran: list[tuple[str, str, timedelta]] = []
        self.fail_times = 0
        self.every: timedelta | None = None

    async def __call__(self, job: Job):
        if self.fail_times:
            self.fail_times -= 1
            raise RuntimeError("handler failed")
        self.ran.append((self.name, job.key, job.late_by))
        return job.due_at + self.every if self.every else None


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
async def timers(clean_db, clock):
    service = TimerService(clean_db, clock)
    yield service
    await service.stop()


async def _clock_seen(timers: TimerService) -> None:
    """Let the dispatcher react to a clock move (it wakes, runs what is due, sleeps again)."""
    timers.rearm()
    await timers.idle()


async def test_job_runs_when_due_not_before(timers: TimerService, clock: ManualClock, clean_db) -> None:
    recorder = Recorder()
    timers.register("test", recorder)
    await timers.schedule(1, "test", "a", clock.now() + timedelta(hours=1), {"x": 1})
    assert (await timers.run_due()).ran == 0
    clock.advance(minutes=59)
    assert (await timers.run_due()).ran == 0 and recorder.ran == []
    clock.advance(minutes=1)
    assert (await timers.run_due()).ran == 1
    assert recorder.ran == [("", "a", timedelta(0))]
    assert await clean_db.fetchval("SELECT count(*) FROM timers") == 0


async def test_dispatcher_sleeps_until_due_and_rearms_for_earlier_jobs(timers: TimerService, clock) -> None:
    recorder = Recorder()
    timers.register("test", recorder)
    timers.start()
    await timers.schedule(1, "test", "late", clock.now() + timedelta(hours=5))
    await timers.idle()
    wakeups = timers.wakeups
    await timers.schedule(1, "test", "early", clock.now() + timedelta(minutes=10))  # earlier: re-arms
    await timers.idle()
    assert recorder.ran == []
    clock.advance(minutes=9)
    await _clock_seen(timers)
    assert recorder.ran == []
    clock.advance(minutes=1)
    await _clock_seen(timers)
    assert [key for _, key, _ in recorder.ran] == ["early"]
    # Between jobs only the re-arm, the clock moves and the due time woke it: no polling.
    assert timers.wakeups - wakeups <= 4
    clock.advance(hours=5)
    await _clock_seen(timers)
    assert [key for _, key, _ in recorder.ran] == ["early", "late"]


async def test_two_processes_run_each_job_exactly_once(clean_db, clock) -> None:
    first, second = Recorder("first"), Recorder("second")
    a, b = TimerService(clean_db, clock), TimerService(clean_db, clock)
    a.register("test", first)
    b.register("test", second)
    due = clock.now() + timedelta(minutes=1)
    await clean_db.execute("INSERT INTO timers (guild_id, kind, key, due_at) "
                           "SELECT n % 7, 'test', n::text, $1 FROM generate_series(0, 1199) AS n", due)
    clock.advance(minutes=1)
    await asyncio.gather(a.run_due(), b.run_due(), a.run_due(), b.run_due())
    keys = [key for _, key, _ in first.ran + second.ran]
    assert sorted(keys, key=int) == [str(n) for n in range(1200)]  # every job, once
    assert first.ran and second.ran  # both processes took a share


async def test_shard_filter_runs_only_jobs_of_guilds_on_the_process_shards(clean_db, clock) -> None:
    # Guild k·2^22 + 5 is on shard k % 3 of 3 (Discord: (guild_id >> 22) % shard_count); guild 0 is on shard 0.
    guilds = {k: (k << 22) | 5 for k in range(1, 31)}
    due = clock.now() + timedelta(minutes=1)
    for k, guild_id in guilds.items():
        await clean_db.execute("INSERT INTO timers (guild_id, kind, key, due_at) VALUES ($1, 'test', $2, $3)",
                               guild_id, str(k), due)
    await clean_db.execute("INSERT INTO timers (guild_id, kind, key, due_at) VALUES (0, 'test', 'housekeeping', $1)",
                           due)
    zero, rest = Recorder("shard 0"), Recorder("shards 1+2")
    a, b = TimerService(clean_db, clock), TimerService(clean_db, clock)
    a.register("test", zero)
    b.register("test", rest)
    a.set_shards(3, [0])
    b.set_shards(3, [2, 1])
    assert (a.shards, b.shards) == ((3, [0]), (3, [1, 2]))
    clock.advance(minutes=1)
    await asyncio.gather(a.run_due(), b.run_due())
    assert sorted(key for _, key, _ in zero.ran) == sorted(["housekeeping", *(str(k) for k in guilds if k % 3 == 0)])
    assert sorted(key for _, key, _ in rest.ran) == sorted(str(k) for k in guilds if k % 3 != 0)
    assert await clean_db.fetchval("SELECT count(*) FROM timers") == 0

    # Only another shard's job is due: the dispatcher sleeps (the due-time query is filtered like the claim;
    # an unfiltered one would see a due job it can never claim and spin without ever going idle).
    await clean_db.execute("INSERT INTO timers (guild_id, kind, key, due_at) VALUES ($1, 'test', 'foreign', $2)",
                           guilds[1], clock.now())
    a.start()
    try:
        await a.idle()
        assert "foreign" not in [key for _, key, _ in zero.ran]
        assert await clean_db.fetchval("SELECT lease_until FROM timers WHERE key = 'foreign'") is None
    finally:
        await a.stop()
    assert (await b.run_due()).ran == 1


async def test_a_process_holding_every_shard_has_no_filter(clean_db, clock) -> None:
    timers = TimerService(clean_db, clock)
    timers.set_shards(2, [1, 0])
    assert timers.shards is None
    timers.set_shards(1, [0])
    assert timers.shards is None
    for count, ids in ((2, [2]), (2, []), (0, [0])):
        with pytest.raises(ValueError, match="do not exist"):
            timers.set_shards(count, ids)


async def test_a_failing_grace_lookup_fails_the_job_not_the_dispatcher(clean_db, clock) -> None:
    broken_guilds = {2}

    async def grace(guild_id: int) -> timedelta:
        if guild_id in broken_guilds:
            raise RuntimeError("settings unreadable")
        return timedelta(minutes=10)

    timers, recorder = TimerService(clean_db, clock, grace=grace), Recorder()
    timers.register("test", recorder)
    timers.start()
    try:
        await timers.schedule(2, "test", "broken guild", clock.now())
        await timers.schedule(1, "test", "fine guild", clock.now())
        await timers.idle()
        assert [key for _, key, _ in recorder.ran] == ["fine guild"]
        row = await clean_db.fetchrow("SELECT attempts, due_at, lease_until FROM timers WHERE key = 'broken guild'")
        assert (row["attempts"], row["due_at"], row["lease_until"]) == (1, clock.now() + timedelta(minutes=1), None)
        broken_guilds.clear()
        clock.advance(minutes=1)
        await _clock_seen(timers)  # the dispatcher is alive and retries it
        assert [key for _, key, _ in recorder.ran] == ["fine guild", "broken guild"]
    finally:
        await timers.stop()


async def test_the_dispatcher_survives_an_unexpected_error_and_backs_off(clean_db, clock, caplog) -> None:
    """A pooled connection broken by an outage can fail with asyncpg's InternalClientError ("cannot switch to
    state …"): the dispatcher logs it, waits 1 s, 2 s … of the clock and carries on, instead of dying."""
    import asyncpg

    timers, recorder = TimerService(clean_db, clock), Recorder()
    timers.register("test", recorder)
    real_next_due, failures = timers._next_due, [asyncpg.InternalClientError("cannot switch to state 12"),
                                                 RuntimeError("a surprise")]

    async def flaky_next_due():
        if failures:
            raise failures.pop(0)
        return await real_next_due()

    timers._next_due = flaky_next_due
    await timers.schedule(1, "test", "a", clock.now())
    timers.start()
    try:
        await timers.idle()
        assert recorder.ran == [] and len(failures) == 1  # failed once, now waiting 1 s
        clock.advance(seconds=1)
        await _clock_seen(timers)
        assert recorder.ran == [] and failures == []  # failed again, now waiting 2 s
        clock.advance(seconds=2)
        await _clock_seen(timers)
        assert [key for _, key, _ in recorder.ran] == ["a"]
    finally:
        await timers.stop()
    assert "a surprise" in caplog.text


async def test_a_job_claimed_by_a_dead_process_runs_after_its_lease(clean_db, clock) -> None:
    dead = TimerService(clean_db, clock)
    dead.register("test", Recorder())
    await dead.schedule(1, "test", "orphan", clock.now())
    # The first process claims the job and dies before finishing it.
    await clean_db.execute("UPDATE timers SET lease_token = gen_random_uuid(), lease_until = $1, attempts = 1",
                           clock.now() + timedelta(minutes=2))
    survivor, recorder = TimerService(clean_db, clock), Recorder()
    survivor.register("test", recorder)
    assert (await survivor.run_due()).ran == 0  # still leased
    clock.advance(minutes=2)
    assert (await survivor.run_due()).ran == 1
    assert recorder.ran[0][1] == "orphan"


async def test_recurring_job_is_rescheduled(timers: TimerService, clock, clean_db) -> None:
    recorder = Recorder()
    recorder.every = timedelta(days=1)
    timers.register("daily", recorder)
    start = clock.now()
    await timers.schedule(1, "daily", "r1", start)
    for _ in range(3):
        await timers.run_due()
        clock.advance(days=1)
    assert len(recorder.ran) == 3
    assert await timers.due_at("daily", "r1") == start + timedelta(days=3)


async def test_failing_handler_is_retried_with_backoff(timers: TimerService, clock) -> None:
    recorder = Recorder()
    recorder.fail_times = 2
    timers.register("test", recorder)
    await timers.schedule(1, "test", "flaky", clock.now())
    assert (await timers.run_due()).failed == 1
    assert await timers.due_at("test", "flaky") == clock.now() + timedelta(minutes=1)
    clock.advance(minutes=1)
    assert (await timers.run_due()).failed == 1
    clock.advance(minutes=2)
    assert (await timers.run_due()).ran == 1


async def test_catch_up_within_grace_runs_late_beyond_grace_is_skipped_and_reported(clean_db, clock) -> None:
    reports: list[tuple[int, list[str]]] = []

    async def report(guild_id: int, lines: list[str]) -> None:
        reports.append((guild_id, lines))

    skipped: list[str] = []

    async def on_skip(job: Job):
        skipped.append(job.key)
        return None

    timers = TimerService(clean_db, clock, report_skipped=report)
    recorder = Recorder()
    timers.register("test", recorder, on_skip=on_skip, describe=lambda job: f"reminder {job.key}")
    now = clock.now()
    await timers.schedule(5, "test", "recent", now - timedelta(minutes=5))
    await timers.schedule(5, "test", "old", now - timedelta(hours=3))
    await timers.schedule(6, "test", "older", now - timedelta(days=1))
    report_ = await timers.run_due()
    assert recorder.ran == [("", "recent", timedelta(minutes=5))]  # ran, and knows it is 5 minutes late
    assert sorted(skipped) == ["old", "older"]
    assert sorted(reports) == [(5, ["reminder old"]), (6, ["reminder older"])]
    assert report_.ran == 1


async def test_schedule_again_moves_the_job_and_cancel_deletes(timers: TimerService, clock, clean_db) -> None:
    timers.register("test", Recorder())
    await timers.schedule(1, "test", "r:1:pre", clock.now() + timedelta(hours=1))
    await timers.schedule(1, "test", "r:1:pre", clock.now() + timedelta(hours=2))
    await timers.schedule(1, "test", "r:1:start", clock.now() + timedelta(hours=3))
    assert await clean_db.fetchval("SELECT count(*) FROM timers") == 2
    assert await timers.due_at("test", "r:1:pre") == clock.now() + timedelta(hours=2)
    assert await timers.cancel("test", "r:1:", prefix=True) == 2
    assert await clean_db.fetchval("SELECT count(*) FROM timers") == 0
