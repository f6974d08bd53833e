"""SQL of onboarding: rules, questions and members' responses. Every query is scoped to one guild, except the
GDPR export and erasure of one user (which cover every guild by design)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from cogs.onboarding.flow import COMPLETED, Question, Rule
from core.db import Executor

_RULE_COLUMNS = "id, rule_order, title, description, thumbnail_url, image_url, enabled"
_QUESTION_COLUMNS = "id, step_order, question, question_type, options, followup, required, enabled, role_map_by"


def _rule(row: Any) -> Rule | None:
    if row is None:
        return None
    return Rule(id=row["id"], order=row["rule_order"], title=row["title"], description=row["description"],
                thumbnail_url=row["thumbnail_url"], image_url=row["image_url"], enabled=row["enabled"] is not False)


def _question(row: Any) -> Question | None:
    return Question.from_row(row) if row is not None else None


# --- rules -------------------------------------------------------------------------------------------------

async def rules(conn: Executor, guild_id: int) -> list[Rule]:
    """The guild's rules in display order (enabled or not)."""
    rows = await conn.fetch("SELECT " + _RULE_COLUMNS + " FROM guild_rules WHERE guild_id = $1 "
                            "ORDER BY rule_order, id", guild_id)
    return [_rule(row) for row in rows]  # type: ignore[misc]


async def rule(conn: Executor, guild_id: int, rule_id: int) -> Rule | None:
    """One rule of this guild."""
    return _rule(await conn.fetchrow("SELECT " + _RULE_COLUMNS + " FROM guild_rules WHERE guild_id = $1 AND id = $2",
                                     guild_id, rule_id))


async def add_rule(conn: Executor, guild_id: int, title: str, description: str, thumbnail_url: str | None,
                   image_url: str | None) -> Rule:
    """A new enabled rule, shown last."""
    row = await conn.fetchrow(
        "INSERT INTO guild_rules (guild_id, rule_order, title, description, thumbnail_url, image_url, enabled) "
        "VALUES ($1, (SELECT coalesce(max(rule_order), 0) + 1 FROM guild_rules WHERE guild_id = $1), $2, $3, $4, "
        "$5, true) RETURNING " + _RULE_COLUMNS, guild_id, title, description, thumbnail_url, image_url)
    return _rule(row)  # type: ignore[return-value]


async def update_rule(conn: Executor, guild_id: int, rule_id: int, title: str, description: str,
                      thumbnail_url: str | None, image_url: str | None, enabled: bool) -> Rule | None:
    """Replace a rule's texts, images and state."""
    row = await conn.fetchrow(
        "UPDATE guild_rules SET title = $3, description = $4, thumbnail_url = $5, image_url = $6, enabled = $7, "
        "updated_at = now() WHERE guild_id = $1 AND id = $2 RETURNING " + _RULE_COLUMNS,
        guild_id, rule_id, title, description, thumbnail_url, image_url, enabled)
    return _rule(row)


async def delete_rule(conn: Executor, guild_id: int, rule_id: int) -> bool:
    """Delete one rule of this guild; False if there was none."""
    status = await conn.execute("DELETE FROM guild_rules WHERE guild_id = $1 AND id = $2", guild_id, rule_id)
    return status.endswith(" 1")


# --- questions ---------------------------------------------------------------------------------------------

async def questions(conn: Executor, guild_id: int) -> list[Question]:
    """The guild's questions in order (enabled or not)."""
    rows = await conn.fetch("SELECT " + _QUESTION_COLUMNS + " FROM guild_onboarding_questions WHERE guild_id = $1 "
                            "ORDER BY step_order, id", guild_id)
    return [Question.from_row(row) for row in rows]


async def question(conn: Executor, guild_id: int, question_id: int) -> Question | None:
    """One question of this guild."""
    return _question(await conn.fetchrow(
        "SELECT " + _QUESTION_COLUMNS + " FROM guild_onboarding_questions WHERE guild_id = $1 AND id = $2",
        guild_id, question_id))


async def add_question(conn: Executor, guild_id: int, text: str, question_type: str, options: list[dict] | None,
                       required: bool) -> Question:
    """A new enabled question, asked last."""
    row = await conn.fetchrow(
        "INSERT INTO guild_onboarding_questions (guild_id, step_order, question, question_type, options, followup, "
        "required, enabled) VALUES ($1, (SELECT coalesce(max(step_order), 0) + 1 FROM guild_onboarding_questions "
        "WHERE guild_id = $1), $2, $3, $4, '[]'::jsonb, $5, true) RETURNING " + _QUESTION_COLUMNS,
        guild_id, text, question_type, options or [], required)
    return Question.from_row(row)


async def update_question(conn: Executor, guild_id: int, question_id: int, text: str, question_type: str,
                          options: list[dict], followups: list[dict], required: bool,
                          enabled: bool, role_map_by: int | None = None) -> Question | None:
    """Replace a question's definition (text, type, options with their roles, follow-ups, flags); `role_map_by`
    (when given) records who changed its role mapping."""
    row = await conn.fetchrow(
        "UPDATE guild_onboarding_questions SET question = $3, question_type = $4, options = $5, followup = $6, "
        "required = $7, enabled = $8, role_map_by = COALESCE($9, role_map_by), updated_at = now() "
        "WHERE guild_id = $1 AND id = $2 RETURNING " + _QUESTION_COLUMNS,
        guild_id, question_id, text, question_type, options, followups, required, enabled, role_map_by)
    return _question(row)


