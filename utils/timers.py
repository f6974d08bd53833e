"""The timers service: one dispatcher per process for every kind of scheduled job.

- Jobs live in the `timers` table (kind, key, guild, due time, payload). A cog registers a handler for its
  kinds and schedules jobs; `(kind, key)` is unique, so scheduling again moves the job.
- The dispatcher sleeps until the earliest due job and is woken when an earlier one is scheduled: no polling.
- Claiming is one `UPDATE … FOR UPDATE SKIP LOCKED … RETURNING` that sets a lease (a token and an expiry):
  two processes never run the same job, and a job whose process died is retried when its lease expires.
  Handlers store what they sent (e.g. `reminders.last_sent_at`), so a retry does not post twice.
- A handler returns None (the job is done and deleted) or the next due time (a recurring job).
- Jobs run side by side (at most `concurrency` at once), each within its kind's `timeout` measured on the
  bot's clock: the dispatcher does not wait for a claimed job before claiming the next due one, so one slow
  handler delays nothing else; a handler past its timeout is cancelled and counts as a failed attempt. Outcomes
  are written in batches (one statement for every job that finished meanwhile, not one round trip per job).
- A failed attempt is retried after 1, 2, 4 and 8 minutes. After the last attempt (`MAX_ATTEMPTS`) the kind's
  policy, declared at registration, decides: a recurring kind moves to its next occurrence (`next_occurrence`),
  a kind whose jobs must happen keeps retrying with a back-off capped at an hour (the default), and a kind whose
  loss is acceptable says so (`give_up=True`) and is deleted. The guild's log channel is told once.
- After downtime, a job late by less than the guild's grace period (`system.late_job_grace`) runs and is told
  how late it is; older ones are skipped (their `on_skip` decides what happens next) and summarised once per
  guild to the log channel.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Awaitable, Callable, Collection, Coroutine
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, TypeVar

import asyncpg

from utils.clock import Clock
from utils.db import HearthPool
from utils.errors import DATABASE_ERRORS

log = logging.getLogger(__name__)

NOTIFY_CHANNEL = "hearth_timers"  # written literally in _SCHEDULE
LEASE = timedelta(minutes=2)  # the shortest lease; a kind with a longer timeout gets timeout + LEASE_MARGIN
LEASE_MARGIN = timedelta(minutes=1)  # covers computing the next occurrence and writing the outcome
BATCH = 500  # the most jobs one claim takes
CONCURRENCY = 100  # the most jobs one process runs at once
MAX_ATTEMPTS = 5  # after this many failed attempts the kind's policy decides (see `register`)
MAX_BACKOFF = timedelta(hours=1)  # the longest wait between two attempts of a job that must happen
DEFAULT_TIMEOUT = timedelta(seconds=60)
NEXT_OCCURRENCE_TIMEOUT = timedelta(seconds=30)  # computing a next occurrence is a settings read, not work
DEFAULT_GRACE = timedelta(minutes=10)
CONTENDED = timedelta(seconds=1)  # a due job another process is claiming at this instant: look again after this
STOP_GRACE = 3.0  # seconds running jobs may take to finish at shutdown before they are interrupted
RELEASE_TIMEOUT = 2.0  # seconds to write the outcome of interrupted jobs
CANCEL_WAIT = 5.0  # seconds a cancelled handler may take to unwind (it normally takes none)


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
NextOccurrence = Callable[[Job], Awaitable[datetime | None]]
Describe = Callable[[Job], str]
SkipReporter = Callable[[int, list[str]], Awaitable[None]]
FailureReporter = Callable[[int, str], Awaitable[None]]
T = TypeVar("T")


class JobTimedOut(Exception):
    """A handler ran past its kind's timeout and was cancelled."""

    def __init__(self, timeout: timedelta) -> None:
        super().__init__(f"timed out after {timeout.total_seconds():g} s")


@dataclass
class _Kind:
    run: Handler
    on_skip: SkipHandler | None
    describe: Describe
    timeout: timedelta
    next_occurrence: NextOccurrence | None
    give_up: bool


@dataclass
class _Running:
    job: Job
    token: uuid.UUID


@dataclass
class _Outcomes:
    """Finished jobs waiting to be written: deleted, or moved to a new due time (`reset`: attempts back to 0)."""

    done: list[tuple[int, uuid.UUID]] = field(default_factory=list)
    moved: list[tuple[int, uuid.UUID, datetime, bool]] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.done or self.moved)

    def merge(self, other: _Outcomes) -> None:
        self.done[:0] = other.done
        self.moved[:0] = other.moved


