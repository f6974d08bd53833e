"""One attempt of one job: its handler (or its kind's `on_skip` when the job is too late) within its kind's
timeout, and what becomes of the job afterwards."""

from __future__ import annotations

import logging

from core.timers.deadline import JobTimedOut, bounded
from core.timers.jobs import Job, Kind, Outcome, RunReport
from core.timers.policy import after_failure
from utils.clock import Clock

log = logging.getLogger(__package__)  # the service's one logger, "core.timers"


async def attempt(job: Job, kind: Kind, stale: bool | Exception, clock: Clock, report: RunReport) -> Outcome:
    """Run `job` once and count it in `report`; returns what becomes of it.

    `stale`: True when the job is later than its guild's grace (`on_skip` runs instead of `run`; without one the
    job is done), or the error that kept the grace from being read (the attempt fails with it). A handler's
    error or timeout is a failed attempt, and the failure policy decides what comes next.
    """
    try:
        if isinstance(stale, Exception):
            raise stale
        if stale:
            follow_up = await bounded(clock, kind.on_skip(job), kind.timeout) if kind.on_skip else None
        else:
            follow_up = await bounded(clock, kind.run(job), kind.timeout)
    except Exception as exc:
        report.failed += 1
        if isinstance(exc, JobTimedOut):
            log.error("Timers: job %s/%s (attempt %d) %s; cancelled", job.kind, job.key, job.attempts, exc)
        else:
            log.exception("Timers: job %s/%s (attempt %d) failed", job.kind, job.key, job.attempts)
        return await after_failure(job, kind, exc, clock)
    if not stale:
        report.ran += 1
    return Outcome(follow_up)
