"""The LLM layer's SQL: daily usage counters per member (`gpt_usage`) and per guild for background features
(`gpt_guild_usage`), and the counters kept after an erasure (`gpt_usage_erased`).

Functions take a pool or a connection (anything with `fetchval` / `fetch` / `execute`); parameters always go
through `$n` placeholders.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from core.db import Executor  # also the name gpt.context imports

# One statement, so concurrent requests cannot both take the last unit: the insert path runs only when the
# limit allows a first call, and the update path only while the count is under the limit. A NULL limit means
# unlimited (still counted). No row comes back when the request is refused.
_CHARGE = """
    INSERT INTO gpt_usage AS u (user_id, guild_id, usage_date, call_count)
    SELECT $1, $2, $3, 1
    WHERE $4::integer IS NULL OR $4::integer > 0
    ON CONFLICT (user_id, guild_id, usage_date)
    DO UPDATE SET call_count = u.call_count + 1
    WHERE $4::integer IS NULL OR u.call_count < $4::integer
    RETURNING call_count
"""
_REFUND = """
    UPDATE gpt_usage SET call_count = call_count - 1
    WHERE user_id = $1 AND guild_id = $2 AND usage_date = $3 AND call_count > 0
    RETURNING call_count
"""
_USED = "SELECT call_count FROM gpt_usage WHERE user_id = $1 AND guild_id = $2 AND usage_date = $3"
_CLEANUP = "DELETE FROM gpt_usage WHERE usage_date < $1"
# The guild budget of background calls (embed watcher, ticket summaries): the same one-statement shape as
# _CHARGE, so a burst of messages cannot overdraw it, with a finite limit (0 = no background calls at all).
_CHARGE_GUILD = """
    INSERT INTO gpt_guild_usage AS u (guild_id, usage_date, call_count)
    SELECT $1, $2, 1
    WHERE $3::integer > 0
    ON CONFLICT (guild_id, usage_date)
    DO UPDATE SET call_count = u.call_count + 1
    WHERE u.call_count < $3::integer
    RETURNING call_count
"""
_REFUND_GUILD = """
    UPDATE gpt_guild_usage SET call_count = call_count - 1
    WHERE guild_id = $1 AND usage_date = $2 AND call_count > 0
    RETURNING call_count
"""
# The first caller to find the budget used up on a day claims the notice (one row per guild and day, so two
# processes or a burst of messages tell the admins once).
_CLAIM_GUILD_NOTICE = """
    INSERT INTO gpt_guild_usage AS u (guild_id, usage_date, call_count, notified_at)
    VALUES ($1, $2, 0, $3)
    ON CONFLICT (guild_id, usage_date)
    DO UPDATE SET notified_at = $3
    WHERE u.notified_at IS NULL
    RETURNING 1
"""
_GUILD_USED = "SELECT call_count FROM gpt_guild_usage WHERE guild_id = $1 AND usage_date = $2"
_GUILD_CLEANUP = "DELETE FROM gpt_guild_usage WHERE usage_date < $1"
async def charge_usage(db: Executor, user_id: int, guild_id: int, day: date, limit: int | None) -> int | None:
    """Count one call for (user, guild, day) if under `limit` (None = unlimited); the new count, or None if refused."""
    return await db.fetchval(_CHARGE, user_id, guild_id, day, limit)


async def refund_usage(db: Executor, user_id: int, guild_id: int, day: date) -> int | None:
    """Give back one call of (user, guild, day), never below 0; the new count, or None if there was none to give."""
    return await db.fetchval(_REFUND, user_id, guild_id, day)


async def usage_on(db: Executor, user_id: int, guild_id: int, day: date) -> int:
    """Calls counted for (user, guild, day)."""
    return await db.fetchval(_USED, user_id, guild_id, day) or 0


async def delete_usage_before(db: Executor, before: date) -> int:
    """Delete the counters of days before `before`; returns how many rows went."""
    status = await db.execute(_CLEANUP, before)
    return int(status.split()[-1])


async def charge_guild_usage(db: Executor, guild_id: int, day: date, limit: int) -> int | None:
    """Count one background call for (guild, day) if under `limit`; the new count, or None if refused."""
    return await db.fetchval(_CHARGE_GUILD, guild_id, day, limit)


async def refund_guild_usage(db: Executor, guild_id: int, day: date) -> int | None:
    """Give back one background call of (guild, day), never below 0; the new count, or None if none to give."""
    return await db.fetchval(_REFUND_GUILD, guild_id, day)


async def claim_guild_notice(db: Executor, guild_id: int, day: date, now: datetime) -> bool:
    """Mark that the admins were told the (guild, day) budget is used up; True only for the first caller."""
    return bool(await db.fetchval(_CLAIM_GUILD_NOTICE, guild_id, day, now))


async def guild_usage_on(db: Executor, guild_id: int, day: date) -> int:
    """Background calls counted for (guild, day)."""
    return await db.fetchval(_GUILD_USED, guild_id, day) or 0


async def delete_guild_usage_before(db: Executor, before: date) -> int:
    """Delete the guild counters of days before `before`; returns how many rows went."""
    status = await db.execute(_GUILD_CLEANUP, before)
    return int(status.split()[-1])


# --- usage kept after a GDPR erasure (`gpt_usage_erased`): per day and guild, under a keyed pseudonym ----------

_KEEP_ERASED = """
    WITH moved AS (DELETE FROM gpt_usage WHERE user_id = $1 RETURNING guild_id, usage_date, call_count),
    kept AS (
        INSERT INTO gpt_usage_erased AS e (user_key, guild_id, usage_date, call_count)
        SELECT $2, guild_id, usage_date, call_count FROM moved WHERE call_count > 0
        ON CONFLICT (user_key, guild_id, usage_date) DO UPDATE SET call_count = e.call_count + EXCLUDED.call_count
    )
    SELECT count(*) FROM moved
"""
_ERASED_USED = "SELECT call_count FROM gpt_usage_erased WHERE user_key = $1 AND guild_id = $2 AND usage_date = $3"
_ERASED_OF = ("SELECT guild_id, usage_date, call_count FROM gpt_usage_erased WHERE user_key = $1 "
              "ORDER BY usage_date, guild_id")
_ERASED_CLEANUP = "DELETE FROM gpt_usage_erased WHERE usage_date < $1"


async def move_usage_to_erased(conn: Executor, user_id: int, user_key: str) -> int:
    """Move the user's counters to `gpt_usage_erased` under `user_key` (adding to what is there); rows moved."""
    return await conn.fetchval(_KEEP_ERASED, user_id, user_key)


async def erased_usage_on(db: Executor, user_key: str, guild_id: int, day: date) -> int:
    """Calls counted for an erased user (by pseudonym) in a guild on a day."""
    return await db.fetchval(_ERASED_USED, user_key, guild_id, day) or 0


async def erased_usage_of(db: Executor, user_key: str) -> list[Any]:
    """Every counter kept under the pseudonym (for the user's export)."""
    return await db.fetch(_ERASED_OF, user_key)


async def delete_erased_usage_before(db: Executor, before: date) -> int:
    """Delete the kept counters of days before `before`; returns how many rows went."""
    status = await db.execute(_ERASED_CLEANUP, before)
    return int(status.split()[-1])
