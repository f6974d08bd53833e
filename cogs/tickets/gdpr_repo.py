"""SQL of the tickets' GDPR module (cogs/tickets/gdpr.py): one member's rows across guilds (a data request covers
every server), kept apart from repo.py, whose queries are all scoped to one guild."""

from __future__ import annotations

import json
from typing import Any

from core.db import Executor

_OPENED = "(guild_id, ticket_id) IN (SELECT guild_id, id FROM support_tickets WHERE user_id = $1)"
_SUMMARIES_OF = "SELECT * FROM ticket_summaries WHERE " + _OPENED + " ORDER BY id"
_DELETE_NOTES_OF = "DELETE FROM ticket_notes WHERE " + _OPENED
_DELETE_SUMMARIES_OF = "DELETE FROM ticket_summaries WHERE " + _OPENED
_ANONYMISE_OPENER = """
    UPDATE support_tickets SET user_id = 0, username = NULL, description = '[erased at the member''s request]',
        answers = NULL
    WHERE user_id = $1
"""
# /ticket_stats snapshots list staff ids inside JSON: {"closed_per_staff": [{"user_id": 1, "closed": 3}, …]}
_IN_SNAPSHOT = "(snapshot -> 'closed_per_staff') @> $2::text::jsonb"
_SNAPSHOTS_COUNTING = ("SELECT id, snapshot -> 'closed_per_staff' AS staff FROM ticket_metrics "
                       "WHERE (snapshot -> 'closed_per_staff') @> $1::text::jsonb ORDER BY id")
_FORGET_IN_SNAPSHOTS = """
    UPDATE ticket_metrics SET snapshot = jsonb_set(snapshot, '{closed_per_staff}', (
        SELECT coalesce(jsonb_agg(CASE WHEN (e ->> 'user_id')::bigint = $1 THEN e || '{"user_id": null}' ELSE e END
                                  ORDER BY n), '[]'::jsonb)
        FROM jsonb_array_elements(snapshot -> 'closed_per_staff') WITH ORDINALITY AS s(e, n)))
    WHERE """ + _IN_SNAPSHOT


def _containing(user_id: int) -> str:
    return json.dumps([{"user_id": user_id}])


async def snapshots_counting(conn: Executor, user_id: int) -> list[Any]:
    """The /ticket_stats snapshots whose closed-per-staff list counts this staff member (id and that list)."""
    return await conn.fetch(_SNAPSHOTS_COUNTING, _containing(user_id))


async def summaries_of_opener(conn: Executor, user_id: int) -> list[Any]:
    """The AI summaries of the member's own tickets."""
    return await conn.fetch(_SUMMARIES_OF, user_id)


async def delete_notes_of_opener(conn: Executor, user_id: int) -> str:
    """Delete the staff notes about the member's tickets; the command status (`DELETE n`)."""
    return await conn.execute(_DELETE_NOTES_OF, user_id)


async def delete_summaries_of_opener(conn: Executor, user_id: int) -> str:
    """Delete the AI summaries of the member's tickets; the command status (`DELETE n`)."""
    return await conn.execute(_DELETE_SUMMARIES_OF, user_id)


async def anonymise_opener(conn: Executor, user_id: int) -> str:
    """Clear what identifies the member in the tickets they opened; the command status (`UPDATE n`)."""
    return await conn.execute(_ANONYMISE_OPENER, user_id)


async def forget_in_snapshots(conn: Executor, user_id: int) -> str:
    """Replace the staff member's id by null in /ticket_stats snapshots; the command status (`UPDATE n`)."""
    return await conn.execute(_FORGET_IN_SNAPSHOTS, user_id, _containing(user_id))


async def transcripts_of_opener(conn: Executor, user_id: int) -> list[Any]:
    """The kept transcripts of the member's tickets (their GDPR export)."""
    return await conn.fetch("SELECT x.ticket_id, x.guild_id, x.html, x.created_at FROM ticket_transcripts x "
                            "JOIN support_tickets t ON t.id = x.ticket_id WHERE t.user_id = $1", user_id)


async def delete_transcripts_of_opener(conn: Executor, user_id: int) -> str:
    """Delete the kept transcripts of the member's tickets (erasure); the command status."""
    return await conn.execute("DELETE FROM ticket_transcripts x USING support_tickets t "
                              "WHERE t.id = x.ticket_id AND t.user_id = $1", user_id)


async def feedback_received(conn: Executor, user_id: int) -> list[Any]:
    """The ratings of tickets the staff member handled (someone else's: by ticket id only in their export)."""
    return await conn.fetch("SELECT ticket_id FROM ticket_feedback WHERE staff_id = $1 "
                            "AND user_id IS DISTINCT FROM $1 ORDER BY ticket_id", user_id)
