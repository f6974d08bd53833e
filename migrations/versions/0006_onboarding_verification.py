"""Onboarding and verification: columns and tables beyond the reference schema.

Revision ID: 0006_onboarding_verification
Revises: 0005_automod_pipeline
Create Date: 2026-11-22
"""

from alembic import op

revision = "0006_onboarding_verification"
down_revision = "0005_automod_pipeline"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("SELECT 1")  # filled in by the feature's issue before it lands


def downgrade() -> None:
    op.execute("SELECT 1")
