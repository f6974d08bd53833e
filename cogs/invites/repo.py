"""Every SQL statement of invite tracking (`invite_joins`, `invite_adjustments`, `invite_tracking`).

Counting rule: only a member's latest join in a guild counts (`latest`), for the inviter of that join. Of those,
`joins` are all, `left` the ones whose membership ended, `fake` the ones by accounts younger than the guild's
`invites.fake_account_age` when they joined. A member's **invites** are the joins still here and not fake; after an
admin's adjustment (the latest one for the member, or a newer reset of everyone), they are the adjustment's value
plus the joins of that kind made after it (id above `after_join`): what happened before is history, never rewritten.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import asyncpg

from core.db import Executor, TransactionPool


@dataclass(frozen=True)
class Counts:
    """One member's invite figures."""

    user_id: int
    invites: int
    joins: int
    still_here: int
    left: int
    fake: int


@dataclass(frozen=True)
class Adjustment:
    """The adjustment in effect for a member (theirs, or a reset of everyone)."""

    kind: str  # set | reset
    value: int
    everyone: bool
    set_by: int | None
    created_at: datetime


@dataclass(frozen=True)
class Join:
    """A recorded join."""

    id: int
    user_id: int | None
    joined_at: datetime
    how: str
    code: str | None
    inviter_id: int | None
    left_at: datetime | None


# The adjustment in effect per member: their own latest one, unless a reset of everyone came after it.
_EFFECTIVE = """
    WITH member_adj AS (
        SELECT DISTINCT ON (user_id) user_id, id, value, after_join
        FROM invite_adjustments WHERE guild_id = $1 AND user_id IS NOT NULL ORDER BY user_id, id DESC
    ), guild_adj AS (
        SELECT id, value, after_join FROM invite_adjustments WHERE guild_id = $1 AND user_id IS NULL
        ORDER BY id DESC LIMIT 1
    ), people AS (
        SELECT inviter_id AS user_id FROM invite_joins WHERE guild_id = $1 AND latest AND inviter_id IS NOT NULL
        UNION SELECT user_id FROM member_adj
    ), effective AS (
        SELECT p.user_id,
               CASE WHEN m.id IS NOT NULL AND (g.id IS NULL OR m.id > g.id) THEN m.value
                    WHEN g.id IS NOT NULL THEN g.value ELSE 0 END AS base,
               CASE WHEN m.id IS NOT NULL AND (g.id IS NULL OR m.id > g.id) THEN m.after_join
                    WHEN g.id IS NOT NULL THEN g.after_join ELSE 0 END AS after_join
        FROM people p LEFT JOIN member_adj m ON m.user_id = p.user_id LEFT JOIN guild_adj g ON true
        WHERE $3::bigint IS NULL OR p.user_id = $3
    )
    SELECT e.user_id,
           e.base + count(j.id) FILTER (WHERE j.left_at IS NULL AND j.account_age_seconds >= $2
                                        AND j.id > e.after_join) AS invites,
           count(j.id) AS joins,
           count(j.id) FILTER (WHERE j.left_at IS NULL) AS still_here,
           count(j.id) FILTER (WHERE j.left_at IS NOT NULL) AS gone,
           count(j.id) FILTER (WHERE j.account_age_seconds < $2) AS fake
    FROM effective e
    LEFT JOIN invite_joins j ON j.guild_id = $1 AND j.latest AND j.inviter_id = e.user_id
    GROUP BY e.user_id, e.base
"""
_COUNTS_OF = _EFFECTIVE
_LEADERBOARD = "SELECT * FROM (" + _EFFECTIVE + ") c WHERE invites > 0 ORDER BY invites DESC, user_id LIMIT $4"


def _counts(row: Any) -> Counts:
    return Counts(row["user_id"], int(row["invites"]), int(row["joins"]), int(row["still_here"]), int(row["gone"]),
                  int(row["fake"]))


