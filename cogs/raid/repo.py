"""Every SQL statement of raid protection (`raid_incidents`, `raid_members`), as functions taking a
`core.db.Executor` (or the caller's connection inside its transaction, where rows are locked); every query filters by
guild_id.

Outcomes of what the brake changed (`level_outcome`, `invites_outcome`, `lift_outcome`): NULL = still to put
back, `undoing` = claimed by an undo (or the end) that is doing it now, `restored`/`lifted`, `changed` = someone
else changed it in between (left as is), `gone` = the member left, `expired` = the timeout was over.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import asyncpg

from core.db import Executor, TransactionPool

UNDOING = "undoing"


@dataclass(frozen=True)
class Incident:
    """One incident as stored."""

    id: int
    guild_id: int
    kind: str
    summary: str
    started_at: datetime
    last_activity_at: datetime
    ended_at: datetime | None
    end_reason: str | None
    ended_by: int | None
    previous_level: int | None
    raised_level: int | None
    level_outcome: str | None
    invites_paused: bool
    invites_outcome: str | None
    problems: list[str]
    alert_channel_id: int | None
    alert_message_id: int | None
    undone_at: datetime | None
    undone_by: int | None

    @classmethod
    def of(cls, row: Any) -> Incident:
        """From a row."""
        fields = {name: row[name] for name in cls.__dataclass_fields__}
        fields["problems"] = list(row["problems"] or [])
        return cls(**fields)

    @property
    def on(self) -> bool:
        """Whether the incident is still going on."""
        return self.ended_at is None

    @property
    def level_pending(self) -> bool:
        """The brake raised the level and nobody put it back yet."""
        return self.raised_level is not None and self.level_outcome is None

    @property
    def invites_pending(self) -> bool:
        """The brake paused invites and nobody resumed them yet."""
        return self.invites_paused and self.invites_outcome is None


@dataclass(frozen=True)
class RaidMember:
    """A member caught in an incident."""

    user_id: int
    added_at: datetime
    account_created_at: datetime
    default_avatar: bool
    weight: float
    mentions: int
    timed_out_until: datetime | None
    timeout_case: int | None
    timeout_problem: str | None
    lift_outcome: str | None
    lift_case: int | None

    @classmethod
    def of(cls, row: Any) -> RaidMember:
        """From a row."""
        return cls(**{name: row[name] for name in cls.__dataclass_fields__})


@dataclass(frozen=True)
class NewMember:
    """A member to add to an incident, with the timeout the brake is about to set (None: none)."""

    user_id: int
    account_created_at: datetime
    default_avatar: bool
    weight: float
    mentions: int
    timed_out_until: datetime | None
    problem: str | None = None  # why the brake does not time them out (when it wanted to)


_INSERT_MEMBERS = """
    INSERT INTO raid_members (guild_id, incident_id, user_id, added_at, account_created_at, default_avatar, weight,
                              mentions, timed_out_until, timeout_problem)
    SELECT $1, $2, m.user_id, $3, m.created, m.avatar, m.weight, m.mentions, m.until, m.problem
    FROM unnest($4::bigint[], $5::timestamptz[], $6::boolean[], $7::real[], $8::integer[], $9::timestamptz[],
                $10::text[]) AS m(user_id, created, avatar, weight, mentions, until, problem)
    ON CONFLICT (incident_id, user_id) DO NOTHING
    RETURNING user_id"""


async def _insert_members(conn: Executor, guild_id: int, incident_id: int, now: datetime,
                          members: Sequence[NewMember]) -> list[int]:
    rows = await conn.fetch(
        _INSERT_MEMBERS, guild_id, incident_id, now, [m.user_id for m in members],
        [m.account_created_at for m in members], [m.default_avatar for m in members], [m.weight for m in members],
        [m.mentions for m in members], [m.timed_out_until for m in members], [m.problem for m in members])
    return [row["user_id"] for row in rows]


async def active(executor: Executor, guild_id: int) -> list[Incident]:
    """The guild's incidents that are on (at most one per kind)."""
    rows = await executor.fetch("SELECT * FROM raid_incidents WHERE guild_id = $1 AND ended_at IS NULL", guild_id)
    return [Incident.of(row) for row in rows]


async def get(executor: Executor, guild_id: int, incident_id: int) -> Incident | None:
    """One incident of the guild."""
    row = await executor.fetchrow("SELECT * FROM raid_incidents WHERE guild_id = $1 AND id = $2", guild_id,
                                  incident_id)
    return Incident.of(row) if row else None


async def latest(executor: Executor, guild_id: int) -> Incident | None:
    """The guild's most recent incident."""
    row = await executor.fetchrow(
        "SELECT * FROM raid_incidents WHERE guild_id = $1 ORDER BY started_at DESC, id DESC LIMIT 1", guild_id)
    return Incident.of(row) if row else None


