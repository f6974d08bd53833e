"""The timers service: one dispatcher per process for every kind of scheduled job.

- Jobs live in the `timers` table (kind, key, guild, due time, payload). A cog registers a handler for its
  kinds and schedules jobs; `(kind, key)` is unique, so scheduling again moves the job.
- The dispatcher sleeps until the earliest due job and is woken when an earlier one is scheduled: no polling.
- Claiming is one `UPDATE … FOR UPDATE SKIP LOCKED … RETURNING` that sets a lease (a token and an expiry):
  two processes never run the same job, and a job whose process died is retried when its lease expires.
  Handlers store what they sent (e.g. `reminders.last_sent_at`), so a retry does not post twice.
- A handler returns None (the job is done and deleted) or the next due time (a recurring job).
- After downtime, a job late by less than the guild's grace period (`system.late_job_grace`) runs and is told
  how late it is; older ones are skipped (their `on_skip` decides what happens next) and summarised once per
  guild to the log channel.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import asyncpg

from utils.clock import Clock
from utils.db import HearthPool
from utils.errors import DATABASE_ERRORS

log = logging.getLogger(__name__)

NOTIFY_CHANNEL = "hearth_timers"  # written literally in _SCHEDULE
LEASE = timedelta(minutes=2)
BATCH = 500
CONCURRENCY = 100
MAX_ATTEMPTS = 5
DEFAULT_GRACE = timedelta(minutes=10)
STOP_GRACE = 3.0  # seconds a pass in progress may take to finish at shutdown before it is interrupted
RELEASE_TIMEOUT = 2.0  # seconds to write the outcome of an interrupted pass


@dataclass(frozen=True)
class Job:
    """A claimed job, handed to its handler."""

    id: int
    guild_id: int
    kind: str
    key: str
    due_at: datetime
    payload: dict[str, Any]
    attempts: int
    late_by: timedelta  # how long after due_at it runs (0 when on time)


Handler = Callable[[Job], Awaitable[datetime | None]]
SkipHandler = Callable[[Job], Awaitable[datetime | None]]
Describe = Callable[[Job], str]
SkipReporter = Callable[[int, list[str]], Awaitable[None]]


@dataclass
class _Kind:
    run: Handler
    on_skip: SkipHandler | None
    describe: Describe


@dataclass
class RunReport:
    """What one pass of the dispatcher did."""

    ran: int = 0
    skipped: dict[int, list[str]] = field(default_factory=dict)
    failed: int = 0
    finished: list[int] = field(default_factory=list)  # job ids of the current batch, written after it
    moved: dict[int, datetime] = field(default_factory=dict)


# Scheduling also notifies every process (channel NOTIFY_CHANNEL, payload the guild id, delivered on commit): the
# process holding the guild's shard may be another one, sleeping until its own next job (see `on_notification`).
_SCHEDULE = """
    WITH job AS (
        INSERT INTO timers (guild_id, kind, key, due_at, payload) VALUES ($1, $2, $3, $4, $5)
        ON CONFLICT (kind, key) DO UPDATE SET guild_id = EXCLUDED.guild_id, due_at = EXCLUDED.due_at,
            payload = EXCLUDED.payload, lease_token = NULL, lease_until = NULL, attempts = 0
        RETURNING id)
    SELECT job.id FROM job, (SELECT pg_notify('hearth_timers', $1::text)) AS woken
"""
# The earliest moment something can be claimed: a free job's due time or a lease running out (least() skips
# NULLs). Both sub-queries walk an index, so a table of 100,000 future jobs costs the same as an empty one.
# Both queries filter by shard (`set_shards`): only jobs of guilds on this process's shards, by Discord's routing
# `(guild_id >> 22) % shard_count`; a process holding every shard passes a count of 1 and shard [0], which every
# guild matches. Guild 0 (housekeeping jobs such as the daily clean-ups) gives 0, so those jobs run in the process
# holding shard 0: once, like every other job.
_NEXT_DUE = """
    SELECT least(
        (SELECT due_at FROM timers WHERE kind = ANY($1::text[]) AND lease_until IS NULL
             AND (guild_id >> 22) % $2::bigint = ANY($3::bigint[])
         ORDER BY due_at LIMIT 1),
        (SELECT min(greatest(due_at, lease_until)) FROM timers
         WHERE kind = ANY($1::text[]) AND lease_until IS NOT NULL
             AND (guild_id >> 22) % $2::bigint = ANY($3::bigint[])))
