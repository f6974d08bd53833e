"""What becomes of a job after a failed attempt.

A failed attempt is retried after 1, 2, 4 and 8 minutes. After the last attempt (`MAX_ATTEMPTS`) the kind's policy,
declared at registration, decides: a recurring kind moves to its next occurrence (`next_occurrence`), a kind whose
jobs must happen keeps retrying with a back-off capped at `MAX_BACKOFF` (the default), and a kind whose loss is
acceptable (`give_up`) is deleted. The guild's log channel is told once.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from core.timers.deadline import bounded
from core.timers.jobs import Job, Kind, Outcome
from core.timers.notices import failure_notice, how_often
from utils.clock import Clock

log = logging.getLogger(__package__)  # the service's one logger, "core.timers"

MAX_ATTEMPTS = 5  # after this many failed attempts the kind's policy decides
MAX_BACKOFF = timedelta(hours=1)  # the longest wait between two attempts of a job that must happen
NEXT_OCCURRENCE_TIMEOUT = timedelta(seconds=30)  # computing a next occurrence is a settings read, not work


def retry_delay(attempts: int) -> timedelta:
    """The wait after failed attempt number `attempts`: 1, 2, 4, 8 … minutes, at most `MAX_BACKOFF`."""
    return min(timedelta(minutes=2 ** min(max(attempts - 1, 0), 12)), MAX_BACKOFF)


async def after_failure(job: Job, kind: Kind, error: Exception, clock: Clock) -> Outcome:
    """Retry with back-off; after the last attempt apply the kind's policy, with a notice for the guild once."""
    now = clock.now()
    retry_at = now + retry_delay(job.attempts)
    if job.attempts < MAX_ATTEMPTS:
        return Outcome(retry_at, reset=False)
    what = kind.line(job)
    if kind.give_up:  # declared at registration: losing this job is acceptable
        log.error("Timers: giving up on %s/%s after %d attempts", job.kind, job.key, job.attempts)
        return Outcome(None, notice=failure_notice(what, job.attempts, error, "It was dropped."))
    if kind.next_occurrence is not None:
        try:
            next_at = await bounded(clock, kind.next_occurrence(job), min(kind.timeout, NEXT_OCCURRENCE_TIMEOUT))
        except Exception:  # it cannot be moved on now: keep retrying it instead of losing it
            log.exception("Timers: the next occurrence of %s/%s is unknown; retrying it", job.kind, job.key)
        else:
            if next_at is None:
                log.error("Timers: %s/%s failed %d times and has no next occurrence; dropped", job.kind, job.key,
                          job.attempts)
                return Outcome(None, notice=failure_notice(
                    what, job.attempts, error, "It has no next occurrence, so nothing more is planned."))
            next_at = max(next_at, now + retry_delay(1))  # never straight back into a failing loop
            log.error("Timers: %s/%s failed %d times; moved to its next occurrence %s", job.kind, job.key,
                      job.attempts, next_at)
            return Outcome(next_at, notice=failure_notice(
                what, job.attempts, error,
                f"This time is skipped; it runs again at its next occurrence, <t:{int(next_at.timestamp())}:f>."))
    # It must happen: keep retrying, at most MAX_BACKOFF apart; the guild hears of it on the last attempt only.
    notice = None
    if job.attempts == MAX_ATTEMPTS:
        log.error("Timers: %s/%s failed %d times; it must happen, so it is retried until it works", job.kind,
                  job.key, job.attempts)
        notice = failure_notice(
            what, job.attempts, error,
            f"It must still happen, so I keep trying (at least {how_often(MAX_BACKOFF)}) until it works; "
            "you won't be told again.")
    return Outcome(retry_at, reset=False, notice=notice)
