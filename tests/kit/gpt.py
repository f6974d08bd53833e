"""Ids, the service factory type and the usage reader of the AI service tests (tests/gpt/)."""

from __future__ import annotations

from collections.abc import Callable

from core.db import HearthPool
from gpt.service import LLMService

GUILD = 111_000_000_000_000_001
OTHER_GUILD = 111_000_000_000_000_002
USER = 222_000_000_000_000_001
OTHER_USER = 222_000_000_000_000_002

ServiceFactory = Callable[..., LLMService]


async def usage(db: HearthPool, user_id: int = USER, guild_id: int = GUILD) -> dict[str, int]:
    """The user's counters by ISO date (every day at once: the repo reads one day at a time)."""
    rows = await db.fetch("SELECT usage_date, call_count FROM gpt_usage WHERE user_id = $1 AND guild_id = $2 "
                          "ORDER BY usage_date", user_id, guild_id)
    return {row["usage_date"].isoformat(): row["call_count"] for row in rows}
