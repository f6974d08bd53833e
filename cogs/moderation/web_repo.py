"""SQL of the case log's reads for the dashboard and the REST API (`ModerationApi.cases`, `ModerationApi.case`):
a guild's live cases filtered by member, moderator, type and state, newest first, paged by case number.

A case is *active* while it has not run out (no end, or an end still to come) and no closing case (an unban, a
lifted timeout …) followed it; otherwise it is *expired*."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from cogs.moderation.cases import CLOSING_TYPES
from cogs.moderation.repo import CASE_COLUMNS
from core.db import Executor


def _active(now: str, closing: str) -> str:
    """The SQL condition "case c is active", with the parameters holding now and the closing types."""
    return (f"((c.expires_at IS NULL OR c.expires_at > {now}) AND NOT EXISTS (SELECT 1 FROM moderation_cases u "
            f"WHERE u.guild_id = c.guild_id AND u.linked_case = c.number AND u.type = ANY({closing}::text[]) "
            "AND u.deleted_at IS NULL))")


# Built once at import (no value in them): $1 guild, $2 target, $3 moderator, $4 type, $5 state, $6 now,
# $7 closing types, $8 before, $9 limit.
_PAGE = ("SELECT " + CASE_COLUMNS + ", " + _active("$6", "$7") + " AS active FROM moderation_cases c "
         "WHERE c.guild_id = $1 AND c.deleted_at IS NULL "
         "AND ($2::bigint IS NULL OR c.target_id = $2) AND ($3::bigint IS NULL OR c.moderator_id = $3) "
         "AND ($4::text IS NULL OR c.type = $4) AND ($5::text IS NULL OR ($5 = 'active') = " + _active("$6", "$7")
         + ") AND ($8::int IS NULL OR c.number < $8) ORDER BY c.number DESC LIMIT $9")
_ONE = ("SELECT " + CASE_COLUMNS + ", " + _active("$3", "$4") + " AS active FROM moderation_cases c "
        "WHERE c.guild_id = $1 AND c.number = $2 AND c.deleted_at IS NULL")


async def page(executor: Executor, guild_id: int, *, target_id: int | None, moderator_id: int | None,
               type_: str | None, state: str | None, now: datetime, before: int | None, limit: int) -> list[Any]:
    """Up to `limit` live cases numbered below `before`, newest first, filtered (`state`: active or expired), each
    with its `active` flag."""
    return await executor.fetch(_PAGE, guild_id, target_id, moderator_id, type_, state, now, list(CLOSING_TYPES),
                                before, limit)


async def one(executor: Executor, guild_id: int, number: int, now: datetime) -> Any:
    """One live case of the guild with its `active` flag, or None."""
    return await executor.fetchrow(_ONE, guild_id, number, now, list(CLOSING_TYPES))
