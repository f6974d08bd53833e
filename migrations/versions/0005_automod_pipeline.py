"""Automod and custom commands: columns and tables beyond the reference schema.

Revision ID: 0005_automod_pipeline
Revises: 0004_tickets_faq
Create Date: 2026-11-22
"""

from alembic import op

revision = "0005_automod_pipeline"
down_revision = "0004_tickets_faq"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("SELECT 1")  # filled in by the feature's issue before it lands


def downgrade() -> None:
    op.execute("SELECT 1")
