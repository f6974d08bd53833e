"""GDPR for custom commands: the commands are the server's; only their creator and response author are forgotten
(a response whose author is forgotten pings only what anyone may: users and mentionable roles)."""

from __future__ import annotations

from typing import Any

from cogs.custom_commands import repo
from core.db import Executor
from core.gdpr import ErasureReport, rows_of

TABLES = {"custom_commands": ("created_by", "response_set_by")}


async def export(conn: Executor, user_id: int) -> dict[str, list[dict[str, Any]]]:
    """The commands the member created or whose response they last set."""
    rows = {row["id"]: row for column in TABLES["custom_commands"]
            for row in await rows_of(conn, "custom_commands", column, user_id)}
    return {"custom_commands": [rows[key] for key in sorted(rows)]}


async def erase(conn: Executor, user_id: int) -> ErasureReport:
    """Forget the member as creator and as response author."""
    return ErasureReport(anonymised={"custom_commands": await repo.forget_person(conn, user_id)})
