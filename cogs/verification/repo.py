"""SQL of `verification_tickets`.

Every query is scoped to one guild, except the two GDPR queries (export and erasure), which by definition cover
one user across every guild. A verification is open while `resolved_at IS NULL` (statuses pending,
manual_review, error); resolving is a conditional UPDATE, so two reviewers clicking at once cannot both act.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from core.db import Executor

PENDING, VERIFIED, MANUAL_REVIEW, ERROR = "pending", "verified", "manual_review", "error"
CLOSED_MANUAL = "closed_manual"
OPEN_STATUSES = (PENDING, MANUAL_REVIEW, ERROR)

_COLUMNS = ("id, guild_id, user_id, channel_id, status, ai_can_verify, ai_needs_manual_review, ai_reason, created_at, "
            "resolved_at, resolved_by_user_id, rejection_reason, payment_date")


@dataclass(frozen=True)
class Verification:
    """A row of `verification_tickets`."""

    id: int
    guild_id: int
    user_id: int
    channel_id: int
    status: str
    ai_can_verify: bool | None
    ai_needs_manual_review: bool | None
    ai_reason: str | None
    created_at: datetime
    resolved_at: datetime | None
    resolved_by_user_id: int | None
    rejection_reason: str | None
    payment_date: date | None

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None


def _row(row: Any) -> Verification | None:
    return Verification(**dict(row)) if row is not None else None


async def lock_member(conn: Executor, guild_id: int, user_id: int) -> None:
    """Serialise starts of one member in one guild until the transaction ends (across bot processes too)."""
    await conn.execute("SELECT pg_advisory_xact_lock(hashtextextended('verification:' || $1::bigint::text || ':' || "
                       "$2::bigint::text, 0))", guild_id, user_id)


async def open_of_member(executor: Executor, guild_id: int, user_id: int) -> Verification | None:
    """The member's open verification in the guild, if any."""
    return _row(await executor.fetchrow(
        f"SELECT {_COLUMNS} FROM verification_tickets WHERE guild_id = $1 AND user_id = $2 AND resolved_at IS NULL "
        "ORDER BY id DESC LIMIT 1", guild_id, user_id))


async def last_started(executor: Executor, guild_id: int, user_id: int) -> datetime | None:
    """When the member last started a verification in the guild."""
    return await executor.fetchval(
        "SELECT max(created_at) FROM verification_tickets WHERE guild_id = $1 AND user_id = $2", guild_id, user_id)


async def create(executor: Executor, guild_id: int, user_id: int, now: datetime) -> int:
    """A pending verification without its channel yet (channel_id 0 until `set_channel`)."""
    return await executor.fetchval(
        "INSERT INTO verification_tickets (guild_id, user_id, channel_id, status, created_at) "
        "VALUES ($1, $2, 0, 'pending', $3) RETURNING id", guild_id, user_id, now)


async def set_channel(executor: Executor, guild_id: int, verification_id: int, channel_id: int) -> None:
    await executor.execute("UPDATE verification_tickets SET channel_id = $3 WHERE guild_id = $1 AND id = $2",
                           guild_id, verification_id, channel_id)


async def delete(executor: Executor, guild_id: int, verification_id: int) -> None:
    """Forget a verification whose channel could not be created."""
    await executor.execute("DELETE FROM verification_tickets WHERE guild_id = $1 AND id = $2", guild_id,
                           verification_id)


async def get(executor: Executor, guild_id: int, verification_id: int) -> Verification | None:
    return _row(await executor.fetchrow(
        f"SELECT {_COLUMNS} FROM verification_tickets WHERE guild_id = $1 AND id = $2", guild_id, verification_id))


async def open_by_channel(executor: Executor, guild_id: int, channel_id: int) -> Verification | None:
    """The open verification whose private channel is `channel_id`."""
    return _row(await executor.fetchrow(
        f"SELECT {_COLUMNS} FROM verification_tickets WHERE guild_id = $1 AND channel_id = $2 "
        "AND resolved_at IS NULL ORDER BY id DESC LIMIT 1", guild_id, channel_id))


async def record_assessment(executor: Executor, guild_id: int, verification_id: int, *, status: str,
                            can_verify: bool | None, needs_review: bool | None, reason: str | None,
                            payment_date: date | None, resolved_at: datetime | None = None) -> Verification | None:
    """Store the AI's judgement of a pending verification (and resolve it when auto-verified); None if it was
    no longer pending."""
    return _row(await executor.fetchrow(
        "UPDATE verification_tickets SET status = $3, ai_can_verify = $4, ai_needs_manual_review = $5, "
        "ai_reason = $6, payment_date = $7, resolved_at = $8 "
        "WHERE guild_id = $1 AND id = $2 AND status = 'pending' AND resolved_at IS NULL "
        f"RETURNING {_COLUMNS}", guild_id, verification_id, status, can_verify, needs_review, reason, payment_date,
        resolved_at))


async def resolve(executor: Executor, guild_id: int, verification_id: int, *, status: str, now: datetime,
                  by: int | None, rejection_reason: str | None = None) -> Verification | None:
    """Close an open verification as verified or closed_manual; None if it was already resolved."""
    return _row(await executor.fetchrow(
        "UPDATE verification_tickets SET status = $3, resolved_at = $4, resolved_by_user_id = $5, "
        "rejection_reason = $6 WHERE guild_id = $1 AND id = $2 AND resolved_at IS NULL "
        f"RETURNING {_COLUMNS}", guild_id, verification_id, status, now, by, rejection_reason))


async def open_list(executor: Executor, guild_id: int, limit: int = 25) -> list[Verification]:
    """The guild's open verifications, oldest first."""
    rows = await executor.fetch(
        f"SELECT {_COLUMNS} FROM verification_tickets WHERE guild_id = $1 AND resolved_at IS NULL "
        "ORDER BY created_at, id LIMIT $2", guild_id, limit)
    return [Verification(**dict(row)) for row in rows]


# --- GDPR (one user, every guild) -------------------------------------------------------------------------------

async def export_member(executor: Executor, user_id: int) -> list[Any]:
    """The user's own verifications."""
    return await executor.fetch("SELECT " + _COLUMNS + " FROM verification_tickets WHERE user_id = $1 ORDER BY id",
                                user_id)


async def channels_of_member(executor: Executor, user_id: int) -> list[Any]:
    """(id, guild_id, channel_id) of the user's verifications: erasure deletes the channels still there (open
    ones, and rejected ones waiting for their delayed close)."""
    return await executor.fetch(
        "SELECT id, guild_id, channel_id FROM verification_tickets WHERE user_id = $1 AND channel_id <> 0", user_id)


async def erase_member(executor: Executor, user_id: int) -> tuple[str, str]:
    """Delete the user's verifications and drop their name from the ones they reviewed; the two statuses."""
    deleted = await executor.execute("DELETE FROM verification_tickets WHERE user_id = $1", user_id)
    anonymised = await executor.execute(
        "UPDATE verification_tickets SET resolved_by_user_id = NULL WHERE resolved_by_user_id = $1", user_id)
    return deleted, anonymised
