"""GDPR for the companion app: the reflections it uploaded for the member."""

from __future__ import annotations

from typing import Any

from core.db import Executor
from core.gdpr import ErasureReport, delete_rows, rows_of

TABLES = {"app_reflections": ("user_id",)}


async def export(conn: Executor, user_id: int) -> dict[str, list[dict[str, Any]]]:
    """Every reflection of the member."""
    return {"app_reflections": await rows_of(conn, "app_reflections", "user_id", user_id)}


async def erase(conn: Executor, user_id: int) -> ErasureReport:
    """Delete them."""
    return ErasureReport(deleted={"app_reflections": await delete_rows(conn, "app_reflections", "user_id", user_id)})
