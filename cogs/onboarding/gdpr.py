"""GDPR for onboarding: the member's answers in every server."""

from __future__ import annotations

from typing import Any

from cogs.onboarding import repo
from utils.gdpr import ErasureReport, jsonable, rows_affected

TABLES = {"onboarding": ("user_id",)}


async def export(conn: Any, user_id: int) -> dict[str, list[dict[str, Any]]]:
    """The member's onboarding answers in every guild."""
    return {"onboarding": [jsonable(row) for row in await repo.user_rows(conn, user_id)]}


async def erase(conn: Any, user_id: int) -> ErasureReport:
    """Delete them in every guild."""
    return ErasureReport(deleted={"onboarding": rows_affected(await repo.erase_user(conn, user_id))})
