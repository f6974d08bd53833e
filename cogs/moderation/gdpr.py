"""GDPR for moderation.

A member's cases are personal data: they are exported whole (so `/export_my_data` shows a member their own cases),
and so are the notes moderators wrote about them (a member may see what is held about them). On erasure the case
is kept (the server's moderation record and its numbering stay), but the evidence (message content and
attachments) is dropped and the target anonymised; notes about the member are deleted. A moderator's export lists
the cases, reason edits and notes they wrote by id and role only (they are other members' records); erasing a
moderator forgets them as moderator, deleter, editor and note author. A channel lock remembers who locked it
(exported to them by id); on erasure the lock is kept (the server needs it to unlock) and forgets who made it.
A member's appeals (their own words) are exported whole and deleted on erasure; a moderator who decided appeals
sees them by id and is forgotten as their decider.
"""

from __future__ import annotations

from typing import Any

from cogs.moderation import repo
from core.db import Executor
from core.gdpr import ErasureReport, delete_rows, forget_user, rows_of, staff_rows

TABLES = {
    "moderation_cases": ("target_id", "moderator_id", "deleted_by"),
    "moderation_case_edits": ("edited_by",),
    "moderation_notes": ("target_id", "author_id"),
    "moderation_channel_locks": ("locked_by",),
    "moderation_appeals": ("user_id", "decided_by"),
}
STAFF_COLUMNS = ("moderator_id", "deleted_by")


async def export(conn: Executor, user_id: int) -> dict[str, list[dict[str, Any]]]:
    """The member's own cases and the notes about them in full; the cases, edits and notes they wrote, by id."""
    cases = await rows_of(conn, "moderation_cases", "target_id", user_id)
    return {"moderation_cases": cases
            + await staff_rows(conn, "moderation_cases", STAFF_COLUMNS, user_id, subject="target_id"),
            "moderation_case_edits": await staff_rows(conn, "moderation_case_edits", ("edited_by",), user_id),
            "moderation_notes": await rows_of(conn, "moderation_notes", "target_id", user_id)
            + await staff_rows(conn, "moderation_notes", ("author_id",), user_id, subject="target_id"),
            "moderation_channel_locks": await rows_of(conn, "moderation_channel_locks", "locked_by", user_id),
            "moderation_appeals": await rows_of(conn, "moderation_appeals", "user_id", user_id)
            + await staff_rows(conn, "moderation_appeals", ("decided_by",), user_id, subject="user_id")}


async def erase(conn: Executor, user_id: int) -> ErasureReport:
    """Keep the member's cases without evidence or target; delete notes about them; forget them as staff."""
    report = ErasureReport()
    report.anonymised["moderation_cases"] = await repo.forget_target(conn, user_id)
    report.deleted["moderation_notes"] = await delete_rows(conn, "moderation_notes", "target_id", user_id)
    for column in STAFF_COLUMNS:
        report.anonymised["moderation_cases"] += await forget_user(conn, "moderation_cases", column, user_id)
    report.anonymised["moderation_case_edits"] = await forget_user(conn, "moderation_case_edits", "edited_by",
                                                                   user_id)
    report.anonymised["moderation_notes"] = await forget_user(conn, "moderation_notes", "author_id", user_id)
    report.anonymised["moderation_channel_locks"] = await forget_user(conn, "moderation_channel_locks", "locked_by",
                                                                      user_id)
    report.deleted["moderation_appeals"] = await delete_rows(conn, "moderation_appeals", "user_id", user_id)
    report.anonymised["moderation_appeals"] = await forget_user(conn, "moderation_appeals", "decided_by", user_id)
    return report
