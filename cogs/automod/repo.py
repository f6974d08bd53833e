"""SQL of automod: rules, actions, logs, user history (escalation points) and daily stats.

Every query filters by guild_id. Changes to rules and actions notify `hearth_automod` in the same transaction,
so every bot process drops that guild's cached rules when (and only when) the change commits.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import asyncpg

from core.db import Executor, TransactionPool
from core.notify import change_and_notify

CHANNEL = "hearth_automod"

RULES_WITH_ACTIONS = """
    SELECT r.id, r.guild_id, r.rule_type, r.name, r.enabled, r.config, r.action_id, r.trial_mode,
           a.action_type, a.severity, a.config AS action_config, a.role_set_by AS action_role_set_by
    FROM automod_rules r LEFT JOIN automod_actions a ON a.id = r.action_id AND a.guild_id = r.guild_id
    WHERE r.guild_id = $1
"""


async def rules(conn: Executor, guild_id: int) -> list[asyncpg.Record]:
    """Every rule of the guild with its action, in id order (one round trip: what the cache loads)."""
    return await conn.fetch(RULES_WITH_ACTIONS + " ORDER BY r.id", guild_id)


async def rule(conn: Executor, guild_id: int, rule_id: int) -> asyncpg.Record | None:
    """One rule of this guild (None for another guild's id)."""
    return await conn.fetchrow(RULES_WITH_ACTIONS + " AND r.id = $2", guild_id, rule_id)


async def create_rule(pool: TransactionPool, guild_id: int, rule_type: str, name: str, config: dict[str, Any],
                      action_id: int | None, trial: bool, created_by: int, now: datetime) -> int:
    """Insert a rule; returns its id."""
    return await change_and_notify(
        pool, CHANNEL, guild_id,
        """INSERT INTO automod_rules (guild_id, rule_type, name, enabled, config, action_id, created_by,
                                          created_at, updated_at, is_premium, trial_mode)
               VALUES ($1, $2, $3, true, $4, $5, $6, $7, $7, $8, $9) RETURNING id""",
        guild_id, rule_type, name, config, action_id, created_by, now, rule_type == "ai", trial)


async def update_rule(pool: TransactionPool, guild_id: int, rule_id: int, *, name: str | None = None,
                      config: dict[str, Any] | None = None, action_id: int | None = None, set_action: bool = False,
                      trial: bool | None = None, enabled: bool | None = None, now: datetime) -> bool:
    """Change some fields of a rule (None = unchanged); False when the guild has no such rule."""
    found = await change_and_notify(
        pool, CHANNEL, guild_id,
        """UPDATE automod_rules SET name = COALESCE($3, name), config = COALESCE($4, config),
                   action_id = CASE WHEN $5 THEN $6 ELSE action_id END, trial_mode = COALESCE($7, trial_mode),
                   enabled = COALESCE($8, enabled), updated_at = $9
               WHERE guild_id = $1 AND id = $2 RETURNING id""",
        guild_id, rule_id, name, config, set_action, action_id, trial, enabled, now)
    return found is not None


async def delete_rule(pool: TransactionPool, guild_id: int, rule_id: int) -> str | None:
    """Delete a rule; returns its name (None when the guild has no such rule)."""
    return await change_and_notify(
        pool, CHANNEL, guild_id,
        "DELETE FROM automod_rules WHERE guild_id = $1 AND id = $2 RETURNING name",
        guild_id, rule_id)


# --- actions ---------------------------------------------------------------------------------------------

async def actions(conn: Executor, guild_id: int) -> list[asyncpg.Record]:
    """Every action of the guild, in id order."""
    return await conn.fetch("SELECT id, action_type, severity, config FROM automod_actions WHERE guild_id = $1 "
                            "ORDER BY id", guild_id)


async def action(conn: Executor, guild_id: int, action_id: int) -> asyncpg.Record | None:
    """One action of this guild."""
    return await conn.fetchrow("SELECT id, action_type, severity, config FROM automod_actions "
                               "WHERE guild_id = $1 AND id = $2", guild_id, action_id)


async def create_action(pool: Executor, guild_id: int, action_type: str, severity: int, config: dict[str, Any],
                        created_by: int, now: datetime, role_set_by: int | None = None) -> int:
    """Insert an action; returns its id. `role_set_by`: who chose its role (role safety checks them on each mute)."""
    return await pool.fetchval(
        """INSERT INTO automod_actions (guild_id, action_type, severity, config, is_premium, created_by, created_at,
                                        role_set_by)
           VALUES ($1, $2, $3, $4, false, $5, $6, $7) RETURNING id""",
        guild_id, action_type, severity, config, created_by, now, role_set_by)


async def update_action(pool: TransactionPool, guild_id: int, action_id: int, action_type: str, severity: int,
                        config: dict[str, Any], role_set_by: int | None = None) -> bool:
    """Replace an action's type, severity and config (rules using it see the change); `role_set_by` (when given)
    records who chose a new role."""
    found = await change_and_notify(
        pool, CHANNEL, guild_id,
        """UPDATE automod_actions SET action_type = $3, severity = $4, config = $5,
                   role_set_by = COALESCE($6, role_set_by)
               WHERE guild_id = $1 AND id = $2 RETURNING id""",
        guild_id, action_id, action_type, severity, config, role_set_by)
    return found is not None


async def delete_action(pool: TransactionPool, guild_id: int, action_id: int) -> bool:
    """Delete an action (rules using it are left without one: they only log)."""
    found = await change_and_notify(
        pool, CHANNEL, guild_id,
        "DELETE FROM automod_actions WHERE guild_id = $1 AND id = $2 RETURNING id",
        guild_id, action_id)
    return found is not None


# --- logs and appeals ------------------------------------------------------------------------------------

LOG_COLUMNS = ("id, guild_id, user_id, message_id, channel_id, rule_id, action_taken, message_content, context, "
               "moderator_id, timestamp, appeal_status, points, appeal_reason, false_positive")


async def insert_log(pool: Executor, guild_id: int, user_id: int, message_id: int | None, channel_id: int | None,
                     rule_id: int | None, action_taken: str, content: str | None, context: dict[str, Any],
                     points: float, now: datetime, ai_analysis: dict[str, Any] | None = None) -> int:
    """Write one automod_logs row; returns its id."""
    return await pool.fetchval(
        """INSERT INTO automod_logs (guild_id, user_id, message_id, channel_id, rule_id, action_taken,
                                     message_content, context, points, timestamp, ai_analysis)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id""",
        guild_id, user_id, message_id, channel_id, rule_id, action_taken, content, context, points, now, ai_analysis)


async def update_log_outcome(pool: Executor, guild_id: int, log_id: int, action_taken: str,
                             context: dict[str, Any]) -> None:
    """Record how the action went (notes such as "DMs closed", or a failure)."""
    await pool.execute("UPDATE automod_logs SET context = $3, action_taken = $4 WHERE guild_id = $1 AND id = $2",
                       guild_id, log_id, context, action_taken)


async def get_log(conn: Executor, guild_id: int, log_id: int) -> asyncpg.Record | None:
    """One log row of this guild."""
    return await conn.fetchrow("SELECT " + LOG_COLUMNS + " FROM automod_logs WHERE guild_id = $1 AND id = $2",
                               guild_id, log_id)


async def open_appeal(pool: Executor, guild_id: int, log_id: int, user_id: int, reason: str) -> bool:
    """Mark the member's log row as appealed (only once, only by that member)."""
    found = await pool.fetchval(
        """UPDATE automod_logs SET appeal_status = 'pending', appeal_reason = $4
           WHERE guild_id = $1 AND id = $2 AND user_id = $3 AND appeal_status = 'none' RETURNING id""",
        guild_id, log_id, user_id, reason)
    return found is not None


async def decide_appeal(pool: Executor, guild_id: int, log_id: int, status: str, moderator_id: int,
                        now: datetime) -> asyncpg.Record | None:
    """Approve or deny a pending appeal (once: a second click finds nothing); returns the row."""
    return await pool.fetchrow(
        """UPDATE automod_logs SET appeal_status = $3, appeal_decided_by = $4, appeal_decided_at = $5
           WHERE guild_id = $1 AND id = $2 AND appeal_status = 'pending' RETURNING """ + LOG_COLUMNS,
        guild_id, log_id, status, moderator_id, now)


async def mark_false_positive(pool: Executor, guild_id: int, log_id: int, moderator_id: int) -> asyncpg.Record | None:
    """Mark a log row as a false positive (once); returns the row."""
    return await pool.fetchrow(
        """UPDATE automod_logs SET false_positive = true, moderator_id = $3
           WHERE guild_id = $1 AND id = $2 AND NOT false_positive RETURNING """ + LOG_COLUMNS,
        guild_id, log_id, moderator_id)


# --- user history (escalation) ---------------------------------------------------------------------------

async def history_for_update(conn: Executor, guild_id: int, user_id: int) -> list[asyncpg.Record]:
    """The member's history rows, locked until the transaction ends."""
    return await conn.fetch(
        """SELECT rule_type, violation_count, last_violation, total_points, context FROM automod_user_history
           WHERE guild_id = $1 AND user_id = $2 FOR UPDATE""", guild_id, user_id)


async def save_history(conn: Executor, guild_id: int, user_id: int, rule_type: str, violation_count: int,
                       last_violation: datetime, points: float, context: dict[str, Any], now: datetime) -> None:
    """Insert or replace one history row."""
    await conn.execute(
        """INSERT INTO automod_user_history (guild_id, user_id, rule_type, violation_count, last_violation,
                                             total_points, context, updated_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
           ON CONFLICT (guild_id, user_id, rule_type) DO UPDATE SET violation_count = EXCLUDED.violation_count,
               last_violation = EXCLUDED.last_violation, total_points = EXCLUDED.total_points,
               context = EXCLUDED.context, updated_at = EXCLUDED.updated_at""",
        guild_id, user_id, rule_type, violation_count, last_violation, round(points), context, now)


# --- stats -----------------------------------------------------------------------------------------------

async def flush_stats(pool: Executor, rows: list[tuple[int, int, date, int, int, float]]) -> None:
    """Add buffered counts, set-based, in one statement: (guild, rule, day, triggers, false positives,
    summed response ms). The average response time is weighted by the triggers of each batch."""
    if not rows:
        return
    guilds, rule_ids, days, triggers, fps, totals = (list(column) for column in zip(*rows, strict=True))
    await pool.execute(
        """INSERT INTO automod_stats AS s (guild_id, rule_id, date, triggers_count, false_positives,
                                           avg_response_time)
           SELECT g, r, d, t, f, CASE WHEN t > 0 THEN ms / t END
           FROM unnest($1::bigint[], $2::int[], $3::date[], $4::int[], $5::int[], $6::float8[]) AS b(g, r, d, t, f, ms)
           WHERE EXISTS (SELECT 1 FROM automod_rules WHERE id = b.r AND guild_id = b.g)
           ON CONFLICT (guild_id, rule_id, date) DO UPDATE SET
               triggers_count = s.triggers_count + EXCLUDED.triggers_count,
               false_positives = s.false_positives + EXCLUDED.false_positives,
               avg_response_time = CASE
                   WHEN s.triggers_count + EXCLUDED.triggers_count = 0 THEN s.avg_response_time
                   ELSE (COALESCE(s.avg_response_time, 0) * s.triggers_count
                         + COALESCE(EXCLUDED.avg_response_time, 0) * EXCLUDED.triggers_count)
                        / (s.triggers_count + EXCLUDED.triggers_count) END""",
        guilds, rule_ids, days, triggers, fps, totals)


async def stats(conn: Executor, guild_id: int, since: date) -> list[asyncpg.Record]:
    """Per rule since `since`: triggers, false positives, average response time (ms)."""
    return await conn.fetch(
        """SELECT r.id, r.name, r.rule_type, r.trial_mode, COALESCE(sum(s.triggers_count), 0) AS triggers,
                  COALESCE(sum(s.false_positives), 0) AS false_positives,
                  sum(s.avg_response_time * s.triggers_count) / NULLIF(sum(s.triggers_count), 0) AS avg_ms
           FROM automod_rules r
           LEFT JOIN automod_stats s ON s.rule_id = r.id AND s.guild_id = r.guild_id AND s.date >= $2
           WHERE r.guild_id = $1 GROUP BY r.id ORDER BY triggers DESC, r.id""", guild_id, since)


_DAILY_TRIGGERS = """
    SELECT date AS day, COALESCE(sum(triggers_count), 0)::bigint AS n FROM automod_stats
    WHERE guild_id = $1 AND date >= $2 GROUP BY date
"""


async def daily_triggers(conn: Executor, guild_id: int, since: date) -> dict[date, int]:
    """Automod actions (rule triggers) per day since `since`, every rule together."""
    return {row["day"]: row["n"] for row in await conn.fetch(_DAILY_TRIGGERS, guild_id, since)}


# --- points of cases (manual warnings through AutomodApi; automod's own cases) ---------------------------

async def log_of_case(conn: Executor, guild_id: int, case_number: int) -> asyncpg.Record | None:
    """The log row that holds the points of moderation case `case_number` (its context names the case)."""
    return await conn.fetchrow(
        "SELECT " + LOG_COLUMNS + """ FROM automod_logs WHERE guild_id = $1 AND context->>'case' = $2::text
           ORDER BY id LIMIT 1""", guild_id, str(case_number))


async def take_points(pool: Executor, guild_id: int, log_id: int) -> asyncpg.Record | None:
    """Mark a log row's points as taken back (once: a second call finds nothing); the row, or None when its points
    were already taken back or it has none."""
    return await pool.fetchrow(
        """UPDATE automod_logs SET context = COALESCE(context, '{}'::jsonb) || '{"points_removed": true}'::jsonb
           WHERE guild_id = $1 AND id = $2 AND points > 0
             AND NOT COALESCE((context->>'points_removed')::boolean, false)
           RETURNING """ + LOG_COLUMNS, guild_id, log_id)


async def set_log_case(pool: Executor, guild_id: int, log_id: int, case_number: int) -> None:
    """Remember the moderation case that records a logged action."""
    await pool.execute(
        """UPDATE automod_logs SET context = COALESCE(context, '{}'::jsonb) || jsonb_build_object('case', $3::int)
           WHERE guild_id = $1 AND id = $2""", guild_id, log_id, case_number)