async def open_incident(conn: asyncpg.Connection, guild_id: int, kind: str, summary: str, now: datetime, *,
                        previous_level: int, raised_level: int | None, invites_paused: bool, problems: list[str],
                        members: Sequence[NewMember]) -> Incident:
    """Start an incident with its first members, in the caller's transaction: what the brake is about to change
    is saved here, before it changes it."""
    row = await conn.fetchrow(
        "INSERT INTO raid_incidents (guild_id, kind, summary, started_at, last_activity_at, previous_level, "
        "raised_level, invites_paused, problems) VALUES ($1, $2, $3, $4, $4, $5, $6, $7, $8) RETURNING *",
        guild_id, kind, summary, now, previous_level, raised_level, invites_paused, problems)
    await _insert_members(conn, guild_id, row["id"], now, members)
    return Incident.of(row)


async def add_member(pool: TransactionPool, guild_id: int, incident_id: int, now: datetime,
                     member: NewMember) -> bool:
    """Add a member to an incident that is on and mark the activity (one transaction); False when the member was
    already in it or the incident has ended."""
    async with pool.acquire() as conn, conn.transaction():
        touched = await conn.fetchval(
            "UPDATE raid_incidents SET last_activity_at = greatest(last_activity_at, $3) "
            "WHERE guild_id = $1 AND id = $2 AND ended_at IS NULL RETURNING id", guild_id, incident_id, now)
        if touched is None:
            return False
        return bool(await _insert_members(conn, guild_id, incident_id, now, [member]))


async def add_problems(executor: Executor, guild_id: int, incident_id: int, problems: list[str], *,
                       level_failed: bool = False, invites_failed: bool = False) -> None:
    """Note what the brake could not do; a level change or invite pause Discord refused is forgotten (there is
    nothing of it to undo)."""
    await executor.execute(
        "UPDATE raid_incidents SET problems = problems || $3::text[], "
        "raised_level = CASE WHEN $4 THEN NULL ELSE raised_level END, "
        "invites_paused = CASE WHEN $5 THEN false ELSE invites_paused END "
        "WHERE guild_id = $1 AND id = $2", guild_id, incident_id, problems, level_failed, invites_failed)


async def set_timeouts(executor: Executor, guild_id: int, incident_id: int,
                       results: Sequence[tuple[int, datetime | None, int | None, str | None]]) -> None:
    """Store what became of the timeouts the brake asked for: (user id, the timeout now in force or None when
    Discord refused it, its case number, the problem in words)."""
    if not results:
        return
    await executor.execute(
        "UPDATE raid_members m SET timed_out_until = r.until, timeout_case = r.number, timeout_problem = r.problem "
        "FROM unnest($3::bigint[], $4::timestamptz[], $5::integer[], $6::text[]) AS r(user_id, until, number, problem) "
        "WHERE m.guild_id = $1 AND m.incident_id = $2 AND m.user_id = r.user_id",
        guild_id, incident_id, [r[0] for r in results], [r[1] for r in results], [r[2] for r in results],
        [r[3] for r in results])


async def set_alert(executor: Executor, guild_id: int, incident_id: int, channel_id: int, message_id: int) -> None:
    """Remember the alert message (edited when the incident ends or is undone)."""
    await executor.execute(
        "UPDATE raid_incidents SET alert_channel_id = $3, alert_message_id = $4 WHERE guild_id = $1 AND id = $2",
        guild_id, incident_id, channel_id, message_id)


async def end(executor: Executor, guild_id: int, incident_id: int, now: datetime, reason: str,
              by: int | None) -> Incident | None:
    """End an incident that is on; the ended incident, or None when it had already ended."""
    row = await executor.fetchrow(
        "UPDATE raid_incidents SET ended_at = $3, end_reason = $4, ended_by = $5 "
        "WHERE guild_id = $1 AND id = $2 AND ended_at IS NULL RETURNING *", guild_id, incident_id, now, reason, by)
    return Incident.of(row) if row else None


async def members(executor: Executor, guild_id: int, incident_id: int, *, offset: int = 0,
                  limit: int | None = None) -> list[RaidMember]:
    """The incident's members in the order they were added (a page with `offset`/`limit`)."""
    rows = await executor.fetch(
        "SELECT * FROM raid_members WHERE guild_id = $1 AND incident_id = $2 ORDER BY added_at, user_id "
        "OFFSET $3 LIMIT $4", guild_id, incident_id, offset, limit)
    return [RaidMember.of(row) for row in rows]


# --- undo and end: claiming what to put back, then storing what became of it ------------------------------------


