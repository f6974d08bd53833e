"""GDPR for announcements: a scheduled announcement is the server's (it is still posted); only the member as its
author is forgotten, and without an author it pings nobody."""

from __future__ import annotations

from typing import Any

from cogs.announcements import repo
from core.db import Executor
from core.gdpr import ErasureReport, rows_of

TABLES = {"scheduled_announcements": ("author_id",)}


async def export(conn: Executor, user_id: int) -> dict[str, list[dict[str, Any]]]:
    """The announcements the member scheduled that are still waiting to be posted."""
    return {"scheduled_announcements": await rows_of(conn, "scheduled_announcements", "author_id", user_id)}


async def erase(conn: Executor, user_id: int) -> ErasureReport:
    """Forget the member as author."""
    return ErasureReport(anonymised={"scheduled_announcements": await repo.forget_author(conn, user_id)})
