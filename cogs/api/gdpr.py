"""GDPR for API keys: the keys belong to the server; an admin who created or revoked one is forgotten, the key stays
(the export never holds a key or its hash)."""

from __future__ import annotations

from typing import Any

from cogs.api import repo
from core.db import Executor
from core.gdpr import ErasureReport, jsonable

TABLES = {"api_keys": ("created_by", "revoked_by")}


async def export(conn: Executor, user_id: int) -> dict[str, list[dict[str, Any]]]:
    """Keys the member created or revoked (prefix, guild, scope, times; never the key or its hash)."""
    return {"api_keys": [jsonable(row) for row in await repo.of_user(conn, user_id)]}


async def erase(conn: Executor, user_id: int) -> ErasureReport:
    """Keep the keys without the member as creator or revoker."""
    return ErasureReport(anonymised={"api_keys": await repo.forget_user(conn, user_id)})
