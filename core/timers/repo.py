"""SQL of the `timers` table: scheduling, claiming with leases, batched outcomes, releasing leases.

Every function takes an executor (an asyncpg connection or pool).
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from core.db import Executor
from core.timers.jobs import Job

NOTIFY_CHANNEL = "hearth_timers"  # written literally in _SCHEDULE

# Scheduling also notifies every process (channel NOTIFY_CHANNEL, payload the guild id, delivered on commit): the
# process holding the guild's shard may be another one, sleeping until its own next job (see `on_notification`).
_SCHEDULE = """
    WITH job AS (
        INSERT INTO timers (guild_id, kind, key, due_at, payload) VALUES ($1, $2, $3, $4, $5)
        ON CONFLICT (kind, key) DO UPDATE SET guild_id = EXCLUDED.guild_id, due_at = EXCLUDED.due_at,
            payload = EXCLUDED.payload, lease_token = NULL, lease_until = NULL, attempts = 0
        RETURNING id)
    SELECT job.id FROM job, (SELECT pg_notify('hearth_timers', $1::text)) AS woken
"""
# Jobs of a kind registered with a module switch wait while the module is off on their guild (core/modules.py):
# `$a` kinds with a switch, parallel to the switch's scope `$b`, key `$c` and default `$d`. A guild that never set
# the switch has its default.
_WAITING = """NOT EXISTS (
            SELECT 1 FROM unnest(${a}::text[], ${b}::text[], ${c}::text[], ${d}::boolean[])
                AS sw(kind, scope, key, dflt)
            WHERE sw.kind = timers.kind AND NOT coalesce(
                (SELECT s.value = 'true'::jsonb FROM bot_settings s
                 WHERE s.guild_id = timers.guild_id AND s.scope = sw.scope AND s.key = sw.key), sw.dflt))"""
# The earliest moment something can be claimed: a free job's due time or a lease running out (least() skips
# NULLs). Both sub-queries walk an index, so a table of 100,000 future jobs costs the same as an empty one.
# Both queries filter by shard (`set_shards`): only jobs of guilds on this process's shards, by Discord's routing
# `(guild_id >> 22) % shard_count`; a process holding every shard passes a count of 1 and shard [0], which every
# guild matches. Guild 0 (housekeeping jobs such as the daily clean-ups) gives 0, so those jobs run in the process
# holding shard 0: once, like every other job.
_NEXT_DUE = """
    SELECT least(
        (SELECT due_at FROM timers WHERE kind = ANY($1::text[]) AND lease_until IS NULL
             AND (guild_id >> 22) % $2::bigint = ANY($3::bigint[]) AND """ + _WAITING.format(a=4, b=5, c=6, d=7) + """
         ORDER BY due_at LIMIT 1),
        (SELECT min(greatest(due_at, lease_until)) FROM timers
         WHERE kind = ANY($1::text[]) AND lease_until IS NOT NULL
             AND (guild_id >> 22) % $2::bigint = ANY($3::bigint[])))
"""
# The lease of each claimed job is its kind's (`$4`, parallel to the kinds in `$3`): longer than its timeout.
_CLAIM = """
    UPDATE timers SET lease_token = $2, lease_until = $1 + leases.lease, attempts = timers.attempts + 1
    FROM unnest($3::text[], $4::interval[]) AS leases(kind, lease)
    WHERE timers.kind = leases.kind AND timers.id IN (
        SELECT id FROM timers
        WHERE kind = ANY($3::text[]) AND due_at <= $1 AND (lease_until IS NULL OR lease_until <= $1)
            AND (guild_id >> 22) % $6::bigint = ANY($7::bigint[]) AND """ + _WAITING.format(a=8, b=9, c=10, d=11) + """
        ORDER BY due_at LIMIT $5 FOR UPDATE SKIP LOCKED)
    RETURNING timers.id, timers.guild_id, timers.kind, timers.key, timers.due_at, timers.payload, timers.attempts
"""
# Outcomes of every job that finished meanwhile are written together: one statement for the finished jobs and
# one for the moved ones (rescheduled, retried later), instead of one round trip per job. The lease token guards
# against a job that was moved (scheduled again) while it ran, or claimed again after its lease ran out.
_FINISH_MANY = """
    DELETE FROM timers USING unnest($1::bigint[], $2::uuid[]) AS done(id, token)
    WHERE timers.id = done.id AND timers.lease_token = done.token
"""
_MOVE_MANY = """
    UPDATE timers SET due_at = moved.due_at, lease_token = NULL, lease_until = NULL,
        attempts = CASE WHEN moved.reset THEN 0 ELSE timers.attempts END
    FROM unnest($1::bigint[], $2::uuid[], $3::timestamptz[], $4::boolean[]) AS moved(id, token, due_at, reset)
    WHERE timers.id = moved.id AND timers.lease_token = moved.token
"""
# Jobs interrupted by shutdown are free again at once; the interruption does not count as an attempt.
_RELEASE = """
    UPDATE timers SET lease_token = NULL, lease_until = NULL, attempts = greatest(attempts - 1, 0)
    WHERE lease_token = ANY($1::uuid[])
"""
# A module turned on again: its jobs that fell due while it was off run now rather than count as late.
_RESUME = """
    UPDATE timers SET due_at = $3 WHERE guild_id = $1 AND kind = ANY($2::text[]) AND due_at < $3
        AND lease_until IS NULL
