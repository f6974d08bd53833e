"""Automod and custom commands: columns and tables beyond the reference schema.

Revision ID: 0005_automod_pipeline
Revises: 0004_tickets_faq
Create Date: 2026-11-22

- automod_rules.trial_mode: the rule only logs (to tune it before it acts). Exempt roles and channels live in
  the rule's `config` (exempt_roles, exempt_channels).
- automod_logs: the points the violation added (removed again on a false positive or an approved appeal),
  the appeal's reason and who decided it when, and the false-positive mark.
- custom_commands: the reference's length limits as CHECK constraints (the commands refuse earlier, with a
  reason; these keep any other writer honest).
"""

from alembic import op

revision = "0005_automod_pipeline"
down_revision = "0004_tickets_faq"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("ALTER TABLE automod_rules ADD COLUMN trial_mode boolean NOT NULL DEFAULT false")
    op.execute("ALTER TABLE automod_logs ADD COLUMN points double precision NOT NULL DEFAULT 0")
    op.execute("ALTER TABLE automod_logs ADD COLUMN appeal_reason text")
    op.execute("ALTER TABLE automod_logs ADD COLUMN appeal_decided_by bigint")
    op.execute("ALTER TABLE automod_logs ADD COLUMN appeal_decided_at timestamp with time zone")
    op.execute("ALTER TABLE automod_logs ADD COLUMN false_positive boolean NOT NULL DEFAULT false")
    op.execute("CREATE INDEX ix_automod_logs_guild_id_appeal_status ON automod_logs (guild_id, appeal_status)")
    op.execute("ALTER TABLE custom_commands ADD CONSTRAINT ck_custom_commands_trigger_length "
               "CHECK (char_length(trigger_value) BETWEEN 1 AND 200)")
    op.execute("ALTER TABLE custom_commands ADD CONSTRAINT ck_custom_commands_response_length "
               "CHECK (char_length(response) BETWEEN 1 AND 1900)")


def downgrade() -> None:
    op.execute("ALTER TABLE custom_commands DROP CONSTRAINT ck_custom_commands_response_length")
    op.execute("ALTER TABLE custom_commands DROP CONSTRAINT ck_custom_commands_trigger_length")
    op.execute("DROP INDEX ix_automod_logs_guild_id_appeal_status")
    op.execute("ALTER TABLE automod_logs DROP COLUMN false_positive")
    op.execute("ALTER TABLE automod_logs DROP COLUMN appeal_decided_at")
    op.execute("ALTER TABLE automod_logs DROP COLUMN appeal_decided_by")
    op.execute("ALTER TABLE automod_logs DROP COLUMN appeal_reason")
    op.execute("ALTER TABLE automod_logs DROP COLUMN points")
    op.execute("ALTER TABLE automod_rules DROP COLUMN trial_mode")
