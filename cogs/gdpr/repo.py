"""SQL of the data agreement (`gdpr_acceptance`) and of the record of data requests (`gdpr_requests`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from core.db import Executor

_ACCEPT = """
    INSERT INTO gdpr_acceptance (user_id, guild_id, accepted, "timestamp") VALUES ($1, $2, 1, $3)
    ON CONFLICT (user_id, guild_id) DO UPDATE SET accepted = 1, "timestamp" = EXCLUDED."timestamp"
    RETURNING (xmax = 0) AS first_time
"""


async def accept(executor: Executor, user_id: int, guild_id: int, when: datetime) -> bool:
    """Record the member's acceptance (again); True the first time."""
    # The column is a timestamp without time zone (per the reference schema): store UTC wall time.
    return await executor.fetchval(_ACCEPT, user_id, guild_id, when.replace(tzinfo=None))


_ACCEPTED = "SELECT accepted = 1 FROM gdpr_acceptance WHERE guild_id = $1 AND user_id = $2"


async def has_accepted(executor: Executor, guild_id: int, user_id: int) -> bool:
    """Whether the member accepted the guild's agreement."""
    return bool(await executor.fetchval(_ACCEPTED, guild_id, user_id))


_RECORD = "INSERT INTO gdpr_requests (user_id, kind, via, requested_at, outcome) VALUES ($1, $2, $3, $4, $5)"
_REQUESTS = """
    SELECT kind, via, requested_at, outcome FROM gdpr_requests WHERE user_id = $1
    ORDER BY requested_at DESC, id DESC LIMIT $2
"""


async def record_request(executor: Executor, user_id: int, kind: str, via: str, when: datetime,
                         outcome: str) -> None:
    """Remember a data request and its outcome."""
    await executor.execute(_RECORD, user_id, kind, via, when, outcome[:500])


async def requests_of(executor: Executor, user_id: int, limit: int) -> list[Any]:
    """The user's latest data requests, newest first."""
    return await executor.fetch(_REQUESTS, user_id, limit)
