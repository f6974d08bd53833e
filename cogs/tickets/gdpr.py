"""GDPR for tickets: what a member's export holds and how erasure treats the server's support records.

A member's tickets stay in the server's records (statistics, other people's messages) but lose everything
that identifies the opener: the opener becomes 0, the username and description are cleared, and the staff
notes and AI summaries about those tickets are deleted. Staff members who ask for erasure are forgotten in
claimed/closed/archived columns, as authors of notes (0) and in /ticket_stats snapshots. Transcripts already
posted in Discord are Discord messages: staff delete those by hand (see docs/tickets.md).

A staff member's export holds their own tickets whole, but the tickets they only handled, the notes they wrote
(about someone else's ticket) and the snapshots they ran only by id and role: those rows are other members'.
"""

from __future__ import annotations

import json
from typing import Any

from core.db import Executor
from core.gdpr import ErasureReport, delete_rows, forget_user, jsonable, rows_affected, rows_of, staff_rows

STAFF_COLUMNS = ("claimed_by", "closed_by", "archived_by")
TABLES = {
    "support_tickets": ("user_id", *STAFF_COLUMNS),
    "ticket_notes": ("author_id",),
    "ticket_deflections": ("user_id",),
    "ticket_metrics": ("triggered_by",),
    "ticket_summaries": (),  # found through the member's tickets
}

_OPENED = "(guild_id, ticket_id) IN (SELECT guild_id, id FROM support_tickets WHERE user_id = $1)"
_SUMMARIES_OF = "SELECT * FROM ticket_summaries WHERE " + _OPENED + " ORDER BY id"
_DELETE_NOTES_OF = "DELETE FROM ticket_notes WHERE " + _OPENED
_DELETE_SUMMARIES_OF = "DELETE FROM ticket_summaries WHERE " + _OPENED
_ANONYMISE_OPENER = """
    UPDATE support_tickets SET user_id = 0, username = NULL, description = '[erased at the member''s request]'
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


async def export(conn: Executor, user_id: int) -> dict[str, list[dict[str, Any]]]:
    """The member's tickets, their summaries and FAQ deflections whole; what they did as staff by id and role."""
    counted = []
    for row in await conn.fetch(_SNAPSHOTS_COUNTING, _containing(user_id)):
        staff = row["staff"] if isinstance(row["staff"], list) else json.loads(row["staff"])
        closed = sum(entry.get("closed", 0) for entry in staff if entry.get("user_id") == user_id)
        counted.append({"id": row["id"], "role": "closed_per_staff", "closed": closed})
    return {
        "support_tickets": await rows_of(conn, "support_tickets", "user_id", user_id)
        + await staff_rows(conn, "support_tickets", STAFF_COLUMNS, user_id, subject="user_id"),
        "ticket_notes": await staff_rows(conn, "ticket_notes", ("author_id",), user_id),
        "ticket_deflections": await rows_of(conn, "ticket_deflections", "user_id", user_id),
        "ticket_metrics": await staff_rows(conn, "ticket_metrics", ("triggered_by",), user_id) + counted,
        "ticket_summaries": [jsonable(row) for row in await conn.fetch(_SUMMARIES_OF, user_id)],
    }


async def erase(conn: Executor, user_id: int) -> ErasureReport:
    """Delete or anonymise, in the caller's transaction."""
    report = ErasureReport()
    report.deleted["ticket_notes"] = rows_affected(await conn.execute(_DELETE_NOTES_OF, user_id))
    report.deleted["ticket_summaries"] = rows_affected(await conn.execute(_DELETE_SUMMARIES_OF, user_id))
    report.anonymised["support_tickets"] = rows_affected(await conn.execute(_ANONYMISE_OPENER, user_id))
    for column in STAFF_COLUMNS:
        report.anonymised["support_tickets"] += await forget_user(conn, "support_tickets", column, user_id)
    report.anonymised["ticket_notes"] = await forget_user(conn, "ticket_notes", "author_id", user_id, replacement=0)
    report.deleted["ticket_deflections"] = await delete_rows(conn, "ticket_deflections", "user_id", user_id)
    report.anonymised["ticket_metrics"] = await forget_user(conn, "ticket_metrics", "triggered_by", user_id)
    report.anonymised["ticket_metrics"] += rows_affected(
        await conn.execute(_FORGET_IN_SNAPSHOTS, user_id, _containing(user_id)))
    return report
