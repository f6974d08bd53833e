"""GDPR for settings: the settings an admin changed stay (they are the server's) without who changed them."""

from __future__ import annotations

from typing import Any

from core.db import Executor
from core.gdpr import ErasureReport, forget_user, rows_of

TABLES = {"bot_settings": ("updated_by",), "settings_history": ("changed_by",)}


async def export(conn: Executor, user_id: int) -> dict[str, list[dict[str, Any]]]:
    """The settings the member set last, and every change they made."""
    return {"bot_settings": await rows_of(conn, "bot_settings", "updated_by", user_id),
            "settings_history": await rows_of(conn, "settings_history", "changed_by", user_id)}


async def erase(conn: Executor, user_id: int) -> ErasureReport:
    """Forget the member as the author of settings and changes."""
    return ErasureReport(anonymised={
        "bot_settings": await forget_user(conn, "bot_settings", "updated_by", user_id),
        "settings_history": await forget_user(conn, "settings_history", "changed_by", user_id)})