async def delete_question(conn: Executor, guild_id: int, question_id: int) -> bool:
    """Delete one question of this guild; False if there was none."""
    status = await conn.execute("DELETE FROM guild_onboarding_questions WHERE guild_id = $1 AND id = $2",
                                guild_id, question_id)
    return status.endswith(" 1")


# --- order -------------------------------------------------------------------------------------------------

_ORDER_TABLES = {"rules": ("guild_rules", "rule_order"), "questions": ("guild_onboarding_questions", "step_order")}


async def set_order(conn: Executor, guild_id: int, kind: str, ids: list[int]) -> None:
    """Number the guild's rules or questions 1, 2, … in the order of `ids` (call inside a transaction).

    The (guild_id, order) unique constraint is checked row by row, so the rows first move out of the way."""
    table, column = _ORDER_TABLES[kind]  # identifiers from an allow-list, never from input
    move_away = "UPDATE " + table + " SET " + column + " = -" + column + " - 1000000 WHERE guild_id = $1"
    renumber = ("UPDATE " + table + " AS t SET " + column + " = v.position, updated_at = now() "
                "FROM unnest($2::int[]) WITH ORDINALITY AS v(id, position) WHERE t.guild_id = $1 AND t.id = v.id")
    await conn.execute(move_away, guild_id)
    await conn.execute(renumber, guild_id, ids)


# --- responses ---------------------------------------------------------------------------------------------

async def responses(conn: Executor, guild_id: int, user_id: int) -> dict[str, Any]:
    """The member's saved responses on this guild ({} when none)."""
    value = await conn.fetchval("SELECT responses FROM onboarding WHERE guild_id = $1 AND user_id = $2",
                                guild_id, user_id)
    return dict(value or {})


async def save(conn: Executor, guild_id: int, user_id: int, patch: dict[str, Any], now: datetime) -> dict[str, Any]:
    """Merge answers into the member's responses (one statement: two quick clicks cannot lose an answer)."""
    value = await conn.fetchval(
        "INSERT INTO onboarding (guild_id, user_id, responses, \"timestamp\") VALUES ($1, $2, $3, $4) "
        "ON CONFLICT (guild_id, user_id) DO UPDATE SET responses = coalesce(onboarding.responses, '{}'::jsonb) "
        "|| EXCLUDED.responses, \"timestamp\" = EXCLUDED.\"timestamp\" RETURNING responses",
        guild_id, user_id, patch, now)
    return dict(value)


async def complete(conn: Executor, guild_id: int, user_id: int, when: str, now: datetime) -> bool:
    """Mark the member's onboarding as completed; False if it already was (a double click completes once)."""
    status = await conn.execute(
        "UPDATE onboarding SET responses = responses || jsonb_build_object($3::text, $4::text), "
        "\"timestamp\" = $5 WHERE guild_id = $1 AND user_id = $2 AND NOT (responses ? $3)",
        guild_id, user_id, COMPLETED, when, now)
    return status.endswith(" 1")


async def reset(conn: Executor, guild_id: int, user_id: int) -> bool:
    """Forget a member's responses on this guild (they start over); False if there were none."""
    status = await conn.execute("DELETE FROM onboarding WHERE guild_id = $1 AND user_id = $2", guild_id, user_id)
    return status.endswith(" 1")


async def all_responses(conn: Executor, guild_id: int) -> list[Any]:
    """Every member's responses on this guild (for the CSV export), oldest first."""
    return await conn.fetch("SELECT user_id, responses, \"timestamp\" FROM onboarding WHERE guild_id = $1 "
                            "ORDER BY \"timestamp\" NULLS FIRST, user_id", guild_id)


# --- GDPR (one user, every guild) --------------------------------------------------------------------------

async def user_rows(conn: Executor, user_id: int) -> list[Any]:
    """Every onboarding row of a user, in every guild."""
    return await conn.fetch("SELECT guild_id, user_id, responses, \"timestamp\" FROM onboarding WHERE user_id = $1 "
                            "ORDER BY guild_id", user_id)


async def erase_user(conn: Executor, user_id: int) -> str:
    """Delete every onboarding row of a user; returns the status ('DELETE n')."""
    return await conn.execute("DELETE FROM onboarding WHERE user_id = $1", user_id)


async def questions_mapped_by(conn: Executor, user_id: int) -> list[Any]:
    """The questions (in every guild) whose role mapping the user changed last: the server's, not theirs."""
    return await conn.fetch("SELECT guild_id, id, question, role_map_by FROM guild_onboarding_questions "
                            "WHERE role_map_by = $1 ORDER BY guild_id, id", user_id)


async def forget_role_mapper(conn: Executor, user_id: int) -> str:
    """Erasure: the questions stay (they are the server's) without who mapped their roles; returns the status.
    Their roles are then no longer given until someone maps them again (role safety has no setter to check)."""
    return await conn.execute("UPDATE guild_onboarding_questions SET role_map_by = NULL WHERE role_map_by = $1",
                              user_id)
