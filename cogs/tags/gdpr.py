"""GDPR for tags: the tags are the server's and stay; their owner, creator and last author are forgotten (an
ownerless tag may be claimed with /tag claim; a text whose author is forgotten pings only what anyone may: users
and mentionable roles), and so is whoever made an alias. Staff delete a tag whose text itself must go."""

from __future__ import annotations

from typing import Any

from cogs.tags import repo
from core.db import Executor
from core.gdpr import ErasureReport, rows_of

TABLES = {"tags": ("owned_by", "created_by", "content_set_by"), "tag_names": ("created_by",)}


async def export(conn: Executor, user_id: int) -> dict[str, list[dict[str, Any]]]:
    """The tags the member owns, created or last wrote, and the names (aliases) they made."""
    tags = {row["id"]: row for column in TABLES["tags"] for row in await rows_of(conn, "tags", column, user_id)}
    for row in tags.values():
        row.pop("search_vector", None)  # derived from the text, not data of its own
    return {"tags": [tags[key] for key in sorted(tags)],
            "tag_names": await rows_of(conn, "tag_names", "created_by", user_id)}


async def erase(conn: Executor, user_id: int) -> ErasureReport:
    """Forget the member as owner, creator, author and alias maker."""
    return ErasureReport(anonymised=await repo.forget_person(conn, user_id))
