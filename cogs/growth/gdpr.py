"""GDPR for growth check-ins: the member's check-ins (goals, obstacles, feelings and the AI's replies)."""

from __future__ import annotations

from typing import Any

from core.db import Executor
from core.gdpr import ErasureReport, delete_rows, rows_of

TABLES = {"growth_checkins": ("user_id",)}


async def export(conn: Executor, user_id: int) -> dict[str, list[dict[str, Any]]]:
    """Every check-in of the member."""
    return {"growth_checkins": await rows_of(conn, "growth_checkins", "user_id", user_id)}


async def erase(conn: Executor, user_id: int) -> ErasureReport:
    """Delete them."""
    return ErasureReport(deleted={"growth_checkins": await delete_rows(conn, "growth_checkins", "user_id", user_id)})
