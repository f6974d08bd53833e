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

The parts, each depending only on those listed before it:
`jobs` (Job, Kind, Outcome, RunReport), `repo` (the SQL), `deadline` (a kind's timeout), `notices` (what a guild
is told, sent in the background), `policy` (after a failed attempt), `runner` (one attempt of one job),
`outcomes` (batched writes, releasing leases at shutdown), `slots` (bounded concurrency), `dispatcher` (the
claim-and-run loop, start and stop) and `service` (`TimerService`: registration, scheduling, shards).
"""

from core.timers.deadline import JobTimedOut
from core.timers.dispatcher import DEFAULT_GRACE
from core.timers.jobs import Describe, Handler, Job, RunReport
from core.timers.notices import FailureReporter, SkipReporter, failure_notice, skipped_summary
from core.timers.policy import MAX_ATTEMPTS, MAX_BACKOFF, retry_delay
from core.timers.repo import NOTIFY_CHANNEL
from core.timers.service import DEFAULT_TIMEOUT, TimerService

__all__ = [
    "DEFAULT_GRACE",
    "DEFAULT_TIMEOUT",
    "MAX_ATTEMPTS",
    "MAX_BACKOFF",
    "NOTIFY_CHANNEL",
    "Describe",
    "FailureReporter",
    "Handler",
    "Job",
    "JobTimedOut",
    "RunReport",
    "SkipReporter",
    "TimerService",
    "failure_notice",
    "retry_delay",
    "skipped_summary",
]
