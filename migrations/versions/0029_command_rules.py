"""Command permission rules and per-guild cooldowns (core/command_rules.py, `/config permissions`).

Revision ID: 0029_command_rules
Revises: 0028_ticket_transcripts
Create Date: 2026-12-06

- command_rules: allow or deny a command (its qualified name, a group, or `*` for every command) for a member,
  a role, a channel (or category) or the whole server (`target_type` 'server', `target_id` the guild). One rule
  per command and target. `created_by` is the admin who set it (anonymised by a GDPR erasure); a rule about an
  erased member (`target_type` 'member') is deleted with their data.
- command_cooldowns: at most `uses` runs per `per_seconds` per member, per command and guild.
"""

from alembic import op

revision = "0029_command_rules"
down_revision = "0028_ticket_transcripts"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("""
        CREATE TABLE command_rules (
            id bigserial PRIMARY KEY,
            guild_id bigint NOT NULL,
            command text NOT NULL CHECK (length(command) BETWEEN 1 AND 100),
            target_type text NOT NULL CHECK (target_type IN ('member', 'role', 'channel', 'server')),
            target_id bigint NOT NULL,
            allow boolean NOT NULL,
            created_by bigint,
            created_at timestamptz NOT NULL DEFAULT now(),
            UNIQUE (guild_id, command, target_type, target_id)
        )
    """)
    op.execute("CREATE INDEX ix_command_rules_created_by ON command_rules (created_by)")
    op.execute("CREATE INDEX ix_command_rules_member ON command_rules (target_id) WHERE target_type = 'member'")
    op.execute("""
        CREATE TABLE command_cooldowns (
            guild_id bigint NOT NULL,
            command text NOT NULL CHECK (length(command) BETWEEN 1 AND 100),
            uses integer NOT NULL CHECK (uses BETWEEN 1 AND 100),
            per_seconds integer NOT NULL CHECK (per_seconds BETWEEN 1 AND 86400),
            created_by bigint,
            created_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (guild_id, command)
        )
    """)
    op.execute("CREATE INDEX ix_command_cooldowns_created_by ON command_cooldowns (created_by)")


def downgrade() -> None:
    op.execute("DROP TABLE IF EXISTS command_cooldowns")
    op.execute("DROP TABLE IF EXISTS command_rules")
