"""GDPR for raid protection: a member caught in an incident (a joiner or a mentioner) is exported and, on erasure,
deleted from it (the incident stays: the server's record of what happened and what the brake changed; a timeout of
theirs is then no longer lifted by the undo). The staff who ended or undid an incident are exported by id and
forgotten on erasure."""

from __future__ import annotations

from typing import Any

from core.db import Executor
from core.gdpr import ErasureReport, delete_rows, forget_user, rows_of, staff_rows

TABLES = {
    "raid_members": ("user_id",),
    "raid_incidents": ("ended_by", "undone_by"),
}
STAFF_COLUMNS = ("ended_by", "undone_by")


async def export(conn: Executor, user_id: int) -> dict[str, list[dict[str, Any]]]:
    """The incidents the member was caught in (their rows), the incidents they ended or undid."""
    return {"raid_members": await rows_of(conn, "raid_members", "user_id", user_id),
            "raid_incidents": await staff_rows(conn, "raid_incidents", STAFF_COLUMNS, user_id)}


async def erase(conn: Executor, user_id: int) -> ErasureReport:
    """Delete the member's rows; forget them as the one who ended or undid an incident."""
    report = ErasureReport()
    report.deleted["raid_members"] = await delete_rows(conn, "raid_members", "user_id", user_id)
    report.anonymised["raid_incidents"] = sum([await forget_user(conn, "raid_incidents", column, user_id)
                                               for column in STAFF_COLUMNS])
    return report
