"""GDPR for reminders: the reminders a member created are the server's (they keep being posted); only their
creator is forgotten."""

from __future__ import annotations

from typing import Any

from utils.gdpr import ErasureReport, forget_user, rows_of

TABLES = {"reminders": ("created_by",)}


async def export(conn: Any, user_id: int) -> dict[str, list[dict[str, Any]]]:
    """The reminders the member created."""
    return {"reminders": await rows_of(conn, "reminders", "created_by", user_id)}


async def erase(conn: Any, user_id: int) -> ErasureReport:
    """Forget the member as their creator."""
    return ErasureReport(anonymised={"reminders": await forget_user(conn, "reminders", "created_by", user_id)})