def _join(row: Any) -> Join:
    return Join(row["id"], row["user_id"], row["joined_at"], row["how"], row["code"], row["inviter_id"],
                row["left_at"])


async def counts_of(executor: Executor, guild_id: int, user_id: int, fake_age: int) -> Counts:
    """One member's figures (zeros when they never invited anyone and were never adjusted)."""
    row = await executor.fetchrow(_COUNTS_OF, guild_id, fake_age, user_id)
    return _counts(row) if row else Counts(user_id, 0, 0, 0, 0, 0)


async def leaderboard(executor: Executor, guild_id: int, fake_age: int, limit: int) -> list[Counts]:
    """The members with the most invites (more than 0), best first."""
    return [_counts(row) for row in await executor.fetch(_LEADERBOARD, guild_id, fake_age, None, limit)]


async def adjustment_of(executor: Executor, guild_id: int, user_id: int) -> Adjustment | None:
    """The adjustment in effect for the member: their latest, or a newer reset of everyone; None when none."""
    row = await executor.fetchrow(
        "SELECT kind, value, user_id IS NULL AS everyone, set_by, created_at FROM invite_adjustments "
        "WHERE guild_id = $1 AND (user_id = $2 OR user_id IS NULL) ORDER BY id DESC LIMIT 1", guild_id, user_id)
    return Adjustment(row["kind"], row["value"], row["everyone"], row["set_by"], row["created_at"]) if row else None


async def adjust(executor: Executor, guild_id: int, user_id: int | None, kind: str, value: int, set_by: int,
                 at: datetime) -> None:
    """Record `/invites set` or `/invites reset` (user None: everyone): from now on the count starts at `value`.
    One statement: the joins counted on top are those recorded after it."""
    await executor.execute(
        "INSERT INTO invite_adjustments (guild_id, user_id, kind, value, after_join, set_by, created_at) "
        "SELECT $1, $2, $3, $4, coalesce(max(id), 0), $5, $6 FROM invite_joins WHERE guild_id = $1",
        guild_id, user_id, kind, value, set_by, at)


# --- joins -----------------------------------------------------------------------------------------------------


async def record_join(pool: TransactionPool, guild_id: int, user_id: int, joined_at: datetime, how: str,
                      code: str | None, inviter_id: int | None, account_age: int) -> bool:
    """Record a join as the member's latest (their earlier joins here stop counting), in one transaction; False
    when this membership was already recorded (found on start as a join the bot missed)."""
    async with pool.acquire() as conn, conn.transaction():
        new_id = await conn.fetchval(
            "INSERT INTO invite_joins (guild_id, user_id, joined_at, how, code, inviter_id, account_age_seconds) "
            "VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (guild_id, user_id, joined_at) DO NOTHING RETURNING id",
            guild_id, user_id, joined_at, how, code, inviter_id, account_age)
        if new_id is None:
            return False
        await conn.execute("UPDATE invite_joins SET latest = false WHERE guild_id = $1 AND user_id = $2 AND latest "
                           "AND id <> $3", guild_id, user_id, new_id)
    return True


async def mark_left(executor: Executor, guild_id: int, user_id: int, at: datetime) -> int:
    """The member left: their latest join ends now; how many rows changed (0 or 1)."""
    status = await executor.execute(
        "UPDATE invite_joins SET left_at = $3 WHERE guild_id = $1 AND user_id = $2 AND latest AND left_at IS NULL",
        guild_id, user_id, at)
    return int(status.split()[-1])


async def latest_join(executor: Executor, guild_id: int, user_id: int) -> Join | None:
    """The member's latest recorded join in the guild."""
    row = await executor.fetchrow("SELECT * FROM invite_joins WHERE guild_id = $1 AND user_id = $2 AND latest",
                                  guild_id, user_id)
    return _join(row) if row else None


# --- tracking and what happened while the bot was away ------------------------------------------------------------


