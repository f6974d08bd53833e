"""SQL of `app_reflections` (user-level data from the companion app) and of its replay guard; other features
read reflections through `cogs/companion/api.py`."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from core.db import Executor

_UPSERT = """
    INSERT INTO app_reflections (user_id, reflection_id, plaintext_content) VALUES ($1, $2, $3)
    ON CONFLICT (user_id, reflection_id) DO UPDATE SET plaintext_content = EXCLUDED.plaintext_content
    RETURNING (xmax = 0) AS created
"""
# The first use of a signature inserts its digest; any later use (another process, after a restart) finds it.
_CLAIM = """
    INSERT INTO companion_replays (digest, expires_at) VALUES ($1, $2) ON CONFLICT (digest) DO NOTHING
    RETURNING true
"""


async def claim_signature(executor: Executor, digest: bytes, expires_at: datetime) -> bool:
    """Record a signature as used; False when it was used before (a replay). Call in the transaction of the
    request's effect, so a request that failed can be sent again."""
    return bool(await executor.fetchval(_CLAIM, digest, expires_at))


async def upsert(executor: Executor, user_id: int, reflection_id: str, content: dict[str, Any]) -> bool:
    """Store or replace a reflection; True when it is new."""
    return await executor.fetchval(_UPSERT, user_id, reflection_id, content)


async def revoke(executor: Executor, user_id: int, reflection_id: str) -> int:
    """Delete one reflection; returns how many rows went (0 or 1)."""
    status = await executor.execute("DELETE FROM app_reflections WHERE user_id = $1 AND reflection_id = $2",
                                    user_id, reflection_id)
    return int(status.split()[-1])


_RECENT = """
    SELECT plaintext_content, created_at FROM app_reflections
    WHERE user_id = $1 AND created_at >= $2
    ORDER BY created_at DESC, id DESC
    LIMIT $3
"""


async def recent(executor: Any, user_id: int, since: datetime, limit: int) -> list[Any]:
    """The user's reflections created at or after `since`, newest first, at most `limit`."""
    return await executor.fetch(_RECENT, user_id, since, limit)
