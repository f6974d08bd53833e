"""Ticket summaries searchable for /ask; kept transcripts pruned by age.

Revision ID: 0028_ticket_transcripts
Revises: 0027_personal_reminders
Create Date: 2026-12-06

- ticket_summaries: a full-text index (English) of `summary` per guild, for the tickets API's summary search that
  /ask uses as a source (the query names the same expression).
- ticket_transcripts: nothing to add; the retention job deletes by (guild_id, created_at), which
  ix_ticket_transcripts_guild_id (0025) already covers.
"""

from alembic import op

revision = "0028_ticket_transcripts"
down_revision = "0027_personal_reminders"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("CREATE INDEX ix_ticket_summaries_search ON ticket_summaries "
               "USING gin (to_tsvector('english'::regconfig, summary))")


def downgrade() -> None:
    op.execute("DROP INDEX IF EXISTS ix_ticket_summaries_search")
