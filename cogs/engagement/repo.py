"""Engagement SQL: the set-based flush, streaks, challenges, weekly awards, OG claims, badges, GDPR.

Every query on guild data filters by guild_id, participants and weekly results included (their guild_id is tied
to their challenge's or week's by a composite foreign key). The cards read running totals
(`engagement_member_totals`, kept by the flush), never every day of a member's history.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from cogs.engagement.buffer import Batch
from core.db import Executor

# --- the flush: one statement per table ------------------------------------------------------------------------

_FLUSH_MESSAGES = """
    INSERT INTO engagement_weekly_messages (guild_id, message_id, channel_id, user_id, created_at, has_image)
    SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::bigint[], $5::timestamptz[], $6::bool[])
    ON CONFLICT (guild_id, message_id) DO NOTHING
"""
# The daily counts and the all-time totals, in one statement: they can never disagree.
_FLUSH_DAILY = """
    WITH batch AS (SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::date[], $4::int[]) AS b(g, u, d, n)),
    daily AS (
        INSERT INTO engagement_daily_counts AS d (guild_id, user_id, day, messages)
        SELECT g, u, d, n FROM batch
        ON CONFLICT (guild_id, user_id, day) DO UPDATE SET messages = d.messages + EXCLUDED.messages
    )
    INSERT INTO engagement_member_totals AS t (guild_id, user_id, messages)
    SELECT g, u, sum(n) FROM batch GROUP BY g, u
    ON CONFLICT (guild_id, user_id) DO UPDATE SET messages = t.messages + EXCLUDED.messages
"""
# A window's days are (run_start … last_day) unbroken. It extends the stored streak when its run starts no later
# than the day after the stored last day; otherwise the stored streak was broken and the run is the new streak.
_FLUSH_STREAKS = """
    INSERT INTO engagement_streaks AS s (guild_id, user_id, last_day, current_days, best_days)
    SELECT g, u, last_d, last_d - run_start + 1, last_d - run_start + 1
    FROM unnest($1::bigint[], $2::bigint[], $3::date[], $4::date[]) AS b(g, u, run_start, last_d)
    ON CONFLICT (guild_id, user_id) DO UPDATE SET
        current_days = CASE
            WHEN s.last_day IS NULL THEN EXCLUDED.current_days
            WHEN EXCLUDED.last_day <= s.last_day THEN s.current_days
            WHEN EXCLUDED.last_day - EXCLUDED.current_days + 1 <= s.last_day + 1
                THEN s.current_days + (EXCLUDED.last_day - s.last_day)
            ELSE EXCLUDED.current_days END,
        best_days = greatest(s.best_days, CASE
            WHEN s.last_day IS NULL THEN EXCLUDED.current_days
            WHEN EXCLUDED.last_day <= s.last_day THEN s.current_days
            WHEN EXCLUDED.last_day - EXCLUDED.current_days + 1 <= s.last_day + 1
                THEN s.current_days + (EXCLUDED.last_day - s.last_day)
            ELSE EXCLUDED.current_days END),
        last_day = greatest(s.last_day, EXCLUDED.last_day)
    RETURNING guild_id, user_id, current_days, base_nickname, nickname_applied
"""
_FLUSH_PARTICIPANTS = """
    INSERT INTO engagement_participants AS p (guild_id, challenge_id, user_id, message_count, first_message_id)
    SELECT b.g, b.c, b.u, b.n, b.f
    FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::int[], $5::bigint[]) AS b(g, c, u, n, f)
    JOIN engagement_challenges c ON c.guild_id = b.g AND c.id = b.c AND c.active
    ON CONFLICT (challenge_id, user_id) DO UPDATE SET message_count = p.message_count + EXCLUDED.message_count,
        first_message_id = least(p.first_message_id, EXCLUDED.first_message_id)
"""
_FLUSH_REACTIONS = """
    UPDATE engagement_weekly_messages AS m SET reactions_count = greatest(0, m.reactions_count + r.delta)
    FROM unnest($1::bigint[], $2::bigint[], $3::int[]) AS r(g, mid, delta)
    WHERE m.guild_id = r.g AND m.message_id = r.mid
