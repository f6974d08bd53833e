"""GDPR for the FAQ: searches are the member's and are deleted; FAQ entries belong to the server and forget who
wrote them. (The proposals drawn from tickets are the tickets cog's: cogs/tickets/gdpr.py.)"""

from __future__ import annotations

from typing import Any

from core.db import Executor
from core.gdpr import ErasureReport, delete_rows, forget_user, rows_of

TABLES = {
    "faq_entries": ("created_by", "updated_by"),
    "faq_search_logs": ("user_id",),
}


async def export(conn: Executor, user_id: int) -> dict[str, list[dict[str, Any]]]:
    """Entries the member wrote or edited, their searches."""
    entries = await rows_of(conn, "faq_entries", "created_by", user_id)
    entries += [row for row in await rows_of(conn, "faq_entries", "updated_by", user_id) if row not in entries]
    return {"faq_entries": entries,
            "faq_search_logs": await rows_of(conn, "faq_search_logs", "user_id", user_id)}


async def erase(conn: Executor, user_id: int) -> ErasureReport:
    """Delete the searches; forget the member as author."""
    return ErasureReport(
        deleted={"faq_search_logs": await delete_rows(conn, "faq_search_logs", "user_id", user_id)},
        anonymised={"faq_entries": await forget_user(conn, "faq_entries", "created_by", user_id)
                    + await forget_user(conn, "faq_entries", "updated_by", user_id)})
