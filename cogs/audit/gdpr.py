"""GDPR for the audit log: the commands a member ran are exported and deleted."""

from __future__ import annotations

from typing import Any

from core.db import Executor
from core.gdpr import ErasureReport, delete_rows, rows_of

TABLES = {"audit_logs": ("user_id",)}


async def export(conn: Executor, user_id: int) -> dict[str, list[dict[str, Any]]]:
    """Every command the member ran."""
    return {"audit_logs": await rows_of(conn, "audit_logs", "user_id", user_id)}


async def erase(conn: Executor, user_id: int) -> ErasureReport:
    """Delete them (the cog drops what is still buffered once the erasure committed)."""
    return ErasureReport(deleted={"audit_logs": await delete_rows(conn, "audit_logs", "user_id", user_id)})