"""


@dataclass(frozen=True)
class FlushResult:
    """What one flush wrote: the statements it took and the streak rows it touched (for nicknames)."""

    statements: int
    streaks: list[Any]


async def flush(conn: Executor, batch: Batch, *, streak_guilds: set[int] | None = None) -> FlushResult:
    """Write a batch in the caller's transaction: one statement per table that has something to write.

    The streak rows come back only for `streak_guilds` (the guilds whose nickname suffix is on)."""
    statements = 0
    streaks: list[Any] = []
    if batch.messages:
        await conn.execute(_FLUSH_MESSAGES, *_columns(batch.messages, 6))
        statements += 1
    if batch.daily:
        keys = list(batch.daily)
        await conn.execute(_FLUSH_DAILY, [k[0] for k in keys], [k[1] for k in keys], [k[2] for k in keys],
                           list(batch.daily.values()))
        statements += 1
    if batch.streaks:
        keys = list(batch.streaks)
        marks = list(batch.streaks.values())
        rows = await conn.fetch(_FLUSH_STREAKS, [k[0] for k in keys], [k[1] for k in keys],
                                [m.run_start for m in marks], [m.last_day for m in marks])
        if streak_guilds:
            streaks = [row for row in rows if row["guild_id"] in streak_guilds]
        statements += 1
    if batch.participants:
        keys = list(batch.participants)
        joined = list(batch.participants.values())
        await conn.execute(_FLUSH_PARTICIPANTS, [k[0] for k in keys], [k[1] for k in keys], [k[2] for k in keys],
                           [j.messages for j in joined], [j.first_message_id for j in joined])
        statements += 1
    if batch.reactions:
        keys = list(batch.reactions)
        await conn.execute(_FLUSH_REACTIONS, [k[0] for k in keys], [k[1] for k in keys],
                           list(batch.reactions.values()))
        statements += 1
    return FlushResult(statements, streaks)


def _columns(rows: Any, width: int) -> list[list[Any]]:
    columns: list[list[Any]] = [[] for _ in range(width)]
    for row in rows:
        for index, value in enumerate(row):
            columns[index].append(value)
    return columns


# --- streaks and nicknames ----------------------------------------------------------------------------------------

async def streak(executor: Executor, guild_id: int, user_id: int) -> Any:
    return await executor.fetchrow(
        "SELECT last_day, current_days, best_days, base_nickname, nickname_applied FROM engagement_streaks "
        "WHERE guild_id = $1 AND user_id = $2", guild_id, user_id)


async def end_broken_streaks(executor: Executor, guild_id: int, before: date) -> list[Any]:
    """Set streaks whose last day is before `before` to 0; returns those that carried a nickname suffix."""
    return await executor.fetch(
        "UPDATE engagement_streaks SET current_days = 0 WHERE guild_id = $1 AND current_days > 0 AND last_day < $2 "
        "RETURNING user_id, base_nickname, nickname_applied", guild_id, before)


async def with_suffix(executor: Executor, guild_id: int) -> list[Any]:
    """Members whose nickname carries the streak suffix."""
    return await executor.fetch(
        "SELECT user_id, base_nickname FROM engagement_streaks WHERE guild_id = $1 AND nickname_applied",
        guild_id)


async def set_nickname_state(executor: Executor, guild_id: int, user_id: int, base: str | None, applied: bool) -> None:
    await executor.execute(
        "UPDATE engagement_streaks SET base_nickname = $3, nickname_applied = $4 WHERE guild_id = $1 AND user_id = $2",
        guild_id, user_id, base, applied)


# --- challenges ------------------------------------------------------------------------------------------------------

async def active_challenges(executor: Executor) -> list[Any]:
    """Every active challenge of every guild (loaded once; the hot path keeps them in memory)."""
    return await executor.fetch("SELECT id, guild_id, channel_id FROM engagement_challenges WHERE active")


async def create_challenge(executor: Executor, guild_id: int, channel_id: int, mode: str, title: str,
                           started_at: datetime, ends_at: datetime) -> int | None:
    """The new challenge's id, or None when the channel already has an active one."""
    return await executor.fetchval(
        "INSERT INTO engagement_challenges (guild_id, channel_id, mode, title, active, started_at, ends_at) "
        "VALUES ($1, $2, $3, $4, true, $5, $6) ON CONFLICT (guild_id, channel_id) WHERE active DO NOTHING "
        "RETURNING id", guild_id, channel_id, mode, title, started_at, ends_at)


_CHALLENGE_COLUMNS = "id, guild_id, channel_id, mode, title, active, started_at, ends_at, ended_at, winner_id, " \
                     "messages_count"


async def challenge(executor: Executor, guild_id: int, challenge_id: int, *, lock: bool = False) -> Any:
    sql = "SELECT " + _CHALLENGE_COLUMNS + " FROM engagement_challenges WHERE guild_id = $1 AND id = $2"
    return await executor.fetchrow(sql + (" FOR UPDATE" if lock else ""), guild_id, challenge_id)


