"""SQL of the events' reads for the dashboard and the REST API (`EventsApi.events`, `EventsApi.details`): a guild's
upcoming or past events with how many answered each way for their live occurrence, paged by id."""

from __future__ import annotations

from typing import Any

from core.db import Executor

# $1 guild, $2 statuses (NULL: any), $3 before (id), $4 limit; upcoming soonest first, past newest first.
_COUNTS = """
    LEFT JOIN LATERAL (
        SELECT count(*) FILTER (WHERE a.status = 'going') AS going, count(*) FILTER (WHERE a.status = 'maybe') AS maybe,
               count(*) FILTER (WHERE a.status = 'declined') AS declined,
               count(*) FILTER (WHERE a.status = 'waitlist') AS waitlist,
               count(*) FILTER (WHERE a.status = 'pending') AS pending
        FROM event_attendees a WHERE a.guild_id = e.guild_id AND a.event_id = e.id
          AND a.occurrence_at = e.occurrence_at) n ON true"""
_PAGE = ("SELECT e.*, n.going, n.maybe, n.declined, n.waitlist, n.pending FROM guild_events e" + _COUNTS + """
    WHERE e.guild_id = $1 AND ($2::text[] IS NULL OR e.status = ANY($2::text[])) AND ($3::int IS NULL OR e.id < $3)
    ORDER BY e.id DESC LIMIT $4""")
_ONE = ("SELECT e.*, n.going, n.maybe, n.declined, n.waitlist, n.pending FROM guild_events e" + _COUNTS
        + " WHERE e.guild_id = $1 AND e.id = $2")


async def page(conn: Executor, guild_id: int, statuses: list[str] | None, before: int | None, limit: int
               ) -> list[Any]:
    """Up to `limit` events of the guild with an id below `before`, newest first, with their answer counts."""
    return await conn.fetch(_PAGE, guild_id, statuses, before, limit)


async def one(conn: Executor, guild_id: int, event_id: int) -> Any:
    """One event of the guild with its answer counts, or None."""
    return await conn.fetchrow(_ONE, guild_id, event_id)
