"""GDPR for verification: a member's verifications are exported and deleted, with their private channels still
there (open ones, and rejected ones waiting for their delayed close: they hold the payment screenshot) and the
jobs that would close them. A reviewer's decisions stay without the reviewer; their export lists them by id and
role only (the verification is another member's)."""

from __future__ import annotations

from typing import Any

from cogs.verification import repo
from cogs.verification.desk import CLEANUP
from core.db import Executor
from core.gdpr import ErasureReport, jsonable, rows_affected, staff_rows

TABLES = {"verification_tickets": ("user_id", "resolved_by_user_id")}


async def export(conn: Executor, user_id: int) -> dict[str, list[dict[str, Any]]]:
    """The member's verifications, and the ones they decided as a reviewer (id and role)."""
    own = [jsonable(row) for row in await repo.export_member(conn, user_id)]
    reviewed = await staff_rows(conn, "verification_tickets", ("resolved_by_user_id",), user_id, subject="user_id")
    return {"verification_tickets": own + reviewed}


async def erase(conn: Executor, user_id: int) -> ErasureReport:
    """Delete the member's verifications (their channels and cleanup jobs go after); forget them as a reviewer."""
    channels = await repo.channels_of_member(conn, user_id)
    deleted, anonymised = await repo.erase_member(conn, user_id)
    return ErasureReport(deleted={"verification_tickets": rows_affected(deleted)},
                         anonymised={"verification_tickets": rows_affected(anonymised)},
                         jobs=[(CLEANUP, str(row["id"])) for row in channels],
                         channels=[(row["guild_id"], row["channel_id"]) for row in channels])
