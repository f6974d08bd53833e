"""GDPR for invite tracking.

A member's joins (when, through which invite and whose, when they left) and the adjustments of their count are
exported whole; the joins through their invites are exported without who joined (another member's data). On
erasure a member's joins are kept anonymised (their inviter's figures stay right), they are forgotten as inviter
(the joins stay, through an invite of no one known: they count for nobody), the adjustments of their count are
deleted, and they are forgotten as the admin who made an adjustment.
"""

from __future__ import annotations

from typing import Any

from cogs.invites import repo
from core.db import Executor
from core.gdpr import ErasureReport, delete_rows, forget_user, rows_of

TABLES = {
    "invite_joins": ("user_id", "inviter_id"),
    "invite_adjustments": ("user_id", "set_by"),
}


async def export(conn: Executor, user_id: int) -> dict[str, list[dict[str, Any]]]:
    """The member's joins and adjustments; the joins through their invites (without the joiner); adjustments they
    made, by id."""
    made = [{"id": row["id"], "role": "set_by"} for row in await rows_of(conn, "invite_adjustments", "set_by", user_id)
            if row["user_id"] != user_id]
    return {"invite_joins": await rows_of(conn, "invite_joins", "user_id", user_id)
            + [{**row, "role": "inviter"} for row in await repo.invited_by(conn, user_id)],
            "invite_adjustments": await rows_of(conn, "invite_adjustments", "user_id", user_id) + made}


async def erase(conn: Executor, user_id: int) -> ErasureReport:
    """Anonymise the member's joins and forget them as inviter; delete their adjustments; forget them as admin."""
    report = ErasureReport()
    report.anonymised["invite_joins"] = await repo.forget_member(conn, user_id) + await repo.forget_inviter(conn,
                                                                                                            user_id)
    report.deleted["invite_adjustments"] = await delete_rows(conn, "invite_adjustments", "user_id", user_id)
    report.anonymised["invite_adjustments"] = await forget_user(conn, "invite_adjustments", "set_by", user_id)
    return report