@dataclass
class RunReport:
    """What the jobs claimed by one `run_due` call did."""

    ran: int = 0
    skipped: dict[int, list[str]] = field(default_factory=dict)
    failed: int = 0


def retry_delay(attempts: int) -> timedelta:
    """The wait after failed attempt number `attempts`: 1, 2, 4, 8 … minutes, at most `MAX_BACKOFF`."""
    return min(timedelta(minutes=2 ** min(max(attempts - 1, 0), 12)), MAX_BACKOFF)


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
# The lease of each claimed job is its kind's (`$4`, parallel to the kinds in `$3`): longer than its timeout.
_CLAIM = """
    UPDATE timers SET lease_token = $2, lease_until = $1 + leases.lease, attempts = timers.attempts + 1
    FROM unnest($3::text[], $4::interval[]) AS leases(kind, lease)
    WHERE timers.kind = leases.kind AND timers.id IN (
        SELECT id FROM timers
        WHERE kind = ANY($3::text[]) AND due_at <= $1 AND (lease_until IS NULL OR lease_until <= $1)
            AND (guild_id >> 22) % $6::bigint = ANY($7::bigint[])
        ORDER BY due_at LIMIT $5 FOR UPDATE SKIP LOCKED)
    RETURNING timers.id, timers.guild_id, timers.kind, timers.key, timers.due_at, timers.payload, timers.attempts
"""
# Outcomes of every job that finished meanwhile are written together: one statement for the finished jobs and
# one for the moved ones (rescheduled, retried later), instead of one round trip per job. The lease token guards
# against a job that was moved (scheduled again) while it ran, or claimed again after its lease ran out.
_FINISH_MANY = """
    DELETE FROM timers USING unnest($1::bigint[], $2::uuid[]) AS done(id, token)
    WHERE timers.id = done.id AND timers.lease_token = done.token
"""
_MOVE_MANY = """
    UPDATE timers SET due_at = moved.due_at, lease_token = NULL, lease_until = NULL,
        attempts = CASE WHEN moved.reset THEN 0 ELSE timers.attempts END
    FROM unnest($1::bigint[], $2::uuid[], $3::timestamptz[], $4::boolean[]) AS moved(id, token, due_at, reset)
    WHERE timers.id = moved.id AND timers.lease_token = moved.token
"""
# Jobs interrupted by shutdown are free again at once; the interruption does not count as an attempt.
_RELEASE = """
    UPDATE timers SET lease_token = NULL, lease_until = NULL, attempts = greatest(attempts - 1, 0)
    WHERE lease_token = ANY($1::uuid[])
"""
_CANCEL = "DELETE FROM timers WHERE kind = $1 AND key = $2"
_CANCEL_PREFIX = "DELETE FROM timers WHERE kind = $1 AND starts_with(key, $2)"
_GET = "SELECT due_at FROM timers WHERE kind = $1 AND key = $2"
_GUILD_JOBS = "SELECT key, due_at FROM timers WHERE kind = $1 AND guild_id = $2"


