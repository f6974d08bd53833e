"""Every SQL statement of moderation: cases (numbered per guild), reason edits, moderator notes.

Functions take a `core.db.Executor`; those that must run in the caller's transaction (numbering a case, editing
a reason with its history) take an `asyncpg.Connection`. Every query filters by guild.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import asyncpg

from core.db import Executor

_CASE_COLUMNS = """id, guild_id, number, type, target_id, moderator_id, automod_rule, reason, duration_seconds,
    expires_at, points, evidence, linked_case, created_at, updated_at, deleted_at, deleted_by, delete_reason,
    log_channel_id, log_message_id"""
CASE_COLUMNS = _CASE_COLUMNS  # the columns `Case.of` reads (cogs/moderation/web_repo.py selects them too)


async def next_number(conn: asyncpg.Connection, guild_id: int) -> int:
    """The guild's next case number, taken in the caller's transaction: the counter row stays locked until it
    commits, so concurrent cases are numbered one after the other (a rollback gives the number back)."""
    return await conn.fetchval(
        """INSERT INTO moderation_case_counters (guild_id, last_number) VALUES ($1, 1)
           ON CONFLICT (guild_id) DO UPDATE SET last_number = moderation_case_counters.last_number + 1
           RETURNING last_number""", guild_id)


async def insert_case(conn: asyncpg.Connection, guild_id: int, number: int, type_: str, *, target_id: int | None,
                      moderator_id: int | None, automod_rule: str | None, reason: str | None,
                      duration_seconds: int | None, expires_at: datetime | None, points: float,
                      evidence: dict[str, Any] | None, linked_case: int | None, now: datetime) -> asyncpg.Record:
    """Insert a numbered case; the new row."""
    return await conn.fetchrow(
        f"""INSERT INTO moderation_cases (guild_id, number, type, target_id, moderator_id, automod_rule, reason,
               duration_seconds, expires_at, points, evidence, linked_case, created_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING {_CASE_COLUMNS}""",
        guild_id, number, type_, target_id, moderator_id, automod_rule, reason, duration_seconds, expires_at,
        points, evidence, linked_case, now)


async def get_case(executor: Executor, guild_id: int, number: int) -> asyncpg.Record | None:
    """One case of the guild (deleted ones too)."""
    return await executor.fetchrow(
        f"SELECT {_CASE_COLUMNS} FROM moderation_cases WHERE guild_id = $1 AND number = $2", guild_id, number)


async def set_log_message(executor: Executor, guild_id: int, number: int, channel_id: int | None,
                          message_id: int | None) -> None:
    """Remember the mod-log message that shows the case."""
    await executor.execute(
        "UPDATE moderation_cases SET log_channel_id = $3, log_message_id = $4 WHERE guild_id = $1 AND number = $2",
        guild_id, number, channel_id, message_id)


async def edit_reason(conn: asyncpg.Connection, guild_id: int, number: int, reason: str, by: int,
                      now: datetime) -> asyncpg.Record | None:
    """Change a (not deleted) case's reason and keep the old one in moderation_case_edits; the updated case, or
    None when there is no such case. Runs in the caller's transaction."""
    old = await conn.fetchrow(
        """SELECT id, reason FROM moderation_cases WHERE guild_id = $1 AND number = $2 AND deleted_at IS NULL
           FOR UPDATE""", guild_id, number)
    if old is None:
        return None
    await conn.execute(
        """INSERT INTO moderation_case_edits (guild_id, case_id, edited_by, old_reason, new_reason, edited_at)
           VALUES ($1, $2, $3, $4, $5, $6)""", guild_id, old["id"], by, old["reason"], reason, now)
    return await conn.fetchrow(
        f"""UPDATE moderation_cases SET reason = $3, updated_at = $4 WHERE guild_id = $1 AND number = $2
            RETURNING {_CASE_COLUMNS}""", guild_id, number, reason, now)


async def edits(executor: Executor, guild_id: int, number: int) -> list[asyncpg.Record]:
    """A case's reason changes, oldest first."""
    return await executor.fetch(
        """SELECT e.edited_by, e.old_reason, e.new_reason, e.edited_at
           FROM moderation_case_edits e JOIN moderation_cases c ON c.id = e.case_id
           WHERE e.guild_id = $1 AND c.guild_id = $1 AND c.number = $2 ORDER BY e.id""", guild_id, number)


async def soft_delete(executor: Executor, guild_id: int, number: int, by: int, reason: str | None, now: datetime, *,
                      only_type: str | None = None) -> asyncpg.Record | None:
    """Mark a case deleted (it stays, hidden from listings and point totals); the case, or None when there is no
    such live case (of `only_type`, when given)."""
    return await executor.fetchrow(
        f"""UPDATE moderation_cases SET deleted_at = $4, deleted_by = $3, delete_reason = $5, updated_at = $4
            WHERE guild_id = $1 AND number = $2 AND deleted_at IS NULL AND ($6::text IS NULL OR type = $6)
            RETURNING {_CASE_COLUMNS}""", guild_id, number, by, now, reason, only_type)


# Live cases of a guild ($1), optionally of one target ($2), moderator ($3) and type ($4).
_FILTERED = """guild_id = $1 AND deleted_at IS NULL AND ($2::bigint IS NULL OR target_id = $2)
               AND ($3::bigint IS NULL OR moderator_id = $3) AND ($4::text IS NULL OR type = $4)"""
_PAGE = f"SELECT {_CASE_COLUMNS} FROM moderation_cases WHERE {_FILTERED} ORDER BY number DESC LIMIT $5 OFFSET $6"
_PAGE_TOTAL = f"SELECT count(*) FROM moderation_cases WHERE {_FILTERED}"


async def page(executor: Executor, guild_id: int, *, target_id: int | None, moderator_id: int | None,
               type_: str | None, limit: int, offset: int) -> tuple[list[asyncpg.Record], int]:
    """Live cases matching the filters, newest first, and how many there are."""
    rows = await executor.fetch(_PAGE, guild_id, target_id, moderator_id, type_, limit, offset)
    total = await executor.fetchval(_PAGE_TOTAL, guild_id, target_id, moderator_id, type_)
    return list(rows), total


async def counts(executor: Executor, guild_id: int, target_id: int) -> dict[str, int]:
    """A member's live cases per type."""
    rows = await executor.fetch(
        """SELECT type, count(*) AS n FROM moderation_cases
           WHERE guild_id = $1 AND target_id = $2 AND deleted_at IS NULL GROUP BY type""", guild_id, target_id)
    return {row["type"]: row["n"] for row in rows}


async def warnings(executor: Executor, guild_id: int, target_id: int) -> list[asyncpg.Record]:
    """A member's live warnings, newest first."""
    return list(await executor.fetch(
        f"""SELECT {_CASE_COLUMNS} FROM moderation_cases
            WHERE guild_id = $1 AND target_id = $2 AND type = 'warn' AND deleted_at IS NULL
            ORDER BY number DESC""", guild_id, target_id))


async def open_ban(executor: Executor, guild_id: int, target_id: int) -> asyncpg.Record | None:
    """The member's latest live ban or tempban that no unban closed yet."""
    return await executor.fetchrow(
        f"""SELECT {_CASE_COLUMNS} FROM moderation_cases c
            WHERE c.guild_id = $1 AND c.target_id = $2 AND c.type IN ('ban', 'tempban') AND c.deleted_at IS NULL
              AND NOT EXISTS (SELECT 1 FROM moderation_cases u WHERE u.guild_id = c.guild_id
                              AND u.linked_case = c.number AND u.type = 'unban')
            ORDER BY c.number DESC LIMIT 1""", guild_id, target_id)


async def open_timeout(executor: Executor, guild_id: int, target_id: int) -> asyncpg.Record | None:
    """The member's latest live timeout that no untimeout closed yet."""
    return await executor.fetchrow(
        f"""SELECT {_CASE_COLUMNS} FROM moderation_cases c
            WHERE c.guild_id = $1 AND c.target_id = $2 AND c.type = 'timeout' AND c.deleted_at IS NULL
              AND NOT EXISTS (SELECT 1 FROM moderation_cases u WHERE u.guild_id = c.guild_id
                              AND u.linked_case = c.number AND u.type = 'untimeout')
            ORDER BY c.number DESC LIMIT 1""", guild_id, target_id)


async def closing_case(executor: Executor, guild_id: int, number: int, type_: str) -> asyncpg.Record | None:
    """The case of `type_` that closes case `number` (the unban of a tempban), if any."""
    return await executor.fetchrow(
        f"""SELECT {_CASE_COLUMNS} FROM moderation_cases WHERE guild_id = $1 AND linked_case = $2 AND type = $3
            LIMIT 1""", guild_id, number, type_)


# --- appeals (of manual bans and timeouts) -------------------------------------------------------------------

async def case_to_appeal(executor: Executor, guild_id: int, target_id: int, now: datetime) -> asyncpg.Record | None:
    """The member's latest live case an appeal can still reverse: a ban or tempban no unban closed, or a timeout
    that has not run out and no untimeout closed."""
    return await executor.fetchrow(
        f"""SELECT {_CASE_COLUMNS} FROM moderation_cases c
            WHERE c.guild_id = $1 AND c.target_id = $2 AND c.deleted_at IS NULL
              AND ((c.type IN ('ban', 'tempban') AND NOT EXISTS (
                       SELECT 1 FROM moderation_cases u WHERE u.guild_id = c.guild_id AND u.linked_case = c.number
                       AND u.type = 'unban'))
                   OR (c.type = 'timeout' AND c.expires_at > $3 AND NOT EXISTS (
                       SELECT 1 FROM moderation_cases u WHERE u.guild_id = c.guild_id AND u.linked_case = c.number
                       AND u.type = 'untimeout')))
            ORDER BY c.number DESC LIMIT 1""", guild_id, target_id, now)


_APPEAL_COLUMNS = "id, guild_id, case_number, user_id, reason, status, decided_by, decided_at, created_at"


async def appeal_of_case(executor: Executor, guild_id: int, case_number: int) -> asyncpg.Record | None:
    """The appeal of a case, if one was made."""
    return await executor.fetchrow(
        f"SELECT {_APPEAL_COLUMNS} FROM moderation_appeals WHERE guild_id = $1 AND case_number = $2",
        guild_id, case_number)


async def get_appeal(executor: Executor, guild_id: int, appeal_id: int) -> asyncpg.Record | None:
    """One appeal of the guild."""
    return await executor.fetchrow(
        f"SELECT {_APPEAL_COLUMNS} FROM moderation_appeals WHERE guild_id = $1 AND id = $2", guild_id, appeal_id)


async def open_appeal(executor: Executor, guild_id: int, case_number: int, user_id: int, reason: str,
                      now: datetime) -> int | None:
    """Store a pending appeal of a case; its id, or None when the case was already appealed (once per case)."""
    return await executor.fetchval(
        """INSERT INTO moderation_appeals (guild_id, case_number, user_id, reason, created_at)
           VALUES ($1, $2, $3, $4, $5) ON CONFLICT (guild_id, case_number) DO NOTHING RETURNING id""",
        guild_id, case_number, user_id, reason, now)


async def decide_appeal(executor: Executor, guild_id: int, appeal_id: int, status: str, by: int,
                        now: datetime) -> asyncpg.Record | None:
    """Decide a pending appeal (once: a second decision finds nothing); the appeal, or None."""
    return await executor.fetchrow(
        f"""UPDATE moderation_appeals SET status = $3, decided_by = $4, decided_at = $5
            WHERE guild_id = $1 AND id = $2 AND status = 'pending' RETURNING {_APPEAL_COLUMNS}""",
        guild_id, appeal_id, status, by, now)


async def reopen_appeal(executor: Executor, guild_id: int, appeal_id: int) -> None:
    """Put an approved appeal back to pending: Discord refused the reversal, so nothing was reversed."""
    await executor.execute(
        """UPDATE moderation_appeals SET status = 'pending', decided_by = NULL, decided_at = NULL
           WHERE guild_id = $1 AND id = $2""", guild_id, appeal_id)


# --- notes ---------------------------------------------------------------------------------------------------

async def add_note(executor: Executor, guild_id: int, target_id: int, author_id: int, text: str,
                   now: datetime) -> int:
    """Store a note; its id."""
    return await executor.fetchval(
        """INSERT INTO moderation_notes (guild_id, target_id, author_id, text, created_at)
           VALUES ($1, $2, $3, $4, $5) RETURNING id""", guild_id, target_id, author_id, text, now)


async def notes_page(executor: Executor, guild_id: int, target_id: int, limit: int,
                     offset: int) -> tuple[list[asyncpg.Record], int]:
    """A member's notes, newest first, and how many there are."""
    rows = await executor.fetch(
        """SELECT id, author_id, text, created_at FROM moderation_notes WHERE guild_id = $1 AND target_id = $2
           ORDER BY id DESC LIMIT $3 OFFSET $4""", guild_id, target_id, limit, offset)
    total = await executor.fetchval(
        "SELECT count(*) FROM moderation_notes WHERE guild_id = $1 AND target_id = $2", guild_id, target_id)
    return list(rows), total


async def remove_note(executor: Executor, guild_id: int, note_id: int) -> asyncpg.Record | None:
    """Delete a note; the deleted note, or None."""
    return await executor.fetchrow(
        "DELETE FROM moderation_notes WHERE guild_id = $1 AND id = $2 RETURNING id, target_id, text",
        guild_id, note_id)


async def forget_target(conn: Executor, user_id: int) -> int:
    """GDPR erasure (every guild): the member's cases stay, without their evidence and without naming them."""
    status = await conn.execute(
        "UPDATE moderation_cases SET target_id = NULL, evidence = NULL WHERE target_id = $1", user_id)
    return int(status.split()[-1])
