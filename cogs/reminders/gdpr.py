"""GDPR for reminders: the server reminders a member created or last edited are the server's (they keep being
posted); only the member as creator and last editor is forgotten (a reminder whose last editor is forgotten pings
only what anyone may: users and mentionable roles). A member's personal reminders and their own time zone are
theirs alone: exported, and deleted on erasure (with their timer jobs)."""

from __future__ import annotations

from typing import Any

from cogs.reminders import personal_repo, repo
from cogs.reminders.planner import PERSONAL_KIND
from core.db import Executor
from core.gdpr import ErasureReport, rows_of

TABLES = {"reminders": ("created_by", "message_set_by"), "personal_reminders": ("user_id",),
          "user_timezones": ("user_id",)}


async def export(conn: Executor, user_id: int) -> dict[str, list[dict[str, Any]]]:
    """The server reminders the member created or set last, their personal reminders and their time zone."""
    rows = {row["id"]: row for column in TABLES["reminders"]
            for row in await rows_of(conn, "reminders", column, user_id)}
    return {"reminders": [rows[key] for key in sorted(rows)],
            "personal_reminders": await rows_of(conn, "personal_reminders", "user_id", user_id),
            "user_timezones": await rows_of(conn, "user_timezones", "user_id", user_id)}


async def erase(conn: Executor, user_id: int) -> ErasureReport:
    """Forget the member as creator and last editor; delete their personal reminders, jobs and time zone."""
    ids = await personal_repo.ids_of_user(conn, user_id)
    reminders, zones = await personal_repo.erase_user(conn, user_id)
    return ErasureReport(
        anonymised={"reminders": await repo.forget_person(conn, user_id)},
        deleted={"personal_reminders": reminders, "user_timezones": zones},
        jobs=[(PERSONAL_KIND, f"{rid}:{phase}") for rid in ids for phase in ("due", "snooze")])
