"""Challenges: who started first is recorded, not inferred.

Revision ID: 0014_challenge_order
Revises: 0013_gdpr
Create Date: 2026-12-06

- engagement_participants.first_message_id: Discord's id of the member's first counted message in the challenge
  (snowflakes grow with time). A tie in messages goes to the member who posted first; row ids cannot say that,
  because one flush inserts a burst of new participants in whatever order its join produces. Rows from before
  this column stay NULL and are ordered after, by row id, as before.
"""

from alembic import op

revision = "0014_challenge_order"
down_revision = "0013_gdpr"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("ALTER TABLE engagement_participants ADD COLUMN first_message_id bigint")


def downgrade() -> None:
    op.execute("ALTER TABLE engagement_participants DROP COLUMN first_message_id")