"""
_CLAIM = """
    UPDATE timers SET lease_token = $2, lease_until = $3, attempts = attempts + 1
    WHERE id IN (
        SELECT id FROM timers
        WHERE kind = ANY($4::text[]) AND due_at <= $1 AND (lease_until IS NULL OR lease_until <= $1)
            AND (guild_id >> 22) % $6::bigint = ANY($7::bigint[])
        ORDER BY due_at LIMIT $5 FOR UPDATE SKIP LOCKED)
    RETURNING id, guild_id, kind, key, due_at, payload, attempts
"""
# Completions of a whole claimed batch are written together: one statement each for the finished and the
# rescheduled jobs, instead of one round trip per job. The lease token guards against a job that was moved
# (scheduled again) while it ran.
_FINISH = "DELETE FROM timers WHERE id = $1 AND lease_token = $2"
_FINISH_MANY = "DELETE FROM timers WHERE id = ANY($1::bigint[]) AND lease_token = $2"
_RESCHEDULE_MANY = """
    UPDATE timers SET due_at = moved.due_at, lease_token = NULL, lease_until = NULL, attempts = 0
    FROM unnest($1::bigint[], $3::timestamptz[]) AS moved(id, due_at)
    WHERE timers.id = moved.id AND timers.lease_token = $2
"""
_RETRY_LATER = """
    UPDATE timers SET due_at = $3, lease_token = NULL, lease_until = NULL WHERE id = $1 AND lease_token = $2
"""
_RELEASE = """
    UPDATE timers SET lease_token = NULL, lease_until = NULL, attempts = greatest(attempts - 1, 0)
    WHERE lease_token = $1
