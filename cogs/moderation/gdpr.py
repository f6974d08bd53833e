"""GDPR for moderation: a channel lock remembers who locked it (a moderator's act, exported to them); on erasure
the lock is kept (the server needs it to unlock the channel) and forgets who locked it."""

from __future__ import annotations

from typing import Any

from core.db import Executor
from core.gdpr import ErasureReport, forget_user, rows_of

TABLES = {
    "moderation_channel_locks": ("locked_by",),
}


async def export(conn: Executor, user_id: int) -> dict[str, list[dict[str, Any]]]:
    """The channel locks the member made that are still in force."""
    return {"moderation_channel_locks": await rows_of(conn, "moderation_channel_locks", "locked_by", user_id)}


async def erase(conn: Executor, user_id: int) -> ErasureReport:
    """Keep the locks (the saved overwrites belong to the server), forget who made them."""
    return ErasureReport(anonymised={
        "moderation_channel_locks": await forget_user(conn, "moderation_channel_locks", "locked_by", user_id)})
