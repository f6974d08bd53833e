"""The events' timer jobs (core/timers), planned here and scheduled inside the caller's transaction.

- `event_reminder`, key `<event>:<occurrence unix>:<user>:<minutes>`: one DM to one attendee `minutes` before
  the occurrence. The attendee row records what was sent (`reminded_minutes`), so a retry never sends twice;
  a reminder that can no longer be sent on time is dropped (`give_up`).
- `event_phase`, keys `<event>:start` (sign-ups close: the message shows it) and `<event>:end` (a recurring event
  moves to its next occurrence, a one-off event ends). These must happen (the timers' default policy).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from cogs.events.model import REMINDED, SCHEDULED, Attendee, Event
from core.db import Executor
from core.timers import TimerService

REMINDER_KIND = "event_reminder"
PHASE_KIND = "event_phase"


def reminder_key(event_id: int, occurrence_at: datetime, user_id: int, minutes: int | None = None) -> str:
    """The job key of one reminder (without `minutes`: the prefix of all of a member's reminders)."""
    base = f"{event_id}:{int(occurrence_at.timestamp())}:{user_id}:"
    return base if minutes is None else f"{base}{minutes}"


async def plan_reminders(timers: TimerService, conn: Executor, event: Event, person: Attendee,
                         now: datetime) -> int:
    """Replace the member's reminder jobs for the live occurrence by those their status and times call for;
    returns how many are scheduled."""
    await timers.cancel(REMINDER_KIND, reminder_key(event.id, event.occurrence_at, person.user_id), prefix=True,
                        conn=conn)
    if event.status != SCHEDULED or person.status not in REMINDED:
        return 0
    planned = 0
    for minutes in sorted(set(person.reminder_minutes)):
        due = event.occurrence_at - timedelta(minutes=minutes)
        if due <= now or minutes in person.reminded_minutes:
            continue
        await timers.schedule(event.guild_id, REMINDER_KIND,
                              reminder_key(event.id, event.occurrence_at, person.user_id, minutes), due,
                              {"event_id": event.id, "occurrence": int(event.occurrence_at.timestamp()),
                               "user_id": person.user_id, "minutes": minutes}, conn=conn)
        planned += 1
    return planned


async def plan_phases(timers: TimerService, conn: Executor, event: Event) -> None:
    """The start and end jobs of the live occurrence (none for a cancelled or ended event)."""
    await timers.cancel(PHASE_KIND, f"{event.id}:", prefix=True, conn=conn)
    if event.status != SCHEDULED:
        return
    payload = {"event_id": event.id, "occurrence": int(event.occurrence_at.timestamp())}
    await timers.schedule(event.guild_id, PHASE_KIND, f"{event.id}:start", event.occurrence_at,
                          {**payload, "phase": "start"}, conn=conn)
    await timers.schedule(event.guild_id, PHASE_KIND, f"{event.id}:end", event.ends_at,
                          {**payload, "phase": "end"}, conn=conn)


async def cancel_all(timers: TimerService, conn: Executor, event_id: int) -> None:
    """Every job of the event: its phases and every attendee's reminders."""
    await timers.cancel(PHASE_KIND, f"{event_id}:", prefix=True, conn=conn)
    await timers.cancel(REMINDER_KIND, f"{event_id}:", prefix=True, conn=conn)
