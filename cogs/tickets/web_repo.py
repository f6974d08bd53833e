"""SQL of the tickets' reads for the dashboard and the REST API (`TicketsApi.page`, `TicketsApi.details`): a
guild's tickets filtered by status, opener and assignee, newest first, paged by id; one ticket's feedback."""

from __future__ import annotations

from typing import Any

from core.db import Executor

_PAGE = """
    SELECT id, user_id, username, description, status, category, priority, claimed_by, created_at, closed_at,
           closed_by, close_reason, channel_id
    FROM support_tickets
    WHERE guild_id = $1 AND ($2::text[] IS NULL OR status = ANY($2::text[]))
      AND ($3::bigint IS NULL OR user_id = $3) AND ($4::bigint IS NULL OR claimed_by = $4)
      AND ($5::int IS NULL OR id < $5)
    ORDER BY id DESC LIMIT $6
"""
_FEEDBACK = "SELECT stars, comment, created_at FROM ticket_feedback WHERE guild_id = $1 AND ticket_id = $2"
_HAS_TRANSCRIPT = "SELECT EXISTS (SELECT 1 FROM ticket_transcripts WHERE guild_id = $1 AND ticket_id = $2)"


async def page(conn: Executor, guild_id: int, statuses: list[str] | None, opener_id: int | None,
               assignee_id: int | None, before: int | None, limit: int) -> list[Any]:
    """Up to `limit` tickets of the guild with an id below `before`, newest first, filtered."""
    return await conn.fetch(_PAGE, guild_id, statuses, opener_id, assignee_id, before, limit)


async def feedback_of(conn: Executor, guild_id: int, ticket_id: int) -> Any:
    """The ticket's rating (stars, comment, created_at), or None."""
    return await conn.fetchrow(_FEEDBACK, guild_id, ticket_id)


async def has_transcript(conn: Executor, guild_id: int, ticket_id: int) -> bool:
    """Whether a transcript of the ticket is kept."""
    return bool(await conn.fetchval(_HAS_TRANSCRIPT, guild_id, ticket_id))
