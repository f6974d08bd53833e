"""Engagement: columns and tables beyond the reference schema.

Revision ID: 0007_engagement
Revises: 0006_onboarding_verification
Create Date: 2026-11-22
"""

from alembic import op

revision = "0007_engagement"
down_revision = "0006_onboarding_verification"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("SELECT 1")  # filled in by the feature's issue before it lands


def downgrade() -> None:
    op.execute("SELECT 1")
