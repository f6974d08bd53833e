"""The dispatcher: the one task per process that claims due jobs and runs them.

- It sleeps until the earliest due job and is woken (`rearm`) when an earlier one may exist: no polling.
- Claiming leases the jobs (`repo.claim_due`): two processes never run the same job, and a job whose process
  died is retried when its lease expires.
- Jobs run side by side, at most `concurrency` at once: the dispatcher does not wait for a claimed job before
  claiming the next due one, so one slow handler delays nothing else. Outcomes are written in batches.
- After downtime, a job late by less than its guild's grace runs; older ones are skipped (their kind's `on_skip`
  decides what happens next) and summarised once per guild.
- At shutdown, running jobs get a moment to finish; the rest are interrupted and their leases released.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Awaitable, Callable, Collection
from datetime import datetime, timedelta
from typing import Any

from core.db import HearthPool
from core.timers.jobs import Job, Kind, RunReport
from core.timers.notices import FailureReporter, GuildNotices, SkipReporter
from core.timers.outcomes import OutcomeWriter
from core.timers.repo import Shards, Switches, claim_due, earliest_due
from core.timers.runner import attempt
from core.timers.slots import Slots
from utils.clock import Clock
from utils.errors import DATABASE_ERRORS

log = logging.getLogger(__package__)  # the service's one logger, "core.timers"

BATCH = 500  # the most jobs one claim takes
CONCURRENCY = 100  # the most jobs one process runs at once
DEFAULT_GRACE = timedelta(minutes=10)
CONTENDED = timedelta(seconds=1)  # a due job another process is claiming at this instant: look again after this
STOP_GRACE = 3.0  # seconds running jobs may take to finish at shutdown before they are interrupted
RELEASE_TIMEOUT = 2.0  # seconds to write the outcome of interrupted jobs


async def _default_grace(guild_id: int) -> timedelta:
    return DEFAULT_GRACE


class Dispatcher:
    """Claims the due jobs of the registered kinds (of guilds on this process's shards) and runs them.
    `TimerService` adds registering kinds, scheduling jobs and setting the shards."""

    def __init__(self, pool: HearthPool, clock: Clock, *, grace: Callable[[int], Awaitable[timedelta]] | None = None,
                 report_skipped: SkipReporter | None = None, report_failure: FailureReporter | None = None,
                 concurrency: int = CONCURRENCY) -> None:
        self.pool = pool
        self.clock = clock
        self._grace = grace or _default_grace
        self._notices = GuildNotices(report_skipped, report_failure)
        self._outcomes = OutcomeWriter(pool, self.rearm)
        self._kinds: dict[str, Kind] = {}
        self.shards: Shards | None = None  # (shard count, ids held); None = every job
        self._wake = asyncio.Event()
        self._idle = asyncio.Event()  # set while the dispatcher sleeps with every re-arm seen
        self._task: asyncio.Task[None] | None = None
        self._claiming = asyncio.Lock()  # one claim at a time in this process (the dispatcher or `run_due`)
        self._claim_token: uuid.UUID | None = None  # the claim in flight, released if shutdown interrupts it
        self._slots = Slots(concurrency)
        self._backlog = False  # the last claim took as many jobs as it asked for
        self._stopping = False
        self.wakeups = 0  # dispatcher wake-ups, for the benchmark
        self.next_due: datetime | None = None  # what the dispatcher last found to sleep until (None = no job)
        self.released = 0  # jobs whose lease was given back because shutdown interrupted them

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
        busy: list[asyncio.Task[Any]] = [*self._slots.tasks(ignoring), *self._notices.tasks]
        if (writing := self._outcomes.writing) is not None:
            busy.append(writing)
        return busy

    # --- running -----------------------------------------------------------------------------------------

    def start(self) -> None:
        """Start the dispatcher task (once)."""
        if self._task is None:
            self._stopping = False
            self._task = asyncio.create_task(self._dispatch(), name="timers-dispatcher")

    async def stop(self, grace: float = STOP_GRACE) -> None:
        """Stop claiming, give running jobs `grace` seconds to finish, then interrupt the rest and release their
        leases, so another process takes them at once instead of waiting for the lease to run out."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + grace
        task, self._task = self._task, None
        self._stopping = True
        holding = False
        try:
            try:  # let a claim in flight finish starting its jobs
                if self._claiming.locked():
                    await asyncio.wait_for(self._claiming.acquire(), max(0.0, deadline - loop.time()))
                else:  # taken at once, even when no time is left (`wait_for` with 0 s would give up)
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
            interrupted |= await self._slots.finish(list(self._notices.tasks), max(0.0, deadline - loop.time()))
            self.released += await self._outcomes.release(interrupted, RELEASE_TIMEOUT)
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
                self._outcomes.flush()  # outcomes a database error kept back
                if not self._slots.has_room():
                    self._slots.saturated = True  # a finishing job wakes the dispatcher
                else:
                    self._slots.saturated = False
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
                        self._notices.report_skipped()
                backoff = 1.0
            except Exception as exc:  # the dispatcher must outlive any surprise: every job of the process needs it
                if isinstance(exc, DATABASE_ERRORS):
                    log.warning("Timers: database unavailable (%s); retrying in %.0fs", exc, backoff)
                else:
                    log.exception("Timers: unexpected error in the dispatcher; retrying in %.0fs", backoff)
                next_due = self.clock.now() + timedelta(seconds=backoff)
                backoff = min(backoff * 2, 60.0)
            if not self._wake.is_set():
                self._idle.set()
            await self.clock.wait_until(next_due, self._wake)
            self._idle.clear()
            self.wakeups += 1

    async def run_due(self) -> RunReport:
        """Claim and run every job due now, and wait until they (and any job this process is already running)
        have finished and been written; returns what the jobs it claimed did."""
        report = RunReport()
        while self._kinds and not self._stopping:
            await self._slots.wait_for_refill()
            if not await self._claim_and_start(self.clock.now(), report):
                break
        self._notices.report_skipped()
        while busy := self._busy():
            await asyncio.wait(busy)
        return report

    # --- claiming and starting jobs ------------------------------------------------------------------------

    @property
    def _shard_filter(self) -> Shards:
        return self.shards or (1, [0])  # every guild is on shard 0 of 1

    @property
    def _switches(self) -> Switches:
        """The registered kinds whose jobs wait while their module is off, with their switch."""
        switched = [(name, kind.switch) for name, kind in self._kinds.items() if kind.switch is not None]
        return ([name for name, _ in switched], [s.scope for _, s in switched],  # type: ignore[union-attr]
                [s.key for _, s in switched], [bool(s.default) for _, s in switched])  # type: ignore[union-attr]

    async def _next_due(self) -> datetime | None:
        return await earliest_due(self.pool, list(self._kinds), self._shard_filter, self._switches)

    async def _claim_and_start(self, now: datetime, report: RunReport) -> int:
        """Claim due jobs (as many as there are free slots) and start them; returns how many were claimed."""
        async with self._claiming:
            free = min(BATCH, self._slots.free())
            if free <= 0 or self._stopping or not self._kinds:
                return 0
            token = self._claim_token = uuid.uuid4()
            try:
                leases = {name: kind.lease for name, kind in self._kinds.items()}
                jobs = await claim_due(self.pool, now, token, leases, free, self._shard_filter, self._switches)
                self._backlog = len(jobs) == free
                await self._start(jobs, token, report)
            finally:
                self._claim_token = None
            return len(jobs)

    async def _start(self, jobs: list[Job], token: uuid.UUID, report: RunReport) -> None:
        graces: dict[int, timedelta | Exception] = {}
        for job in jobs:
            kind = self._kinds.get(job.kind)
            if kind is None:  # unregistered since the claim: let the lease lapse, another pass takes it
                continue
            if job.guild_id not in graces:
                try:
                    graces[job.guild_id] = await self._grace(job.guild_id)
                except Exception as exc:  # the guild's settings are unreadable: fail its jobs, not the dispatcher
                    graces[job.guild_id] = exc
            grace = graces[job.guild_id]
            stale: bool | Exception = grace if isinstance(grace, Exception) else job.late_by > grace
            if stale is True:
                line = kind.line(job)
                report.skipped.setdefault(job.guild_id, []).append(line)
                self._notices.skipped(job.guild_id, line)
            self._slots.start(self._run(job, token, kind, stale, report), job.kind, token)

    async def _run(self, job: Job, token: uuid.UUID, kind: Kind, stale: bool | Exception,
                   report: RunReport) -> None:
        """One attempt of one job, in its own task; its outcome joins the next batched write."""
        try:
            outcome = await attempt(job, kind, stale, self.clock, report)
            self._outcomes.add(job.id, token, outcome)
            if outcome.notice is not None:
                self._notices.failure(job.guild_id, outcome.notice)
        finally:
            self._slots.finished()
            self._outcomes.flush()
            if self._slots.saturated and self._slots.has_room():
                self.rearm()
