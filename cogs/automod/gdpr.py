"""GDPR for automod: a member's violations, points and appeals are exported and deleted; the rules and actions
an admin created stay (they are the server's) without the creator, and a moderator's decisions stay without
the moderator. A moderator's export lists the logs they acted on by id and role only (they are another
member's records)."""

from __future__ import annotations

from typing import Any

from core.db import Executor
from core.gdpr import ErasureReport, delete_rows, forget_user, rows_of, staff_rows

TABLES = {
    "automod_actions": ("created_by", "role_set_by"),
    "automod_rules": ("created_by",),
    "automod_logs": ("user_id", "moderator_id", "appeal_decided_by"),
    "automod_user_history": ("user_id",),
}
STAFF_COLUMNS = ("moderator_id", "appeal_decided_by")


async def export(conn: Executor, user_id: int) -> dict[str, list[dict[str, Any]]]:
    """The member's own logs and points in full, the rules and actions they created (or whose role they chose),
    the logs they moderated."""
    actions = {row["id"]: row for column in TABLES["automod_actions"]
               for row in await rows_of(conn, "automod_actions", column, user_id)}
    return {"automod_actions": [actions[key] for key in sorted(actions)],
            "automod_rules": await rows_of(conn, "automod_rules", "created_by", user_id),
            "automod_logs": await rows_of(conn, "automod_logs", "user_id", user_id)
            + await staff_rows(conn, "automod_logs", STAFF_COLUMNS, user_id, subject="user_id"),
            "automod_user_history": await rows_of(conn, "automod_user_history", "user_id", user_id)}


async def erase(conn: Executor, user_id: int) -> ErasureReport:
    """Delete the member's logs and points; anonymise what they created or decided."""
    report = ErasureReport()
    report.deleted["automod_logs"] = await delete_rows(conn, "automod_logs", "user_id", user_id)
    report.deleted["automod_user_history"] = await delete_rows(conn, "automod_user_history", "user_id", user_id)
    anonymised = 0
    for column in STAFF_COLUMNS:
        anonymised += await forget_user(conn, "automod_logs", column, user_id)
    report.anonymised["automod_logs"] = anonymised
    for table in ("automod_actions", "automod_rules"):
        report.anonymised[table] = await forget_user(conn, table, "created_by", user_id)
    # Without who chose an action's role, role safety no longer gives it (until someone sets it again).
    report.anonymised["automod_actions"] += await forget_user(conn, "automod_actions", "role_set_by", user_id)
    return report
