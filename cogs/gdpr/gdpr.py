"""GDPR for the data agreement itself: the member's acceptances are exported and deleted (they accept again
before features that require it)."""

from __future__ import annotations

from typing import Any

from core.db import Executor
from core.gdpr import ErasureReport, delete_rows, rows_of

TABLES = {"gdpr_acceptance": ("user_id",)}


async def export(conn: Executor, user_id: int) -> dict[str, list[dict[str, Any]]]:
    """The member's acceptance of each server's agreement."""
    return {"gdpr_acceptance": await rows_of(conn, "gdpr_acceptance", "user_id", user_id)}


async def erase(conn: Executor, user_id: int) -> ErasureReport:
    """Delete them."""
    return ErasureReport(deleted={"gdpr_acceptance": await delete_rows(conn, "gdpr_acceptance", "user_id", user_id)})