class TimerService:
    """Schedules jobs and runs them when due, exactly once across processes; with several processes each runs
    only the jobs of guilds on its own shards (`set_shards`)."""

    def __init__(self, pool: HearthPool, clock: Clock, *, grace: Callable[[int], Awaitable[timedelta]] | None = None,
                 report_skipped: SkipReporter | None = None, report_failure: FailureReporter | None = None,
                 lease: timedelta = LEASE, concurrency: int = CONCURRENCY) -> None:
        self.pool = pool
        self.clock = clock
        self.lease = lease
        self.concurrency = concurrency
        self._grace = grace
        self._report_skipped = report_skipped
        self._report_failure = report_failure
        self._kinds: dict[str, _Kind] = {}
        self._wake = asyncio.Event()
        self._idle = asyncio.Event()  # set while the dispatcher sleeps with every re-arm seen
        self._task: asyncio.Task[None] | None = None
        self._claiming = asyncio.Lock()  # one claim at a time in this process (the dispatcher or `run_due`)
        self._claim_token: uuid.UUID | None = None  # the claim in flight, released if shutdown interrupts it
        self._running: dict[asyncio.Task[None], _Running] = {}
        self._saturated = False  # the dispatcher waits for running jobs to free slots
        self._backlog = False  # the last claim took as many jobs as it asked for
        self._stopping = False
        self._outcomes = _Outcomes()
        self._writer: asyncio.Task[None] | None = None
        self._skipped: dict[int, list[str]] = {}  # skipped job lines per guild, not yet reported
        self._side_tasks: set[asyncio.Task[None]] = set()  # reports to log channels
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

    async def _claim(self, now: datetime, token: uuid.UUID, limit: int) -> list[Any]:
        kinds = list(self._kinds)
        leases = [self.lease_of(kind) for kind in kinds]
        return await self.pool.fetch(_CLAIM, now, token, kinds, leases, limit, *self._shard_filter)

    def lease_of(self, kind: str) -> timedelta:
        """How long a claimed job of `kind` stays reserved: past its timeout, so it never runs twice."""
        return max(self.lease, self._kinds[kind].timeout + LEASE_MARGIN)

    # --- registration and scheduling ---------------------------------------------------------------------

    def register(self, kind: str, run: Handler, *, on_skip: SkipHandler | None = None,
                 describe: Describe | None = None, timeout: timedelta = DEFAULT_TIMEOUT,
                 next_occurrence: NextOccurrence | None = None, give_up: bool = False) -> None:
        """Handle jobs of `kind` (from a cog's `load()`); `on_skip` runs instead of `run` for stale jobs.

        `timeout`: how long one attempt may take (on the bot's clock) before it is cancelled and retried.
        What happens after `MAX_ATTEMPTS` failed attempts is the kind's policy, and the guild is told once:
        - `next_occurrence` (recurring kinds): the job moves to the time it returns, its attempts start afresh
          (None: the job has no next occurrence and is deleted);
        - `give_up=True` (losing the job is acceptable): the job is deleted;
        - neither (the default: the job must happen): it keeps being retried, at most `MAX_BACKOFF` apart.
        """
        if next_occurrence is not None and give_up:
            raise ValueError(f"timer kind {kind!r}: a job either moves to its next occurrence or is given up")
        if timeout <= timedelta(0):
            raise ValueError(f"timer kind {kind!r}: the timeout must be positive")
        self._kinds[kind] = _Kind(run, on_skip, describe or (lambda job: f"{job.kind} {job.key}"), timeout,
                                  next_occurrence, give_up)
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

    async def idle(self, timeout: float = 5.0, *, ignoring: Collection[str] = ()) -> None:  # noqa: ASYNC109
        """Wait until the dispatcher has handled every re-arm and due job and sleeps, and every job it started
        has finished and been written (for tests, benchmarks). Jobs of the kinds in `ignoring` may still run
        (a test's deliberately hung handler)."""

        async def settled() -> None:
            while True:
                await self._idle.wait()
                busy = self._busy(ignoring)
                if not busy:
                    if self._idle.is_set():
                        return
                    continue
                await asyncio.wait(busy)

        await asyncio.wait_for(settled(), timeout)

    def _busy(self, ignoring: Collection[str] = ()) -> list[asyncio.Task[Any]]:
        busy: list[asyncio.Task[Any]] = [task for task, running in self._running.items()
                                         if running.job.kind not in ignoring]
        busy += self._side_tasks
        if self._writer is not None and not self._writer.done():
            busy.append(self._writer)
        return busy

    # --- running -----------------------------------------------------------------------------------------

    def start(self) -> None:
        """Start the dispatcher task (once)."""
        if self._task is None:
            self._stopping = False
            self._task = asyncio.create_task(self._dispatch(), name="timers-dispatcher")

    async def stop(self, grace: float | None = None) -> None:
        """Stop claiming, give running jobs `grace` seconds (default `stop_grace`) to finish, then interrupt the
        rest and release their leases, so another process takes them at once instead of waiting for the lease
        to run out."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + (self.stop_grace if grace is None else grace)
        task, self._task = self._task, None
        self._stopping = True
        holding = False
        try:
            try:  # let a claim in flight finish starting its jobs
                if self._claiming.locked():
                    await asyncio.wait_for(self._claiming.acquire(), max(0.0, deadline - loop.time()))
                else:
                    await self._claiming.acquire()
                holding = True
            except TimeoutError:
                pass
            interrupted: set[uuid.UUID] = {self._claim_token} if self._claim_token else set()
            if task is not None:
                task.cancel()
                try:
                    await task
                except asyncio.CancelledError:
                    pass
                except Exception:  # it died earlier: say so, but let the shutdown go on (pools, Discord)
                    log.exception("Timers: the dispatcher had stopped with an error")
            work = [*self._running, *self._side_tasks]
            if work:
                _, pending = await asyncio.wait(work, timeout=max(0.0, deadline - loop.time()))
                if pending:
                    jobs = [self._running[t] for t in pending if t in self._running]
                    log.warning("Timers: %d job(s) still running at shutdown; interrupting them and releasing "
                                "their leases", len(jobs))
                    interrupted |= {running.token for running in jobs}
                    for pending_task in pending:
                        pending_task.cancel()
                    await asyncio.wait(pending, timeout=CANCEL_WAIT)
            await self._release_interrupted(interrupted)
        finally:
            self._stopping = False
            if holding:
                self._claiming.release()

    async def _dispatch(self) -> None:
        backoff = 1.0
        while True:
            self._wake.clear()
            next_due: datetime | None = None
            try:
                self._write_outcomes()  # outcomes a database error kept back
                if not self._has_room():
                    self._saturated = True  # a finishing job wakes the dispatcher
                else:
                    self._saturated = False
                    # The last claim filled every free slot: more jobs are probably due, claim straight away.
                    if self._backlog and await self._claim_and_start(self.clock.now(), RunReport()):
                        continue
                    next_due = self.next_due = await self._next_due()
                    now = self.clock.now()
                    if next_due is not None and next_due <= now:
                        if await self._claim_and_start(now, RunReport()):
                            continue
                        next_due = now + CONTENDED  # another process is claiming it at this very instant
                    else:
                        self._report_skips()
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

    @property
    def _refill(self) -> int:
        """Free slots a saturated dispatcher waits for before claiming again (claims stay batched)."""
        return max(1, self.concurrency // 4)

    def _free_slots(self) -> int:
        return self.concurrency - len(self._running)

    def _has_room(self) -> bool:
        free = self._free_slots()
        return free > 0 and (not self._saturated or free >= self._refill or not self._running)

    async def run_due(self) -> RunReport:
        """Claim and run every job due now, and wait until they (and any job this process is already running)
        have finished and been written; returns what the jobs it claimed did."""
        report = RunReport()
        while self._kinds and not self._stopping:
            while self._running and self._free_slots() < self._refill:
                await asyncio.wait(list(self._running), return_when=asyncio.FIRST_COMPLETED)
            if not await self._claim_and_start(self.clock.now(), report):
                break
        self._report_skips()
        while busy := self._busy():
            await asyncio.wait(busy)
        return report

    async def _claim_and_start(self, now: datetime, report: RunReport) -> int:
        """Claim due jobs (as many as there are free slots) and start them; returns how many were claimed."""
        async with self._claiming:
            free = min(BATCH, self._free_slots())
            if free <= 0 or self._stopping or not self._kinds:
                return 0
            token = self._claim_token = uuid.uuid4()
            try:
                rows = await self._claim(now, token, free)
                self._backlog = len(rows) == free
                await self._start(rows, token, now, report)
            finally:
                self._claim_token = None
            return len(rows)

    async def _start(self, rows: list[Any], token: uuid.UUID, now: datetime, report: RunReport) -> None:
        graces: dict[int, timedelta | Exception] = {}
        for row in rows:
            job = Job(row["id"], row["guild_id"], row["kind"], row["key"], row["due_at"], row["payload"],
                      row["attempts"], max(timedelta(0), now - row["due_at"]))
            kind = self._kinds.get(job.kind)
            if kind is None:  # unregistered since the claim: let the lease lapse, another pass takes it
                continue
            if job.guild_id not in graces:
                try:
                    graces[job.guild_id] = await self._grace_for(job.guild_id)
                except Exception as exc:  # the guild's settings are unreadable: fail its jobs, not the dispatcher
                    graces[job.guild_id] = exc
            grace = graces[job.guild_id]
            stale: bool | Exception = grace if isinstance(grace, Exception) else job.late_by > grace
            if stale is True:
                line = _describe(kind, job)
                report.skipped.setdefault(job.guild_id, []).append(line)
                self._skipped.setdefault(job.guild_id, []).append(line)
            task = asyncio.create_task(self._run(job, token, kind, stale, report), name=f"timer {job.kind}")
            self._running[task] = _Running(job, token)

    async def _run(self, job: Job, token: uuid.UUID, kind: _Kind, stale: bool | Exception,
                   report: RunReport) -> None:
        """One attempt of one job, in its own task; its outcome joins the next batched write."""
        try:
            try:
                if isinstance(stale, Exception):
                    raise stale
                if stale:
                    follow_up = await self._bounded(kind.on_skip(job), kind.timeout) if kind.on_skip else None
                else:
                    follow_up = await self._bounded(kind.run(job), kind.timeout)
            except Exception as exc:
                report.failed += 1
                if isinstance(exc, JobTimedOut):
                    log.error("Timers: job %s/%s (attempt %d) %s; cancelled", job.kind, job.key, job.attempts, exc)
                else:
                    log.exception("Timers: job %s/%s (attempt %d) failed", job.kind, job.key, job.attempts)
                await self._after_failure(job, token, kind, exc)
                return
            report.ran += 0 if stale else 1
            if follow_up is None:
                self._outcomes.done.append((job.id, token))
            else:
                self._outcomes.moved.append((job.id, token, follow_up, True))
        finally:
            self._running.pop(asyncio.current_task(), None)  # type: ignore[arg-type]
            self._write_outcomes()
            if self._saturated and self._has_room():
                self.rearm()

    async def _bounded(self, call: Coroutine[Any, Any, T], limit: timedelta) -> T:
        """Await `call`, cancelling it once `limit` has passed on the bot's clock (JobTimedOut)."""
        work = asyncio.ensure_future(call)
        timer = asyncio.ensure_future(self.clock.wait_until(self.clock.now() + limit, asyncio.Event()))
        try:
            await asyncio.wait({work, timer}, return_when=asyncio.FIRST_COMPLETED)
        except asyncio.CancelledError:  # shutdown: the handler stops with us
            work.cancel()
            await asyncio.wait({work}, timeout=CANCEL_WAIT)
            raise
        finally:
            timer.cancel()
        if work.done():
            return work.result()
        work.cancel()
        _, stuck = await asyncio.wait({work}, timeout=CANCEL_WAIT)
        if stuck:
            log.error("Timers: a timed-out handler ignored its cancellation and keeps running")
        raise JobTimedOut(limit)

    async def _after_failure(self, job: Job, token: uuid.UUID, kind: _Kind, error: Exception) -> None:
        """Retry with back-off; after the last attempt apply the kind's policy and tell the guild once."""
        now = self.clock.now()
        if job.attempts < MAX_ATTEMPTS:
            self._outcomes.moved.append((job.id, token, now + retry_delay(job.attempts), False))
            return
        what = _describe(kind, job)
        if kind.give_up:  # declared at registration: losing this job is acceptable
            log.error("Timers: giving up on %s/%s after %d attempts", job.kind, job.key, job.attempts)
            self._outcomes.done.append((job.id, token))
            self._tell(job, failure_notice(what, job.attempts, error, "It was dropped."))
            return
        if kind.next_occurrence is not None:
            try:
                next_at = await self._bounded(kind.next_occurrence(job), min(kind.timeout, NEXT_OCCURRENCE_TIMEOUT))
            except Exception:  # it cannot be moved on now: keep retrying it instead of losing it
                log.exception("Timers: the next occurrence of %s/%s is unknown; retrying it", job.kind, job.key)
            else:
                if next_at is None:
                    log.error("Timers: %s/%s failed %d times and has no next occurrence; dropped", job.kind,
                              job.key, job.attempts)
                    self._outcomes.done.append((job.id, token))
                    self._tell(job, failure_notice(what, job.attempts, error,
                                                   "It has no next occurrence, so nothing more is planned."))
                    return
                next_at = max(next_at, now + retry_delay(1))  # never straight back into a failing loop
                log.error("Timers: %s/%s failed %d times; moved to its next occurrence %s", job.kind, job.key,
                          job.attempts, next_at)
                self._outcomes.moved.append((job.id, token, next_at, True))
                self._tell(job, failure_notice(
                    what, job.attempts, error,
                    f"This time is skipped; it runs again at its next occurrence, <t:{int(next_at.timestamp())}:f>."))
                return
        # It must happen: keep retrying, at most an hour apart; the guild hears of it on the last attempt only.
        retry_at = now + retry_delay(job.attempts)
        self._outcomes.moved.append((job.id, token, retry_at, False))
        if job.attempts == MAX_ATTEMPTS:
            log.error("Timers: %s/%s failed %d times; it must happen, so it is retried until it works", job.kind,
                      job.key, job.attempts)
            self._tell(job, failure_notice(
                what, job.attempts, error,
                f"It must still happen, so I keep trying (at least {_how_often(MAX_BACKOFF)}) until it works; "
                "you won't be told again."))

    def _tell(self, job: Job, text: str) -> None:
        """Report to the job's guild in the background (a slow Discord must not hold the job's slot)."""
        if self._report_failure is not None:
            self._side_task(self._report_failure(job.guild_id, text))

    def _report_skips(self) -> None:
        skipped, self._skipped = self._skipped, {}
        if self._report_skipped is not None:
            for guild_id, lines in skipped.items():
                self._side_task(self._report_skipped(guild_id, lines))

    def _side_task(self, call: Coroutine[Any, Any, None]) -> None:
        async def guarded() -> None:
            try:
                await call
            except Exception:
                log.exception("Timers: a report to a guild failed")

        task = asyncio.create_task(guarded(), name="timers-report")
        self._side_tasks.add(task)
        task.add_done_callback(self._side_tasks.discard)

    # --- writing outcomes ----------------------------------------------------------------------------------

    def _write_outcomes(self) -> None:
        """Start writing pending outcomes unless a write is under way (it takes what finished meanwhile)."""
        if self._outcomes and (self._writer is None or self._writer.done()):
            self._writer = asyncio.create_task(self._write_pending(), name="timers-outcomes")

    async def _write_pending(self) -> None:
        while self._outcomes:
            batch, self._outcomes = self._outcomes, _Outcomes()
            try:
                await self._write(batch)
            except (*DATABASE_ERRORS, asyncpg.PostgresError) as exc:
                self._outcomes.merge(batch)  # kept, written with the next outcome or dispatcher turn
                log.warning("Timers: could not record %d finished job(s) (%s); will retry",
                            len(batch.done) + len(batch.moved), exc)
                return

    async def _write(self, batch: _Outcomes) -> None:
        if batch.done:
            ids, tokens = zip(*batch.done, strict=True)
            await self.pool.execute(_FINISH_MANY, list(ids), list(tokens))
        if batch.moved:
            ids, tokens, due, reset = zip(*batch.moved, strict=True)
            await self.pool.execute(_MOVE_MANY, list(ids), list(tokens), list(due), list(reset))
            self.rearm()  # a moved job may now be the earliest

    async def _release_interrupted(self, tokens: set[uuid.UUID]) -> None:
        """Write what finished, and free the interrupted jobs for the next process at once (the interruption
        does not count as a failed attempt)."""
        try:
            if self._writer is not None:
                await asyncio.wait_for(asyncio.shield(self._writer), RELEASE_TIMEOUT)
            if self._outcomes:
                batch, self._outcomes = self._outcomes, _Outcomes()
                await asyncio.wait_for(self._write(batch), RELEASE_TIMEOUT)
            if not tokens:
                return
            status = await asyncio.wait_for(self.pool.execute(_RELEASE, list(tokens)), RELEASE_TIMEOUT)
        except (*DATABASE_ERRORS, asyncpg.PostgresError, TimeoutError) as exc:
            log.warning("Timers: could not release interrupted jobs (%s); their leases will run out", exc)
            return
        self.released += int(status.split()[-1])
        log.info("Timers: released %s interrupted job(s)", status.split()[-1])

    async def _grace_for(self, guild_id: int) -> timedelta:
        return await self._grace(guild_id) if self._grace is not None else DEFAULT_GRACE


def _describe(kind: _Kind, job: Job) -> str:
    try:
        return kind.describe(job)
    except Exception:  # a line for a report must never stop the job itself
        log.exception("Timers: describing %s/%s failed", job.kind, job.key)
        return f"{job.kind} {job.key}"


def _how_often(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    return "once an hour" if minutes == 60 else f"once every {minutes} minutes"


def failure_notice(what: str, attempts: int, error: BaseException, next_step: str) -> str:
    """The log-channel message for a job that failed its last attempt: what, why, and what happens next."""
    reason = str(error) if isinstance(error, JobTimedOut) else type(error).__name__
    return (f"⚠️ A scheduled job keeps failing: {what} — {attempts} attempts in a row (last: {reason}). "
            f"{next_step}")


def skipped_summary(lines: list[str], grace: timedelta, shown: int = 20) -> str:
    """The log-channel message listing jobs skipped after downtime."""
    listed = "\n".join(f"• {line}" for line in lines[:shown])
    more = f"\n… and {len(lines) - shown} more" if len(lines) > shown else ""
    minutes = int(grace.total_seconds() // 60)
    return (f"⏰ While I was offline, {len(lines)} scheduled post(s) became more than {minutes} minutes late "
            f"and were skipped:\n{listed}{more}")
