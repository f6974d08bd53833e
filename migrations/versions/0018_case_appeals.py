"""Moderation: appeals of manual bans and timeouts (the Appeal button in the DM before the action).

Revision ID: 0018_case_appeals
Revises: 0017_automod_cases
Create Date: 2026-12-06

- moderation_appeals: one appeal per case (UNIQUE guild_id, case_number): who appealed (`user_id`, the case's
  target), why, its status (pending, approved, denied), who decided it and when, and the mod-log message that
  carries the Approve / Deny buttons. Approving an appeal of a ban or tempban unbans, of a timeout lifts it; either
  way the reversal is a case closing the appealed one. Automod's own actions keep their appeals in automod_logs.
"""

from alembic import op

revision = "0018_case_appeals"
down_revision = "0017_automod_cases"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("""
        CREATE TABLE moderation_appeals (
            id bigserial PRIMARY KEY,
            guild_id bigint NOT NULL,
            case_number integer NOT NULL,
            user_id bigint,
            reason text NOT NULL,
            status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'denied')),
            decided_by bigint,
            decided_at timestamptz,
            created_at timestamptz NOT NULL,
            UNIQUE (guild_id, case_number)
        )""")
    op.execute("CREATE INDEX ix_moderation_appeals_user_id ON moderation_appeals (user_id) WHERE user_id IS NOT NULL")
    op.execute("CREATE INDEX ix_moderation_appeals_decided_by ON moderation_appeals (decided_by) "
               "WHERE decided_by IS NOT NULL")


def downgrade() -> None:
    op.execute("DROP TABLE moderation_appeals")
