"""GDPR for automod: a member's violations, points and appeals are exported and deleted; the rules and actions
an admin created stay (they are the server's) without the creator, and a moderator's decisions stay without
the moderator."""

from __future__ import annotations

from typing import Any

from utils.gdpr import ErasureReport, delete_rows, forget_user, rows_of

TABLES = ("automod_actions", "automod_rules", "automod_logs", "automod_user_history")
_LOG_COLUMNS = ("user_id", "moderator_id", "appeal_decided_by")


async def export_user_data(pool: Any, user_id: int) -> dict[str, list[dict[str, Any]]]:
    """Every automod row that names the user."""
    logs: dict[int, dict[str, Any]] = {}
    for column in _LOG_COLUMNS:
        for row in await rows_of(pool, "automod_logs", column, user_id):
            logs[row["id"]] = row
    actions = {row["id"]: row for column in ("created_by", "role_set_by")
               for row in await rows_of(pool, "automod_actions", column, user_id)}
    return {"automod_actions": [actions[key] for key in sorted(actions)],
            "automod_rules": await rows_of(pool, "automod_rules", "created_by", user_id),
            "automod_logs": [logs[key] for key in sorted(logs)],
            "automod_user_history": await rows_of(pool, "automod_user_history", "user_id", user_id)}


async def erase_user_data(pool: Any, user_id: int) -> ErasureReport:
    """Delete the member's logs and points; anonymise what they created or decided."""
    report = ErasureReport()
    async with pool.acquire() as conn, conn.transaction():
        report.deleted["automod_logs"] = await delete_rows(conn, "automod_logs", "user_id", user_id)
        report.deleted["automod_user_history"] = await delete_rows(conn, "automod_user_history", "user_id", user_id)
        anonymised = 0
        for column in ("moderator_id", "appeal_decided_by"):
            anonymised += await forget_user(conn, "automod_logs", column, user_id)
        report.anonymised["automod_logs"] = anonymised
        for table in ("automod_actions", "automod_rules"):
            report.anonymised[table] = await forget_user(conn, table, "created_by", user_id)
        # Without who chose an action's role, role safety no longer gives it (until someone sets it again).
        report.anonymised["automod_actions"] += await forget_user(conn, "automod_actions", "role_set_by", user_id)
    return report
