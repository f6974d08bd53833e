"""The tables the tickets cog owns alone (created in migrations/versions): no other feature's SQL names them;
others reach this data through the owner's public API.

faq_proposals is the tickets cog's: it drafts, posts and decides the proposals drawn from ticket summaries (an
accepted one becomes an FAQ entry through the FAQ's API)."""

TABLES: tuple[str, ...] = (
    "support_tickets",
    "ticket_notes",
    "ticket_deflections",
    "ticket_summaries",
    "ticket_metrics",
    "faq_proposals",
    "ticket_categories",
    "ticket_feedback",
    "ticket_transcripts",
)