"""
_CANCEL = "DELETE FROM timers WHERE kind = $1 AND key = $2"
_CANCEL_PREFIX = "DELETE FROM timers WHERE kind = $1 AND starts_with(key, $2)"
_GET = "SELECT due_at FROM timers WHERE kind = $1 AND key = $2"
_GUILD_JOBS = "SELECT key, due_at FROM timers WHERE kind = $1 AND guild_id = $2"


class TimerService:
    """Schedules jobs and runs them when due, exactly once across processes; with several processes each runs
    only the jobs of guilds on its own shards (`set_shards`)."""

    def __init__(self, pool: HearthPool, clock: Clock, *, grace: Callable[[int], Awaitable[timedelta]] | None = None,
                 report_skipped: SkipReporter | None = None, lease: timedelta = LEASE) -> None:
        self.pool = pool
        self.clock = clock
        self.lease = lease
        self._grace = grace
        self._report_skipped = report_skipped
        self._kinds: dict[str, _Kind] = {}
        self._wake = asyncio.Event()
        self._idle = asyncio.Event()  # set while the dispatcher sleeps with every re-arm seen
        self._task: asyncio.Task[None] | None = None
        self._running_pass = asyncio.Lock()
        self.wakeups = 0  # dispatcher wake-ups, for the benchmark
        self.shards: tuple[int, list[int]] | None = None  # (shard count, ids held); None = every job
        self.next_due: datetime | None = None  # what the dispatcher last found to sleep until (None = no job)
        self.stop_grace = STOP_GRACE
        self.released = 0  # jobs whose lease was given back because shutdown interrupted them

    def set_shards(self, shard_count: int, shard_ids: list[int]) -> None:
        """Run only jobs of guilds on `shard_ids` (of `shard_count`): the process's shards, known at on_ready.

        A process holding every shard runs every job (no filter)."""
        ids = sorted(set(shard_ids))
        if shard_count < 1 or not ids or not all(0 <= shard < shard_count for shard in ids):
            raise ValueError(f"shards {ids} do not exist with a shard count of {shard_count}")
        self.shards = None if ids == list(range(shard_count)) else (shard_count, ids)
        self.rearm()

    def holds(self, guild_id: int) -> bool:
        """Whether this process runs the guild's jobs (it holds the guild's shard; guild 0 is on shard 0)."""
        return self.shards is None or (guild_id >> 22) % self.shards[0] in self.shards[1]

    def on_notification(self, payload: str) -> None:
        """A job was scheduled by some process (LISTEN/NOTIFY, payload the guild id): if this process runs that
        guild's jobs, re-read the earliest due time (the new job may be earlier than what it sleeps until)."""
        try:
            ours = self.holds(int(payload))
        except ValueError:
            ours = True  # not ours to judge: one extra query is cheap
        if ours:
            self.rearm()

    @property
    def _shard_filter(self) -> tuple[int, list[int]]:
        return self.shards or (1, [0])  # every guild is on shard 0 of 1

    async def _next_due(self) -> datetime | None:
        return await self.pool.fetchval(_NEXT_DUE, list(self._kinds), *self._shard_filter)

    async def _claim(self, now: datetime, token: uuid.UUID) -> list[Any]:
        return await self.pool.fetch(_CLAIM, now, token, now + self.lease, list(self._kinds), BATCH,
                                     *self._shard_filter)

    # --- registration and scheduling ---------------------------------------------------------------------

    def register(self, kind: str, run: Handler, *, on_skip: SkipHandler | None = None,
                 describe: Describe | None = None) -> None:
        """Handle jobs of `kind` (from a cog's `load()`); `on_skip` runs instead of `run` for stale jobs."""
        self._kinds[kind] = _Kind(run, on_skip, describe or (lambda job: f"{job.kind} {job.key}"))
        self.rearm()

    def unregister(self, kind: str) -> None:
        """Stop handling `kind` (from a cog's `unload()`); its jobs wait in the table."""
        self._kinds.pop(kind, None)

    async def schedule(self, guild_id: int, kind: str, key: str, due_at: datetime,
                       payload: dict[str, Any] | None = None, *, conn: Any = None) -> int:
        """Create or move the job (kind, key). With `conn` it joins the caller's transaction: the caller then
        calls `rearm()` after the commit (the dispatcher cannot see the job before)."""
        executor = conn or self.pool
        job_id = await executor.fetchval(_SCHEDULE, guild_id, kind, key, due_at, payload or {})
        if conn is None:
            self.rearm()
        return job_id

    async def cancel(self, kind: str, key: str, *, prefix: bool = False, conn: Any = None) -> int:
        """Delete the job (kind, key), or every job of `kind` whose key starts with `key`; returns how many."""
        executor = conn or self.pool
        status = await executor.execute(_CANCEL_PREFIX if prefix else _CANCEL, kind, key)
        return int(status.split()[-1])

    async def due_at(self, kind: str, key: str) -> datetime | None:
        """When (kind, key) is due, or None if there is no such job."""
        return await self.pool.fetchval(_GET, kind, key)

    async def jobs_of_guild(self, kind: str, guild_id: int) -> dict[str, datetime]:
        """Key → due time of every `kind` job of a guild (one query, for listings)."""
        return {row["key"]: row["due_at"] for row in await self.pool.fetch(_GUILD_JOBS, kind, guild_id)}

    def rearm(self) -> None:
        """Wake the dispatcher to re-read the earliest due time."""
        self._idle.clear()
        self._wake.set()

    async def idle(self, timeout: float = 5.0) -> None:  # noqa: ASYNC109
        """Wait until the dispatcher has handled every re-arm and due job and sleeps (for tests, benchmarks)."""
        await asyncio.wait_for(self._idle.wait(), timeout)

    # --- running -----------------------------------------------------------------------------------------

    def start(self) -> None:
        """Start the dispatcher task (once)."""
        if self._task is None:
            self._task = asyncio.create_task(self._dispatch(), name="timers-dispatcher")

    async def stop(self, grace: float | None = None) -> None:
        """Stop the dispatcher. A pass in progress may finish within `grace` seconds (default `stop_grace`);
        after that it is interrupted and the leases of its unfinished jobs are released, so another process
        takes them at once instead of waiting for the lease to run out."""
        task, self._task = self._task, None
        if task is None:
            return
        try:
            await asyncio.wait_for(self._running_pass.acquire(), self.stop_grace if grace is None else grace)
        except TimeoutError:
            log.warning("Timers: a pass still running at shutdown; interrupting it and releasing its jobs")
            task.cancel()
        else:
            task.cancel()
            self._running_pass.release()
        try:
            await task
        except asyncio.CancelledError:
            pass
        except Exception:  # it died earlier: say so, but let the shutdown go on (pools, Discord)
            log.exception("Timers: the dispatcher had stopped with an error")

    async def _dispatch(self) -> None:
        backoff = 1.0
        while True:
            self._wake.clear()
            try:
                next_due = self.next_due = await self._next_due()
                if next_due is not None and next_due <= self.clock.now():
                    await self.run_due()
                    backoff = 1.0
                    continue
                backoff = 1.0
            except DATABASE_ERRORS as exc:
                log.warning("Timers: database unavailable (%s); retrying in %.0fs", exc, backoff)
                next_due = self.clock.now() + timedelta(seconds=backoff)
                backoff = min(backoff * 2, 60.0)
            except Exception:  # the dispatcher must outlive any surprise: every job of the process depends on it
                log.exception("Timers: unexpected error in the dispatcher; retrying in %.0fs", backoff)
                next_due = self.clock.now() + timedelta(seconds=backoff)
                backoff = min(backoff * 2, 60.0)
            if not self._wake.is_set():
                self._idle.set()
            await self.clock.wait_until(next_due, self._wake)
            self._idle.clear()
            self.wakeups += 1

    async def run_due(self) -> RunReport:
        """Claim and run every job due now (in batches); returns what happened."""
        report = RunReport()
        limit = asyncio.Semaphore(CONCURRENCY)

        async def one(row: Any, token: uuid.UUID, now: datetime) -> None:
            async with limit:
                await self._run_one(row, token, now, report)

        async with self._running_pass:
            while self._kinds:
                now = self.clock.now()
                token = uuid.uuid4()
                rows = await self._claim(now, token)
                if not rows:
                    break
                try:
                    await asyncio.gather(*(one(row, token, now) for row in rows))
                except asyncio.CancelledError:  # shutdown interrupted the batch
                    await self._release_interrupted(report, token)
                    raise
                await self._complete(report, token)
        for guild_id, lines in report.skipped.items():
            if self._report_skipped is not None:
                await self._report_skipped(guild_id, lines)
        return report

    async def _run_one(self, row: Any, token: uuid.UUID, now: datetime, report: RunReport) -> None:
        job = Job(row["id"], row["guild_id"], row["kind"], row["key"], row["due_at"], row["payload"],
                  row["attempts"], max(timedelta(0), now - row["due_at"]))
        kind = self._kinds.get(job.kind)
        if kind is None:  # unregistered between claim and run: let the lease lapse, another pass takes it
            return
        stale = False
        try:
            # Inside the try: a failing grace lookup (the guild's settings) fails this job, not the dispatcher.
            stale = job.late_by > await self._grace_for(job.guild_id)
            if stale:
                report.skipped.setdefault(job.guild_id, []).append(kind.describe(job))
                follow_up = await kind.on_skip(job) if kind.on_skip else None
            else:
                follow_up = await kind.run(job)
        except Exception:
            report.failed += 1
            log.exception("Timers: job %s/%s (attempt %d) failed", job.kind, job.key, job.attempts)
            await self._after_failure(job, token)
            return
        report.ran += 0 if stale else 1
        if follow_up is None:
            report.finished.append(job.id)
        else:
            report.moved[job.id] = follow_up

    async def _complete(self, report: RunReport, token: uuid.UUID) -> None:
        """Write the outcome of a batch: delete finished jobs, move recurring ones to their next time."""
        if report.finished:
            await self.pool.execute(_FINISH_MANY, report.finished, token)
        if report.moved:
            await self.pool.execute(_RESCHEDULE_MANY, list(report.moved), token, list(report.moved.values()))
            self.rearm()
        report.finished, report.moved = [], {}

    async def _release_interrupted(self, report: RunReport, token: uuid.UUID) -> None:
        """Write what the interrupted batch finished, and free the rest for the next process at once (the
        interruption does not count as a failed attempt)."""
        try:
            await asyncio.wait_for(self._complete(report, token), RELEASE_TIMEOUT)
            status = await asyncio.wait_for(self.pool.execute(_RELEASE, token), RELEASE_TIMEOUT)
        except (*DATABASE_ERRORS, asyncpg.PostgresError) as exc:
            log.warning("Timers: could not release interrupted jobs (%s); their leases will run out", exc)
            return
        self.released += int(status.split()[-1])
        log.info("Timers: released %s interrupted job(s)", status.split()[-1])

    async def _after_failure(self, job: Job, token: uuid.UUID) -> None:
        if job.attempts >= MAX_ATTEMPTS:
            log.error("Timers: giving up on %s/%s after %d attempts", job.kind, job.key, job.attempts)
            await self.pool.execute(_FINISH, job.id, token)
            return
        retry_at = self.clock.now() + timedelta(minutes=2 ** (job.attempts - 1))
        await self.pool.execute(_RETRY_LATER, job.id, token, retry_at)
        self.rearm()

    async def _grace_for(self, guild_id: int) -> timedelta:
        return await self._grace(guild_id) if self._grace is not None else DEFAULT_GRACE




def skipped_summary(lines: list[str], grace: timedelta, shown: int = 20) -> str:
    """The log-channel message listing jobs skipped after downtime."""
    listed = "\n".join(f"• {line}" for line in lines[:shown])
    more = f"\n… and {len(lines) - shown} more" if len(lines) > shown else ""
    minutes = int(grace.total_seconds() // 60)
    return (f"⏰ While I was offline, {len(lines)} scheduled post(s) became more than {minutes} minutes late "
            f"and were skipped:\n{listed}{more}")
