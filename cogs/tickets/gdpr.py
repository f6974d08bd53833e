"""GDPR for tickets: what a member's export holds and how erasure treats the server's support records.

A member's tickets stay in the server's records (statistics, other people's messages) but lose everything
that identifies the opener: the opener becomes 0, the username and description are cleared, and the staff
notes and AI summaries about those tickets are deleted. Staff members who ask for erasure are forgotten in
claimed/closed/archived columns, as authors of notes (0) and in /ticket_stats snapshots. Transcripts already
posted in Discord are Discord messages: staff delete those by hand (see docs/tickets.md); the kept transcripts of the
member's tickets are deleted, their ratings deleted, and a staff member is forgotten in the ratings they received.

A staff member's export holds their own tickets whole, but the tickets they only handled, the notes they wrote
(about someone else's ticket), the snapshots they ran and the FAQ proposals they decided (other members' tickets
turned into a draft) only by id and role: those rows are other members'. A decider who asks for erasure is
forgotten in the proposal.
"""

from __future__ import annotations

import json
from typing import Any

from cogs.tickets import gdpr_repo
from core.db import Executor
from core.gdpr import ErasureReport, delete_rows, forget_user, jsonable, rows_affected, rows_of, staff_rows

STAFF_COLUMNS = ("claimed_by", "closed_by", "archived_by")
TABLES = {
    "support_tickets": ("user_id", *STAFF_COLUMNS),
    "ticket_notes": ("author_id",),
    "ticket_deflections": ("user_id",),
    "ticket_metrics": ("triggered_by",),
    "ticket_summaries": (),  # found through the member's tickets
    "faq_proposals": ("decided_by",),
    "ticket_categories": ("created_by",),
    "ticket_feedback": ("user_id", "staff_id"),
    "ticket_transcripts": (),  # found through the member's tickets
}


async def export(conn: Executor, user_id: int) -> dict[str, list[dict[str, Any]]]:
    """The member's tickets, their summaries and FAQ deflections whole; what they did as staff (including FAQ
    proposals they decided) by id and role."""
    counted = []
    for row in await gdpr_repo.snapshots_counting(conn, user_id):
        staff = row["staff"] if isinstance(row["staff"], list) else json.loads(row["staff"])
        closed = sum(entry.get("closed", 0) for entry in staff if entry.get("user_id") == user_id)
        counted.append({"id": row["id"], "role": "closed_per_staff", "closed": closed})
    return {
        "support_tickets": await rows_of(conn, "support_tickets", "user_id", user_id)
        + await staff_rows(conn, "support_tickets", STAFF_COLUMNS, user_id, subject="user_id"),
        "ticket_notes": await staff_rows(conn, "ticket_notes", ("author_id",), user_id),
        "ticket_deflections": await rows_of(conn, "ticket_deflections", "user_id", user_id),
        "ticket_metrics": await staff_rows(conn, "ticket_metrics", ("triggered_by",), user_id) + counted,
        "ticket_summaries": [jsonable(row) for row in await gdpr_repo.summaries_of_opener(conn, user_id)],
        "faq_proposals": await staff_rows(conn, "faq_proposals", ("decided_by",), user_id),
        "ticket_categories": await staff_rows(conn, "ticket_categories", ("created_by",), user_id),
        "ticket_feedback": await rows_of(conn, "ticket_feedback", "user_id", user_id)
        + [{"ticket_id": row["ticket_id"], "role": "staff_id"}
           for row in await gdpr_repo.feedback_received(conn, user_id)],
        "ticket_transcripts": [jsonable(row) for row in await gdpr_repo.transcripts_of_opener(conn, user_id)],
    }


async def erase(conn: Executor, user_id: int) -> ErasureReport:
    """Delete or anonymise, in the caller's transaction."""
    report = ErasureReport()
    report.deleted["ticket_notes"] = rows_affected(await gdpr_repo.delete_notes_of_opener(conn, user_id))
    report.deleted["ticket_summaries"] = rows_affected(await gdpr_repo.delete_summaries_of_opener(conn, user_id))
    report.deleted["ticket_transcripts"] = rows_affected(await gdpr_repo.delete_transcripts_of_opener(conn, user_id))
    report.anonymised["support_tickets"] = rows_affected(await gdpr_repo.anonymise_opener(conn, user_id))
    for column in STAFF_COLUMNS:
        report.anonymised["support_tickets"] += await forget_user(conn, "support_tickets", column, user_id)
    report.anonymised["ticket_notes"] = await forget_user(conn, "ticket_notes", "author_id", user_id, replacement=0)
    report.deleted["ticket_deflections"] = await delete_rows(conn, "ticket_deflections", "user_id", user_id)
    report.anonymised["ticket_metrics"] = await forget_user(conn, "ticket_metrics", "triggered_by", user_id)
    report.anonymised["ticket_metrics"] += rows_affected(await gdpr_repo.forget_in_snapshots(conn, user_id))
    report.anonymised["faq_proposals"] = await forget_user(conn, "faq_proposals", "decided_by", user_id)
    report.deleted["ticket_feedback"] = await delete_rows(conn, "ticket_feedback", "user_id", user_id)
    report.anonymised["ticket_feedback"] = await forget_user(conn, "ticket_feedback", "staff_id", user_id)
    report.anonymised["ticket_categories"] = await forget_user(conn, "ticket_categories", "created_by", user_id)
    return report
