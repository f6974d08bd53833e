"""GDPR for onboarding: the member's answers in every server, and the questions whose role mapping they set last
(the questions are the server's: only who mapped their roles is forgotten)."""

from __future__ import annotations

from typing import Any

from cogs.onboarding import repo
from core.db import Executor
from core.gdpr import ErasureReport, jsonable, rows_affected

TABLES = {"onboarding": ("user_id",), "guild_onboarding_questions": ("role_map_by",)}


async def export(conn: Executor, user_id: int) -> dict[str, list[dict[str, Any]]]:
    """The member's onboarding answers in every guild, and the questions whose roles they mapped."""
    return {"onboarding": [jsonable(row) for row in await repo.user_rows(conn, user_id)],
            "guild_onboarding_questions": [jsonable(row) for row in await repo.questions_mapped_by(conn, user_id)]}


async def erase(conn: Executor, user_id: int) -> ErasureReport:
    """Delete the answers in every guild; forget the member as the mapper of questions' roles (those roles are then
    no longer given until someone maps them again: role safety has no setter to check)."""
    return ErasureReport(deleted={"onboarding": rows_affected(await repo.erase_user(conn, user_id))},
                         anonymised={"guild_onboarding_questions":
                                     rows_affected(await repo.forget_role_mapper(conn, user_id))})