"""
_CANCEL = "DELETE FROM timers WHERE kind = $1 AND key = $2"
_CANCEL_PREFIX = "DELETE FROM timers WHERE kind = $1 AND starts_with(key, $2)"
_GET = "SELECT due_at FROM timers WHERE kind = $1 AND key = $2"
_GUILD_JOBS = "SELECT key, due_at FROM timers WHERE kind = $1 AND guild_id = $2"
_KEYED_JOBS = "SELECT kind, key, due_at, payload FROM timers WHERE kind = ANY($1::text[]) AND key = $2"
_QUEUED = """
    SELECT count(*) FILTER (WHERE guild_id = $1 AND due_at <= $2) AS guild_due,
           count(*) FILTER (WHERE guild_id = $1 AND due_at > $2) AS guild_future,
           count(*) FILTER (WHERE due_at <= $2) AS all_due,
           count(*) FILTER (WHERE due_at > $2) AS all_future
    FROM timers
"""

# The shards whose guilds' jobs a process runs: (shard count, shard ids held).
Shards = tuple[int, list[int]]
Moved = tuple[int, uuid.UUID, datetime, bool]
# The kinds that wait while their module is off, with the switch's scope, key and default (see `_WAITING`).
Switches = tuple[list[str], list[str], list[str], list[bool]]
NO_SWITCHES: Switches = ([], [], [], [])  # job id, lease token, new due time, attempts start afresh


def _count(status: str) -> int:
    """The row count of a command status such as "DELETE 3"."""
    return int(status.split()[-1])


async def upsert_job(conn: Executor, guild_id: int, kind: str, key: str, due_at: datetime,
                   payload: dict[str, Any]) -> int:
    """Create or move the job (kind, key) and notify every process; returns its id."""
    return await conn.fetchval(_SCHEDULE, guild_id, kind, key, due_at, payload)


async def delete_jobs(conn: Executor, kind: str, key: str, *, prefix: bool) -> int:
    """Delete the job (kind, key), or with `prefix` every job of `kind` whose key starts with `key`."""
    return _count(await conn.execute(_CANCEL_PREFIX if prefix else _CANCEL, kind, key))


async def job_due_at(conn: Executor, kind: str, key: str) -> datetime | None:
    """When (kind, key) is due, or None if there is no such job."""
    return await conn.fetchval(_GET, kind, key)


async def keyed_jobs(conn: Executor, kinds: list[str], key: str) -> list[Any]:
    """The pending jobs (kind, key, due_at, payload) of any of `kinds` under `key`."""
    return await conn.fetch(_KEYED_JOBS, kinds, key)


async def guild_jobs(conn: Executor, kind: str, guild_id: int) -> dict[str, datetime]:
    """Key → due time of every `kind` job of a guild."""
    return {row["key"]: row["due_at"] for row in await conn.fetch(_GUILD_JOBS, kind, guild_id)}


async def queued_counts(conn: Executor, guild_id: int, now: datetime) -> dict[str, int]:
    """How many jobs are due (waiting to run, or running) and how many lie ahead, for the guild and overall."""
    return dict(await conn.fetchrow(_QUEUED, guild_id, now))


async def earliest_due(conn: Executor, kinds: list[str], shards: Shards,
                       switches: Switches = NO_SWITCHES) -> datetime | None:
    """The earliest moment a job of `kinds` on `shards` can be claimed, leaving out jobs whose module is off
    (None: there is no such job)."""
    return await conn.fetchval(_NEXT_DUE, kinds, *shards, *switches)


async def resume_jobs(conn: Executor, guild_id: int, kinds: list[str], now: datetime) -> int:
    """Make the guild's jobs of `kinds` that are overdue and not running due `now`; returns how many."""
    return _count(await conn.execute(_RESUME, guild_id, kinds, now))


async def claim_due(conn: Executor, now: datetime, token: uuid.UUID, leases: dict[str, timedelta], limit: int,
                    shards: Shards, switches: Switches = NO_SWITCHES) -> list[Job]:
    """Lease at most `limit` due jobs of the kinds in `leases` (kind → lease) on `shards` to `token`, earliest
    first, skipping rows another process is claiming at this instant."""
    rows = await conn.fetch(_CLAIM, now, token, list(leases), list(leases.values()), limit, *shards, *switches)
    return [Job(row["id"], row["guild_id"], row["kind"], row["key"], row["due_at"], row["payload"],
                row["attempts"], max(timedelta(0), now - row["due_at"])) for row in rows]


async def finish_jobs(conn: Executor, done: list[tuple[int, uuid.UUID]]) -> None:
    """Delete finished jobs (job id, lease token) that still hold their lease."""
    ids, tokens = zip(*done, strict=True)
    await conn.execute(_FINISH_MANY, list(ids), list(tokens))


async def move_jobs(conn: Executor, moved: list[Moved]) -> None:
    """Move jobs that still hold their lease to their new due time, and free them."""
    ids, tokens, due, reset = zip(*moved, strict=True)
    await conn.execute(_MOVE_MANY, list(ids), list(tokens), list(due), list(reset))


async def release_leases(conn: Executor, tokens: list[uuid.UUID]) -> int:
    """Free the jobs leased to `tokens` without counting the attempt; returns how many."""
    return _count(await conn.execute(_RELEASE, tokens))
