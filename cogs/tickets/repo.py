"""SQL of tickets: tickets, notes, deflections, summaries, metrics, and the FAQ proposals drawn from summaries
(`faq_proposals` is the tickets cog's table; FAQ entries themselves are the FAQ's, reached through its API).

Every query is scoped to one guild (the GDPR ones, which follow one member across guilds because a data request
covers every server, are in gdpr_repo.py). Status changes are conditional UPDATEs (`status = ANY(sources)`), so two
staff members clicking at once cannot both move a ticket.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from core.db import Executor

_COLUMNS = ("id, guild_id, user_id, username, description, status, created_at, channel_id, claimed_by, claimed_at, "
            "updated_at, escalated_to, archived_at, archived_by, category, close_reason, closed_at, closed_by, "
            "auto_closed, first_response_at, last_opener_activity_at, inactivity_warned_at, reopened_count, "
            "category_id, answers, priority, last_activity_at, idle_warned_at")


@dataclass
class Ticket:
    """A row of `support_tickets`."""

    id: int
    guild_id: int
    user_id: int
    username: str | None
    description: str
    status: str
    created_at: datetime
    channel_id: int | None
    claimed_by: int | None
    claimed_at: datetime | None
    updated_at: datetime | None
    escalated_to: int | None
    archived_at: datetime | None
    archived_by: int | None
    category: str | None
    close_reason: str | None
    closed_at: datetime | None
    closed_by: int | None
    auto_closed: bool
    first_response_at: datetime | None
    last_opener_activity_at: datetime | None
    inactivity_warned_at: datetime | None
    reopened_count: int
    category_id: int | None = None  # a configured ticket category (cogs/tickets/categories.py)
    answers: list[list[str]] | None = None  # the category form's [question, answer] pairs
    priority: str = "normal"
    last_activity_at: datetime | None = None  # the opener's or staff's last message (the idle clock)
    idle_warned_at: datetime | None = None


def _ticket(row: Any) -> Ticket | None:
    return Ticket(**dict(row)) if row is not None else None


_WRITABLE = {"status", "channel_id", "claimed_by", "claimed_at", "escalated_to", "archived_at", "archived_by",
             "close_reason", "closed_at", "closed_by", "auto_closed", "first_response_at", "last_opener_activity_at",
             "inactivity_warned_at", "reopened_count", "category_id", "category", "priority", "last_activity_at",
             "idle_warned_at"}


def _assignments(fields: dict[str, Any], start: int) -> str:
    """`a = $start, b = $start+1`; the names come from code, and are checked all the same."""
    unknown = set(fields) - _WRITABLE
    if unknown:
        raise ValueError(f"not a support_tickets column: {', '.join(sorted(unknown))}")
    return ", ".join(f"{name} = ${i}" for i, name in enumerate(fields, start=start))


async def create(conn: Executor, guild_id: int, user_id: int, username: str, description: str, category: str | None,
                 now: datetime, *, category_id: int | None = None,
                 answers: list[tuple[str, str]] | None = None) -> Ticket:
    """A new open ticket (its channel is set once created); its idle clock starts now."""
    return _ticket(await conn.fetchrow(
        "INSERT INTO support_tickets (guild_id, user_id, username, description, status, category, created_at, "
        "updated_at, category_id, answers, last_activity_at) VALUES ($1, $2, $3, $4, 'open', $5, $6, $6, $7, $8, $6) "
        "RETURNING " + _COLUMNS,
        guild_id, user_id, username, description, category, now, category_id,
        [list(pair) for pair in answers] if answers else None))  # type: ignore[return-value]


async def delete(conn: Executor, guild_id: int, ticket_id: int) -> None:
    """Remove a ticket whose channel could not be created."""
    await conn.execute("DELETE FROM support_tickets WHERE guild_id = $1 AND id = $2", guild_id, ticket_id)


async def get(conn: Executor, guild_id: int, ticket_id: int) -> Ticket | None:
    """One ticket of this guild."""
    return _ticket(await conn.fetchrow(
        "SELECT " + _COLUMNS + " FROM support_tickets WHERE guild_id = $1 AND id = $2", guild_id, ticket_id))


async def by_channel(conn: Executor, guild_id: int, channel_id: int) -> Ticket | None:
    """The (latest) ticket whose channel this is."""
    return _ticket(await conn.fetchrow(
        "SELECT " + _COLUMNS + " FROM support_tickets WHERE guild_id = $1 AND channel_id = $2 ORDER BY id DESC "
        "LIMIT 1", guild_id, channel_id))


async def with_channels(conn: Executor) -> list[Ticket]:
    """Every not yet archived ticket with a channel, of all guilds (the bot's in-memory channel map)."""
    rows = await conn.fetch("SELECT " + _COLUMNS + " FROM support_tickets WHERE status <> 'archived' "
                            "AND channel_id IS NOT NULL")
    return [_ticket(row) for row in rows]  # type: ignore[misc]


async def count_active_of(conn: Executor, guild_id: int, user_id: int) -> int:
    """How many not yet closed tickets the member has in the guild."""
    return await conn.fetchval(
        "SELECT count(*) FROM support_tickets WHERE guild_id = $1 AND user_id = $2 "
        "AND status IN ('open', 'claimed', 'waiting_for_user', 'escalated')", guild_id, user_id)


async def move(conn: Executor, guild_id: int, ticket_id: int, sources: frozenset[str] | set[str] | None,
               fields: dict[str, Any], now: datetime) -> Ticket | None:
    """Change a ticket if its status is one of `sources` (None = any); None when it was not (or is not here)."""
    row = await conn.fetchrow(
        "UPDATE support_tickets SET " + _assignments(fields, 5) + ", updated_at = $4 "
        "WHERE guild_id = $1 AND id = $2 AND ($3::text[] IS NULL OR status = ANY($3::text[])) "
        "RETURNING " + _COLUMNS,
        guild_id, ticket_id, sorted(sources) if sources is not None else None, now, *fields.values())
    return _ticket(row)


async def mark_first_response(conn: Executor, guild_id: int, ticket_id: int, now: datetime) -> bool:
    """Record the first answer by someone else than the opener (once)."""
    status = await conn.execute(
        "UPDATE support_tickets SET first_response_at = $3 WHERE guild_id = $1 AND id = $2 "
        "AND first_response_at IS NULL", guild_id, ticket_id, now)
    return status.endswith(" 1")


async def opener_replied(conn: Executor, guild_id: int, ticket_id: int, now: datetime) -> Ticket | None:
    """The opener wrote while the ticket waits for them: the inactivity clock starts again."""
    return _ticket(await conn.fetchrow(
        "UPDATE support_tickets SET last_opener_activity_at = $3, inactivity_warned_at = NULL "
        "WHERE guild_id = $1 AND id = $2 AND status = 'waiting_for_user' RETURNING " + _COLUMNS,
        guild_id, ticket_id, now))


# --- notes --------------------------------------------------------------------------------------------------

async def add_note(conn: Executor, guild_id: int, ticket_id: int, author_id: int, note: str, now: datetime) -> int:
    """A private staff note."""
    return await conn.fetchval(
        "INSERT INTO ticket_notes (guild_id, ticket_id, author_id, note, created_at) VALUES ($1, $2, $3, $4, $5) "
        "RETURNING id", guild_id, ticket_id, author_id, note, now)


async def notes(conn: Executor, guild_id: int, ticket_id: int) -> list[Any]:
    """The ticket's notes, oldest first."""
    return await conn.fetch("SELECT id, author_id, note, created_at FROM ticket_notes WHERE guild_id = $1 "
                            "AND ticket_id = $2 ORDER BY id", guild_id, ticket_id)


# --- deflection: FAQ answers offered before a ticket opens ------------------------------------------------------

async def add_deflection(conn: Executor, guild_id: int, user_id: int, description: str, category: str | None,
                         entry_ids: list[int], now: datetime) -> int:
    """FAQ answers were offered to a member about to open a ticket."""
    return await conn.fetchval(
        "INSERT INTO ticket_deflections (guild_id, user_id, description, category, faq_entry_ids, created_at) "
        "VALUES ($1, $2, $3, $4, $5, $6) RETURNING id", guild_id, user_id, description, category, entry_ids, now)


async def decide_deflection(conn: Executor, guild_id: int, deflection_id: int, user_id: int, outcome: str,
                            now: datetime) -> Any:
    """Record the member's choice (once); None if it was decided already, or is someone else's."""
    return await conn.fetchrow(
        "UPDATE ticket_deflections SET outcome = $5, decided_at = $6 WHERE guild_id = $1 AND id = $2 "
        "AND user_id = $3 AND outcome = $4 RETURNING id, description, category",
        guild_id, deflection_id, user_id, "pending", outcome, now)


async def get_deflection(conn: Executor, guild_id: int, deflection_id: int, user_id: int) -> Any:
    """A member's pending deflection."""
    return await conn.fetchrow("SELECT id, description, category FROM ticket_deflections WHERE guild_id = $1 "
                               "AND id = $2 AND user_id = $3 AND outcome = 'pending'", guild_id, deflection_id, user_id)


async def undo_deflection(conn: Executor, guild_id: int, deflection_id: int) -> None:
    """Opening failed after "Open a ticket anyway": the choice is open again."""
    await conn.execute("UPDATE ticket_deflections SET outcome = 'pending', decided_at = NULL WHERE guild_id = $1 "
                       "AND id = $2 AND outcome = 'opened' AND ticket_id IS NULL", guild_id, deflection_id)


async def link_deflection(conn: Executor, guild_id: int, deflection_id: int, ticket_id: int) -> None:
    """The ticket opened after all."""
    await conn.execute("UPDATE ticket_deflections SET ticket_id = $3 WHERE guild_id = $1 AND id = $2",
                       guild_id, deflection_id, ticket_id)


# --- summaries and FAQ proposals ---------------------------------------------------------------------------------

async def add_summary(conn: Executor, guild_id: int, ticket_id: int, summary: str, similarity_key: str,
                      now: datetime) -> int:
    """The AI summary of a closed ticket."""
    return await conn.fetchval(
        "INSERT INTO ticket_summaries (guild_id, ticket_id, summary, similarity_key, created_at) "
        "VALUES ($1, $2, $3, $4, $5) RETURNING id", guild_id, ticket_id, summary, similarity_key, now)


async def similar_unproposed(conn: Executor, guild_id: int, similarity_key: str, threshold: float) -> list[Any]:
    """Summaries of the guild similar to `similarity_key` (trigram similarity) that no proposal covered yet,
    locked until the end of the transaction."""
    return await conn.fetch(
        "SELECT id, ticket_id, summary, similarity_key FROM ticket_summaries WHERE guild_id = $1 "
        "AND proposal_id IS NULL AND (similarity_key = $2 OR similarity(similarity_key, $2) >= $3) "
        "ORDER BY id FOR UPDATE", guild_id, similarity_key, threshold)


async def add_proposal(conn: Executor, guild_id: int, similarity_key: str, title: str, answer: str, keywords: list[str],
                       summary_ids: list[int], now: datetime) -> int:
    """A proposal covering `summary_ids`."""
    proposal_id = await conn.fetchval(
        "INSERT INTO faq_proposals (guild_id, similarity_key, title, answer, keywords, created_at) "
        "VALUES ($1, $2, $3, $4, $5, $6) RETURNING id", guild_id, similarity_key, title, answer, keywords, now)
    await conn.execute("UPDATE ticket_summaries SET proposal_id = $3 WHERE guild_id = $1 AND id = ANY($2::int[])",
                       guild_id, summary_ids, proposal_id)
    return proposal_id


async def update_proposal_text(conn: Executor, guild_id: int, proposal_id: int, title: str, answer: str,
                               keywords: list[str]) -> None:
    """The AI's draft of the entry."""
    await conn.execute("UPDATE faq_proposals SET title = $3, answer = $4, keywords = $5 WHERE guild_id = $1 "
                       "AND id = $2", guild_id, proposal_id, title, answer, keywords)


async def decide_proposal(conn: Executor, guild_id: int, proposal_id: int, status: str, by: int, now: datetime) -> Any:
    """Accept or dismiss a pending proposal (once); None when it is not pending (or not here)."""
    return await conn.fetchrow(
        "UPDATE faq_proposals SET status = $3, decided_by = $4, decided_at = $5 WHERE guild_id = $1 AND id = $2 "
        "AND status = 'pending' RETURNING id, title, answer, keywords", guild_id, proposal_id, status, by, now)


async def link_proposal_entry(conn: Any, guild_id: int, proposal_id: int, entry_id: int) -> None:
    """The FAQ entry (added through the FAQ's API) that an accepted proposal became."""
    await conn.execute("UPDATE faq_proposals SET faq_entry_id = $3 WHERE guild_id = $1 AND id = $2",
                       guild_id, proposal_id, entry_id)


# --- metrics -----------------------------------------------------------------------------------------------------

async def status_counts(conn: Executor, guild_id: int, since: datetime | None) -> dict[str, int]:
    """Tickets created since `since` (None = ever), by current status."""
    rows = await conn.fetch("SELECT status, count(*) AS n FROM support_tickets WHERE guild_id = $1 "
                            "AND ($2::timestamptz IS NULL OR created_at >= $2) GROUP BY status", guild_id, since)
    return {row["status"]: row["n"] for row in rows}


async def timing(conn: Executor, guild_id: int, since: datetime | None) -> Any:
    """Average cycle time, median resolution time (tickets closed since `since`), average first response
    (tickets created since `since`), in seconds; auto-closed vs closed by hand."""
    return await conn.fetchrow(
        """
        SELECT
          (SELECT avg(extract(epoch FROM closed_at - created_at)) FROM support_tickets
            WHERE guild_id = $1 AND closed_at IS NOT NULL AND ($2::timestamptz IS NULL OR closed_at >= $2))
            AS average_cycle,
          (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM closed_at - created_at))
            FROM support_tickets
            WHERE guild_id = $1 AND closed_at IS NOT NULL AND ($2::timestamptz IS NULL OR closed_at >= $2))
            AS median_resolution,
          (SELECT avg(extract(epoch FROM first_response_at - created_at)) FROM support_tickets
            WHERE guild_id = $1 AND first_response_at IS NOT NULL AND ($2::timestamptz IS NULL OR created_at >= $2))
            AS average_first_response,
          (SELECT count(*) FROM support_tickets WHERE guild_id = $1 AND closed_at IS NOT NULL AND auto_closed
            AND ($2::timestamptz IS NULL OR closed_at >= $2)) AS auto_closed,
          (SELECT count(*) FROM support_tickets WHERE guild_id = $1 AND closed_at IS NOT NULL AND NOT auto_closed
            AND ($2::timestamptz IS NULL OR closed_at >= $2)) AS closed_by_hand
        """, guild_id, since)


async def closed_per_staff(conn: Executor, guild_id: int, since: datetime | None) -> list[tuple[int, int]]:
    """(staff member, tickets they closed by hand) since `since`, most first."""
    rows = await conn.fetch(
        "SELECT closed_by, count(*) AS n FROM support_tickets WHERE guild_id = $1 AND closed_at IS NOT NULL "
        "AND NOT auto_closed AND closed_by IS NOT NULL AND ($2::timestamptz IS NULL OR closed_at >= $2) "
        "GROUP BY closed_by ORDER BY n DESC, closed_by", guild_id, since)
    return [(row["closed_by"], row["n"]) for row in rows]


async def deflection_counts(conn: Executor, guild_id: int, since: datetime | None) -> dict[str, int]:
    """Deflections by outcome (pending, solved, opened) since `since`."""
    rows = await conn.fetch("SELECT outcome, count(*) AS n FROM ticket_deflections WHERE guild_id = $1 "
                            "AND ($2::timestamptz IS NULL OR created_at >= $2) GROUP BY outcome", guild_id, since)
    return {row["outcome"]: row["n"] for row in rows}


async def add_metrics_snapshot(conn: Executor, guild_id: int, scope: str, snapshot: dict[str, Any],
                               counts: dict[str, int], average_cycle: int | None, by: int, now: datetime) -> int:
    """Store one /ticket_stats result."""
    return await conn.fetchval(
        "INSERT INTO ticket_metrics (guild_id, snapshot, scope, counts, average_cycle_time, triggered_by, created_at) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id", guild_id, snapshot, scope, counts, average_cycle, by, now)


async def export_rows(conn: Executor, guild_id: int, since: datetime | None) -> list[Any]:
    """The tickets created since `since`, for the CSV export."""
    return await conn.fetch(
        "SELECT id, status, category, user_id, created_at, claimed_by, first_response_at, closed_at, closed_by, "
        "auto_closed, archived_at FROM support_tickets WHERE guild_id = $1 "
        "AND ($2::timestamptz IS NULL OR created_at >= $2) ORDER BY id", guild_id, since)


async def of_member(conn: Executor, guild_id: int, user_id: int, limit: int = 25) -> list[Ticket]:
    """The member's latest tickets in the guild (`/tickets`)."""
    rows = await conn.fetch("SELECT " + _COLUMNS + " FROM support_tickets WHERE guild_id = $1 AND user_id = $2 "
                            "ORDER BY id DESC LIMIT $3", guild_id, user_id, limit)
    return [_ticket(row) for row in rows]  # type: ignore[misc]


# --- summaries as a knowledge source (/ask, through cogs/tickets/api.py) --------------------------------------------

# Closed tickets' AI summaries matching any of the words (plainto_tsquery's AND turned into OR), best first; the
# expression is the one ix_ticket_summaries_search indexes. Only the summary: never staff notes or the conversation.
_SEARCH_SUMMARIES = """
    WITH q AS (SELECT replace(plainto_tsquery('english', $2)::text, '&', '|')::tsquery AS words)
    SELECT s.ticket_id, s.summary, t.category, t.closed_at,
           ts_rank(to_tsvector('english'::regconfig, s.summary), q.words) AS rank
    FROM ticket_summaries s CROSS JOIN q
    JOIN support_tickets t ON t.guild_id = s.guild_id AND t.id = s.ticket_id
    WHERE s.guild_id = $1 AND t.status IN ('closed', 'archived') AND q.words::text <> ''
      AND to_tsvector('english'::regconfig, s.summary) @@ q.words
    ORDER BY rank DESC, s.ticket_id DESC
    LIMIT $3
"""


async def search_summaries(conn: Executor, guild_id: int, query: str, limit: int) -> list[Any]:
    """The guild's closed tickets whose summary matches `query` (ticket_id, summary, category, closed_at, rank)."""
    return await conn.fetch(_SEARCH_SUMMARIES, guild_id, query, limit)


# --- daily figures and the dashboard's list ----------------------------------------------------------------------

_OPENED_DAILY = """
    SELECT (created_at AT TIME ZONE 'UTC')::date AS day, count(*) AS n FROM support_tickets
    WHERE guild_id = $1 AND created_at >= $2 GROUP BY day
"""
_OPEN_NOW = ("SELECT count(*) FROM support_tickets WHERE guild_id = $1 "
             "AND status IN ('open', 'claimed', 'waiting_for_user', 'escalated')")


async def opened_daily(conn: Executor, guild_id: int, since: datetime) -> dict[Any, int]:
    """Tickets opened per UTC day since `since`."""
    return {row["day"]: row["n"] for row in await conn.fetch(_OPENED_DAILY, guild_id, since)}


async def open_count(conn: Executor, guild_id: int) -> int:
    """The guild's tickets not closed now (open, claimed, waiting for the member, escalated)."""
    return await conn.fetchval(_OPEN_NOW, guild_id)