async def guild_challenges(executor: Executor, guild_id: int, *, active: bool | None = None,
                           limit: int = 10) -> list[Any]:
    return await executor.fetch(
        "SELECT " + _CHALLENGE_COLUMNS + " FROM engagement_challenges WHERE guild_id = $1 "
        "AND ($2::bool IS NULL OR active = $2) ORDER BY id DESC LIMIT $3", guild_id, active, limit)


async def participants(executor: Executor, guild_id: int, challenge_id: int, limit: int | None = None) -> list[Any]:
    """Participants by messages (most first; ties: who posted first, by their first message's id — rows from
    before that was recorded come after, by row id)."""
    return await executor.fetch(
        "SELECT user_id, message_count FROM engagement_participants "
        "WHERE guild_id = $1 AND challenge_id = $2 AND message_count > 0 "
        "ORDER BY message_count DESC, first_message_id NULLS LAST, id LIMIT $3", guild_id, challenge_id, limit)


async def finish_challenge(executor: Executor, guild_id: int, challenge_id: int, ended_at: datetime,
                           winner_id: int | None, messages: int) -> None:
    await executor.execute(
        "UPDATE engagement_challenges SET active = false, ended_at = $3, winner_id = $4, messages_count = $5 "
        "WHERE guild_id = $1 AND id = $2", guild_id, challenge_id, ended_at, winner_id, messages)


# --- badges, counts, leaderboards -----------------------------------------------------------------------------------

async def award_badges(executor: Executor, guild_id: int, user_ids: list[int], badge_key: str, at: datetime) -> None:
    await executor.execute(
        "INSERT INTO engagement_badges (guild_id, user_id, badge_key, assigned_at) "
        "SELECT $1, u, $3, $4 FROM unnest($2::bigint[]) AS u", guild_id, user_ids, badge_key, at)


async def badges(executor: Executor, guild_id: int, user_id: int) -> list[Any]:
    """The member's badges, counted by kind (most recent kinds first)."""
    return await executor.fetch(
        "SELECT badge_key, count(*) AS times FROM engagement_badges WHERE guild_id = $1 AND user_id = $2 "
        "GROUP BY badge_key ORDER BY max(assigned_at) DESC", guild_id, user_id)


async def leaderboard(executor: Executor, guild_id: int, since: date | None, limit: int) -> list[Any]:
    """The top members since a day (the days of that period only), or of all time (from the running totals)."""
    if since is None:
        return await executor.fetch(
            "SELECT user_id, messages FROM engagement_member_totals WHERE guild_id = $1 AND messages > 0 "
            "ORDER BY messages DESC, user_id LIMIT $2", guild_id, limit)
    return await executor.fetch(
        "SELECT user_id, sum(messages)::bigint AS messages FROM engagement_daily_counts "
        "WHERE guild_id = $1 AND day >= $2 GROUP BY user_id "
        "ORDER BY messages DESC, user_id LIMIT $3", guild_id, since, limit)


async def messages_since(executor: Executor, guild_id: int, user_id: int, since: date) -> int:
    return int(await executor.fetchval(
        "SELECT coalesce(sum(messages), 0) FROM engagement_daily_counts WHERE guild_id = $1 AND user_id = $2 "
        "AND day >= $3", guild_id, user_id, since))


async def member_totals(executor: Executor, guild_id: int, user_id: int) -> tuple[int, int | None]:
    """All-time messages of the member and their rank in the guild (None without messages): one totals row, and
    the members ahead of it counted on the (guild_id, messages) index."""
    row = await executor.fetchrow(
        "SELECT t.messages, (SELECT count(*) FROM engagement_member_totals o "
        "WHERE o.guild_id = $1 AND o.messages > t.messages) + 1 AS rank "
        "FROM engagement_member_totals t WHERE t.guild_id = $1 AND t.user_id = $2 AND t.messages > 0",
        guild_id, user_id)
    return (int(row["messages"]), int(row["rank"])) if row else (0, None)


# --- weekly awards ---------------------------------------------------------------------------------------------------

async def top_senders(executor: Executor, guild_id: int, start: datetime, end: datetime, *,
                      images_only: bool = False) -> Any:
    return await executor.fetchrow(
        "SELECT user_id, count(*) AS metric FROM engagement_weekly_messages "
        "WHERE guild_id = $1 AND created_at >= $2 AND created_at < $3 AND (NOT $4 OR has_image) "
        "GROUP BY user_id ORDER BY metric DESC, min(created_at) LIMIT 1", guild_id, start, end, images_only)


async def most_reacted(executor: Executor, guild_id: int, start: datetime, end: datetime) -> Any:
    return await executor.fetchrow(
        "SELECT user_id, reactions_count AS metric, message_id, channel_id FROM engagement_weekly_messages "
        "WHERE guild_id = $1 AND created_at >= $2 AND created_at < $3 AND reactions_count > 0 "
        "ORDER BY reactions_count DESC, created_at LIMIT 1", guild_id, start, end)


