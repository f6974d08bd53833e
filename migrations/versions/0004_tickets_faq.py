"""Tickets and FAQ: columns and tables beyond the reference schema.

Revision ID: 0004_tickets_faq
Revises: 0003_premium_and_growth
Create Date: 2026-11-22
"""

from alembic import op

revision = "0004_tickets_faq"
down_revision = "0003_premium_and_growth"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("SELECT 1")  # filled in by the feature's issue before it lands


def downgrade() -> None:
    op.execute("SELECT 1")
