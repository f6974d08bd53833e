"""GDPR for custom commands: the commands are the server's; only their creator is forgotten."""

from __future__ import annotations

from typing import Any

from utils.gdpr import ErasureReport, forget_user, rows_of

TABLES = {"custom_commands": ("created_by",)}


async def export(conn: Any, user_id: int) -> dict[str, list[dict[str, Any]]]:
    """The commands the member created."""
    return {"custom_commands": await rows_of(conn, "custom_commands", "created_by", user_id)}


async def erase(conn: Any, user_id: int) -> ErasureReport:
    """Forget the member as their creator."""
    return ErasureReport(anonymised={"custom_commands": await forget_user(conn, "custom_commands", "created_by",
                                                                          user_id)})