async def open_week(executor: Executor, guild_id: int, week_start: date, week_end: date) -> tuple[int, bool]:
    """The week's row (created now or before) and whether it was created by this call."""
    created = await executor.fetchval(
        "INSERT INTO engagement_weekly_awards (guild_id, week_start, week_end) VALUES ($1, $2, $3) "
        "ON CONFLICT (guild_id, week_start, week_end) DO NOTHING RETURNING id", guild_id, week_start, week_end)
    if created is not None:
        return created, True
    existing = await executor.fetchval(
        "SELECT id FROM engagement_weekly_awards WHERE guild_id = $1 AND week_start = $2 AND week_end = $3",
        guild_id, week_start, week_end)
    return existing, False


async def week(executor: Executor, guild_id: int, week_id: int, *, lock: bool = False) -> Any:
    sql = "SELECT id, week_start, week_end, channel_id, message_id, posted_at FROM engagement_weekly_awards " \
          "WHERE guild_id = $1 AND id = $2"
    return await executor.fetchrow(sql + (" FOR UPDATE" if lock else ""), guild_id, week_id)


async def add_result(executor: Executor, guild_id: int, week_id: int, award_key: str, user_id: int, metric: int,
                     message_id: int | None) -> None:
    await executor.execute(
        "INSERT INTO engagement_weekly_results (guild_id, week_id, award_key, user_id, metric, message_id) "
        "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (week_id, award_key) DO NOTHING",
        guild_id, week_id, award_key, user_id, metric, message_id)


async def results(executor: Executor, guild_id: int, week_id: int) -> list[Any]:
    return await executor.fetch(
        "SELECT r.award_key, r.user_id, r.metric, r.message_id, m.channel_id FROM engagement_weekly_results r "
        "LEFT JOIN engagement_weekly_messages m ON m.guild_id = r.guild_id AND m.message_id = r.message_id "
        "WHERE r.guild_id = $1 AND r.week_id = $2 ORDER BY r.id", guild_id, week_id)


async def mark_posted(executor: Executor, guild_id: int, week_id: int, channel_id: int, message_id: int,
                      at: datetime) -> None:
    await executor.execute(
        "UPDATE engagement_weekly_awards SET channel_id = $3, message_id = $4, posted_at = $5 "
        "WHERE guild_id = $1 AND id = $2", guild_id, week_id, channel_id, message_id, at)


async def prune_messages(executor: Executor, guild_id: int, before: datetime) -> int:
    """Drop indexed messages older than the awards need (retention)."""
    status = await executor.execute(
        "DELETE FROM engagement_weekly_messages WHERE guild_id = $1 AND created_at < $2", guild_id, before)
    return int(status.split()[-1])


# --- OG claims -------------------------------------------------------------------------------------------------------

async def save_og_setup(executor: Executor, guild_id: int, channel_id: int, message_id: int, at: datetime) -> None:
    await executor.execute(
        "INSERT INTO engagement_og_setup (guild_id, channel_id, message_id, updated_at) VALUES ($1, $2, $3, $4) "
        "ON CONFLICT (guild_id) DO UPDATE SET channel_id = EXCLUDED.channel_id, message_id = EXCLUDED.message_id, "
        "updated_at = EXCLUDED.updated_at", guild_id, channel_id, message_id, at)


async def og_setup(executor: Executor, guild_id: int, *, lock: bool = False) -> Any:
    sql = "SELECT channel_id, message_id FROM engagement_og_setup WHERE guild_id = $1"
    return await executor.fetchrow(sql + (" FOR UPDATE" if lock else ""), guild_id)


async def og_count(executor: Executor, guild_id: int) -> int:
    return await executor.fetchval("SELECT count(*) FROM engagement_og_claims WHERE guild_id = $1", guild_id)


async def og_claim(executor: Executor, guild_id: int, user_id: int, at: datetime) -> bool:
    """Record the claim; False when the member already has one."""
    status = await executor.execute(
        "INSERT INTO engagement_og_claims (guild_id, user_id, claimed_at) VALUES ($1, $2, $3) "
        "ON CONFLICT (guild_id, user_id) DO NOTHING", guild_id, user_id, at)
    return status.endswith(" 1")


async def og_claimed(executor: Executor, guild_id: int, user_id: int) -> bool:
    return bool(await executor.fetchval(
        "SELECT true FROM engagement_og_claims WHERE guild_id = $1 AND user_id = $2", guild_id, user_id))
