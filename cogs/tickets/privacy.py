"""GDPR for tickets: what a member's export holds and how erasure treats the server's support records.

A member's tickets stay in the server's records (statistics, other people's messages) but lose everything
that identifies the opener: the opener becomes 0, the username and description are cleared, and the staff
notes and AI summaries about those tickets are deleted. Staff members who ask for erasure are forgotten in
claimed/closed/archived/escalation columns and as authors of notes. Transcripts already posted in Discord are
Discord messages: staff delete those by hand (see docs/tickets.md).
"""

from __future__ import annotations

from typing import Any

from utils.gdpr import ErasureReport, delete_rows, forget_user, rows_affected, rows_of

STAFF_COLUMNS = ("claimed_by", "closed_by", "archived_by")

_OPENED = "SELECT id FROM support_tickets WHERE user_id = $1"
_DELETE_NOTES_OF = "DELETE FROM ticket_notes WHERE ticket_id = ANY($1::int[])"
_DELETE_SUMMARIES_OF = "DELETE FROM ticket_summaries WHERE ticket_id = ANY($1::int[])"
_ANONYMISE_OPENER = """
    UPDATE support_tickets SET user_id = 0, username = NULL, description = '[erased at the member''s request]'
    WHERE id = ANY($1::int[])
"""


async def export_user(conn: Any, user_id: int) -> dict[str, list[dict[str, Any]]]:
    """Tickets opened or handled by the member, notes they wrote, their FAQ deflections, snapshots they ran."""
    tickets = await rows_of(conn, "support_tickets", "user_id", user_id)
    for column in STAFF_COLUMNS:
        tickets += [row for row in await rows_of(conn, "support_tickets", column, user_id) if row not in tickets]
    return {
        "support_tickets": tickets,
        "ticket_notes": await rows_of(conn, "ticket_notes", "author_id", user_id),
        "ticket_deflections": await rows_of(conn, "ticket_deflections", "user_id", user_id),
        "ticket_metrics": await rows_of(conn, "ticket_metrics", "triggered_by", user_id),
    }


async def erase_user(conn: Any, user_id: int) -> ErasureReport:
    """Delete or anonymise, in the caller's transaction."""
    opened = [row["id"] for row in await conn.fetch(_OPENED, user_id)]
    report = ErasureReport()
    report.deleted["ticket_notes"] = rows_affected(await conn.execute(_DELETE_NOTES_OF, opened))
    report.deleted["ticket_summaries"] = rows_affected(await conn.execute(_DELETE_SUMMARIES_OF, opened))
    report.anonymised["support_tickets"] = rows_affected(await conn.execute(_ANONYMISE_OPENER, opened))
    for column in STAFF_COLUMNS:
        report.anonymised["support_tickets"] += await forget_user(conn, "support_tickets", column, user_id)
    report.anonymised["ticket_notes"] = await forget_user(conn, "ticket_notes", "author_id", user_id, replacement=0)
    report.deleted["ticket_deflections"] = await delete_rows(conn, "ticket_deflections", "user_id", user_id)
    report.anonymised["ticket_metrics"] = await forget_user(conn, "ticket_metrics", "triggered_by", user_id)
    return report
