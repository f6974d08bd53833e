"""GDPR for dashboard sessions: the export lists a user's live web sessions (never their ids); erasure ends them."""

from __future__ import annotations

from typing import Any

from cogs.dashboard import repo
from core.db import Executor
from core.gdpr import ErasureReport, jsonable

TABLES = {"dashboard_sessions": ("user_id",)}


async def export(conn: Executor, user_id: int) -> dict[str, list[dict[str, Any]]]:
    """The user's web sessions: name shown, created, expires."""
    return {"dashboard_sessions": [jsonable(row) for row in await repo.of_user(conn, user_id)]}


async def erase(conn: Executor, user_id: int) -> ErasureReport:
    """Log the user out everywhere: their sessions are deleted."""
    return ErasureReport(deleted={"dashboard_sessions": await repo.forget_user(conn, user_id)})