async def tracking_since(executor: Executor, guild_id: int) -> datetime | None:
    """When tracking began in the guild (None: never)."""
    since: datetime | None = await executor.fetchval("SELECT since FROM invite_tracking WHERE guild_id = $1",
                                                     guild_id)
    return since


async def start_tracking(executor: Executor, guild_id: int, since: datetime) -> None:
    """Tracking begins (again) at `since`: earlier members are not taken for missed joins."""
    await executor.execute("INSERT INTO invite_tracking (guild_id, since) VALUES ($1, $2) "
                           "ON CONFLICT (guild_id) DO UPDATE SET since = excluded.since", guild_id, since)


async def current_memberships(executor: Executor, guild_id: int) -> dict[int, tuple[datetime, bool]]:
    """Each member's latest join: user id → (joined_at, still here)."""
    rows = await executor.fetch("SELECT user_id, joined_at, left_at IS NULL AS here FROM invite_joins "
                                "WHERE guild_id = $1 AND latest AND user_id IS NOT NULL", guild_id)
    return {row["user_id"]: (row["joined_at"], row["here"]) for row in rows}


async def catch_up(conn: asyncpg.Connection, guild_id: int, missed: Iterable[tuple[int, datetime, int]],
                   gone: Iterable[int], at: datetime) -> tuple[int, int]:
    """In the caller's transaction: record the joins missed while the bot was away (user, joined_at, account age)
    as unknown, and end the memberships of members who left meanwhile; how many of each."""
    missed = list(missed)
    users = [m[0] for m in missed]
    added = 0
    if missed:
        # Only older memberships stop counting: a join recorded meanwhile by the gateway stays the latest.
        await conn.execute(
            "UPDATE invite_joins j SET latest = false FROM unnest($2::bigint[], $3::timestamptz[]) AS t(u, jt) "
            "WHERE j.guild_id = $1 AND j.user_id = t.u AND j.latest AND j.joined_at < t.jt",
            guild_id, users, [m[1] for m in missed])
        status = await conn.execute(
            "INSERT INTO invite_joins (guild_id, user_id, joined_at, how, account_age_seconds) "
            "SELECT $1, u, j, 'unknown', a FROM unnest($2::bigint[], $3::timestamptz[], $4::bigint[]) AS t(u, j, a) "
            "ON CONFLICT (guild_id, user_id, joined_at) DO NOTHING",
            guild_id, users, [m[1] for m in missed], [m[2] for m in missed])
        added = int(status.split()[-1])
    status = await conn.execute(
        "UPDATE invite_joins SET left_at = $3 WHERE guild_id = $1 AND user_id = ANY($2::bigint[]) AND latest "
        "AND left_at IS NULL", guild_id, list(gone), at)
    return added, int(status.split()[-1])


# --- GDPR (cogs/invites/gdpr.py) ---------------------------------------------------------------------------------


async def invited_by(executor: Executor, user_id: int) -> list[dict[str, Any]]:
    """The joins through the user's invites, without who joined (that is the other member's data)."""
    rows = await executor.fetch(
        "SELECT id, guild_id, code, joined_at, left_at, latest FROM invite_joins WHERE inviter_id = $1 ORDER BY id",
        user_id)
    return [dict(row) for row in rows]


async def forget_member(executor: Executor, user_id: int) -> int:
    """Anonymise the user's own joins (kept, so their inviters' counts stay right); how many rows."""
    status = await executor.execute("UPDATE invite_joins SET user_id = NULL WHERE user_id = $1", user_id)
    return int(status.split()[-1])


async def forget_inviter(executor: Executor, user_id: int) -> int:
    """Forget the user as inviter (the joins stay, through an invite of no one known); how many rows."""
    status = await executor.execute(
        "UPDATE invite_joins SET inviter_id = NULL, code = NULL WHERE inviter_id = $1", user_id)
    return int(status.split()[-1])
