"""GDPR for reminders: the reminders a member created or last edited are the server's (they keep being posted);
only the member as creator and last editor is forgotten (a reminder whose last editor is forgotten pings only what
anyone may: users and mentionable roles)."""

from __future__ import annotations

from typing import Any

from cogs.reminders import repo
from core.db import Executor
from core.gdpr import ErasureReport, rows_of

TABLES = {"reminders": ("created_by", "message_set_by")}


async def export(conn: Executor, user_id: int) -> dict[str, list[dict[str, Any]]]:
    """The reminders the member created or whose message, channel or schedule they set last."""
    rows = {row["id"]: row for column in TABLES["reminders"]
            for row in await rows_of(conn, "reminders", column, user_id)}
    return {"reminders": [rows[key] for key in sorted(rows)]}


async def erase(conn: Executor, user_id: int) -> ErasureReport:
    """Forget the member as creator and last editor."""
    return ErasureReport(anonymised={"reminders": await repo.forget_person(conn, user_id)})
