"""Which timer jobs a reminder needs, and (re)scheduling them together with the reminder's row.

Jobs are of kind `reminder` with keys `<id>:repeat` (recurring), `<id>:pre` (the early reminder of a one-off
event, T−offset) and `<id>:start` (the on-time post at T0).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from cogs.reminders.repo import Reminder
from cogs.reminders.schedule import next_occurrence
from core.db import Executor
from core.timers import TimerService

JOB_KIND = "reminder"
PERSONAL_KIND = "personal_reminder"  # keys `<id>:due` (the reminder's occurrence) and `<id>:snooze`


@dataclass(frozen=True)
class PlannedJob:
    """One job to schedule."""

    key: str
    phase: str  # repeat, pre or start
    due_at: datetime


def plan(reminder: Reminder, tz: ZoneInfo, now: datetime, pre_minutes: int) -> list[PlannedJob]:
    """The jobs of a reminder from `now` on: the next weekly occurrence, or T−offset (if still ahead) and T0."""
    if reminder.recurring:
        at = reminder.call_time or time(0)
        return [PlannedJob(f"{reminder.id}:repeat", "repeat", next_occurrence(reminder.weekdays, at, tz, now))]
    assert reminder.event_time is not None
    jobs = []
    early = reminder.event_time - timedelta(minutes=pre_minutes)
    if pre_minutes > 0 and early > now:
        jobs.append(PlannedJob(f"{reminder.id}:pre", "pre", early))
    if reminder.event_time > now:
        jobs.append(PlannedJob(f"{reminder.id}:start", "start", reminder.event_time))
    return jobs


async def reschedule(timers: TimerService, conn: Executor, reminder: Reminder, jobs: list[PlannedJob]) -> None:
    """Replace the reminder's jobs by `jobs`, inside the caller's transaction."""
    await timers.cancel(JOB_KIND, f"{reminder.id}:", prefix=True, conn=conn)
    for job in jobs:
        await timers.schedule(reminder.guild_id, JOB_KIND, job.key, job.due_at,
                              {"reminder_id": reminder.id, "phase": job.phase}, conn=conn)


def next_due(jobs: list[PlannedJob]) -> datetime | None:
    """The first moment something will be posted."""
    return min((job.due_at for job in jobs), default=None)
