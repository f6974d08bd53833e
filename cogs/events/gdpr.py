"""GDPR for events: events are the server's and stay, their organiser is forgotten; a member's answers (and the
reminder jobs they had) are deleted."""

from __future__ import annotations

from typing import Any

from cogs.events import repo
from cogs.events.jobs import REMINDER_KIND, reminder_key
from core.db import Executor
from core.gdpr import ErasureReport, forget_user, rows_of

TABLES = {"guild_events": ("created_by",), "event_attendees": ("user_id",), "event_feeds": ("created_by",)}


async def export(conn: Executor, user_id: int) -> dict[str, list[dict[str, Any]]]:
    """The events the member organised and every answer they gave."""
    return {"guild_events": await rows_of(conn, "guild_events", "created_by", user_id),
            "event_attendees": await rows_of(conn, "event_attendees", "user_id", user_id),
            "event_feeds": [{k: v for k, v in row.items() if k != "token_hash"}
                            for row in await rows_of(conn, "event_feeds", "created_by", user_id)]}


async def erase(conn: Executor, user_id: int) -> ErasureReport:
    """Forget the member as organiser; delete their answers and their pending reminders."""
    forgotten = await repo.forget_creator(conn, user_id)
    deleted = await repo.delete_attendance(conn, user_id)
    jobs = [(REMINDER_KIND, reminder_key(row["event_id"], row["occurrence_at"], user_id, minutes))
            for row in deleted for minutes in row["reminder_minutes"]]
    feeds = await forget_user(conn, "event_feeds", "created_by", user_id)
    return ErasureReport(deleted={"event_attendees": len(deleted)},
                         anonymised={"guild_events": forgotten, "event_feeds": feeds}, jobs=jobs)
