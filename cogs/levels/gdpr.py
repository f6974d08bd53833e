"""GDPR for levels: a member's XP rows are exported and deleted; the level roles they set stay (they are the
server's configuration) without them as the setter, so role safety refuses those roles until someone sets them
again. What the cog still buffers in memory is written before and dropped after (see the cog)."""

from __future__ import annotations

from typing import Any

from core.db import Executor
from core.gdpr import ErasureReport, delete_rows, forget_user, rows_of

TABLES = {"levels_members": ("user_id",), "levels_roles": ("set_by",)}


async def export(conn: Executor, user_id: int) -> dict[str, list[dict[str, Any]]]:
    """The member's XP on every server, and the level roles they set."""
    return {"levels_members": await rows_of(conn, "levels_members", "user_id", user_id),
            "levels_roles": await rows_of(conn, "levels_roles", "set_by", user_id)}


async def erase(conn: Executor, user_id: int) -> ErasureReport:
    """Delete the member's XP; keep the level roles they set without them."""
    return ErasureReport(deleted={"levels_members": await delete_rows(conn, "levels_members", "user_id", user_id)},
                         anonymised={"levels_roles": await forget_user(conn, "levels_roles", "set_by", user_id)})