async def lock_incident(conn: asyncpg.Connection, guild_id: int, incident_id: int) -> Incident | None:
    """The incident, row-locked in the caller's transaction (claims of one incident happen one at a time)."""
    row = await conn.fetchrow("SELECT * FROM raid_incidents WHERE guild_id = $1 AND id = $2 FOR UPDATE", guild_id,
                              incident_id)
    return Incident.of(row) if row else None


async def claim_server(conn: asyncpg.Connection, guild_id: int, incident_id: int, *, level: bool,
                       invites: bool) -> None:
    """Claim the level and/or the invites for putting back (in the caller's transaction, incident locked)."""
    await conn.execute(
        "UPDATE raid_incidents SET "
        "level_outcome = CASE WHEN $3 AND raised_level IS NOT NULL AND level_outcome IS NULL THEN $5 "
        "ELSE level_outcome END, "
        "invites_outcome = CASE WHEN $4 AND invites_paused AND invites_outcome IS NULL THEN $5 "
        "ELSE invites_outcome END WHERE guild_id = $1 AND id = $2", guild_id, incident_id, level, invites, UNDOING)


async def pending_timeouts(conn: Executor, guild_id: int, incident_id: int) -> list[RaidMember]:
    """The members whose timeout by the brake is still to lift."""
    rows = await conn.fetch(
        "SELECT * FROM raid_members WHERE guild_id = $1 AND incident_id = $2 AND timed_out_until IS NOT NULL "
        "AND lift_outcome IS NULL ORDER BY added_at, user_id", guild_id, incident_id)
    return [RaidMember.of(row) for row in rows]


async def claim_timeouts(conn: asyncpg.Connection, guild_id: int, incident_id: int, user_ids: list[int]) -> None:
    """Claim these members' timeouts for lifting (in the caller's transaction, incident locked)."""
    await conn.execute(
        "UPDATE raid_members SET lift_outcome = $4 WHERE guild_id = $1 AND incident_id = $2 "
        "AND user_id = ANY($3::bigint[]) AND lift_outcome IS NULL", guild_id, incident_id, user_ids, UNDOING)


_SETTLE_SERVER = {
    "level": "UPDATE raid_incidents SET level_outcome = $3 WHERE guild_id = $1 AND id = $2 AND level_outcome = $4",
    "invites": "UPDATE raid_incidents SET invites_outcome = $3 WHERE guild_id = $1 AND id = $2 "
               "AND invites_outcome = $4",
}


async def settle(pool: TransactionPool, guild_id: int, incident_id: int, now: datetime, *,
                 server: dict[str, str | None], timeouts: Sequence[tuple[int, str | None, int | None]],
                 by: int | None) -> bool:
    """Store what became of what was claimed, in one transaction: `server` maps "level" / "invites" to its
    outcome (None gives the claim back: Discord refused, someone may try again); `timeouts` are (user id,
    outcome or None, the untimeout case number). With `by` (an undo), the incident is marked undone once nothing
    is left to put back. Whether it is undone."""
    async with pool.acquire() as conn, conn.transaction():
        for part, outcome in server.items():
            await conn.execute(_SETTLE_SERVER[part], guild_id, incident_id, outcome, UNDOING)
        if timeouts:
            await conn.execute(
                "UPDATE raid_members m SET lift_outcome = r.outcome, lift_case = r.number, "
                "lifted_at = CASE WHEN r.outcome IS NULL THEN NULL ELSE $3::timestamptz END "
                "FROM unnest($4::bigint[], $5::text[], $6::integer[]) AS r(user_id, outcome, number) "
                "WHERE m.guild_id = $1 AND m.incident_id = $2 AND m.user_id = r.user_id AND m.lift_outcome = $7",
                guild_id, incident_id, now, [r[0] for r in timeouts], [r[1] for r in timeouts],
                [r[2] for r in timeouts], UNDOING)
        return by is not None and await _mark_undone(conn, guild_id, incident_id, now, by)


async def _mark_undone(executor: Executor, guild_id: int, incident_id: int, now: datetime, by: int) -> bool:
    """Mark the incident undone when nothing is left to put back; whether it is (now or before)."""
    row = await executor.fetchrow(
        "UPDATE raid_incidents i SET undone_at = coalesce(undone_at, $3), undone_by = coalesce(undone_by, $4) "
        "WHERE guild_id = $1 AND id = $2 "
        "AND NOT (raised_level IS NOT NULL AND (level_outcome IS NULL OR level_outcome = $5)) "
        "AND NOT (invites_paused AND (invites_outcome IS NULL OR invites_outcome = $5)) "
        "AND NOT EXISTS (SELECT 1 FROM raid_members m WHERE m.guild_id = i.guild_id AND m.incident_id = i.id "
        "                AND m.timed_out_until IS NOT NULL AND (m.lift_outcome IS NULL OR m.lift_outcome = $5)) "
        "RETURNING id", guild_id, incident_id, now, by, UNDOING)
    return row is not None
