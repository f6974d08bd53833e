"""GDPR for announcements: a scheduled announcement and a posted embed are the server's (still posted, still
editable); only the member as their author is forgotten, and an announcement without an author pings nobody."""

from __future__ import annotations

from typing import Any

from cogs.announcements import repo
from core.db import Executor
from core.gdpr import ErasureReport, rows_of

TABLES = {"scheduled_announcements": ("author_id",), "posted_embeds": ("created_by",)}


async def export(conn: Executor, user_id: int) -> dict[str, list[dict[str, Any]]]:
    """The announcements the member scheduled that are still waiting to be posted, and the embeds they posted."""
    return {"scheduled_announcements": await rows_of(conn, "scheduled_announcements", "author_id", user_id),
            "posted_embeds": await rows_of(conn, "posted_embeds", "created_by", user_id)}


async def erase(conn: Executor, user_id: int) -> ErasureReport:
    """Forget the member as author (the posts stay: they are the server's)."""
    return ErasureReport(anonymised={"scheduled_announcements": await repo.forget_author(conn, user_id),
                                     "posted_embeds": await repo.forget_embed_author(conn, user_id)})
