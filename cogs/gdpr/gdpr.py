"""GDPR for the data agreement itself: the member's acceptances are exported and deleted (they accept again
before features that require it); so is the record of their data requests (an erasure then records itself, see
cogs/gdpr/requests.py)."""

from __future__ import annotations

from typing import Any

from core.db import Executor
from core.gdpr import ErasureReport, delete_rows, rows_of

TABLES = {"gdpr_acceptance": ("user_id",), "gdpr_requests": ("user_id",)}


async def export(conn: Executor, user_id: int) -> dict[str, list[dict[str, Any]]]:
    """The member's acceptance of each server's agreement, and their data requests."""
    return {table: await rows_of(conn, table, "user_id", user_id) for table in TABLES}


async def erase(conn: Executor, user_id: int) -> ErasureReport:
    """Delete them."""
    return ErasureReport(deleted={table: await delete_rows(conn, table, "user_id", user_id) for table in TABLES})
