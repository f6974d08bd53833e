"""Scheduled scheduled_announcements (`/announce … when:`), posted by the timers service (kind `announcement`).

Revision ID: 0030_announcements
Revises: 0029_command_rules
Create Date: 2026-12-06

- scheduled_announcements: one row per announcement waiting to be posted (deleted once posted or cancelled): the target
  channel, the text, the role to ping (if asked) and whether to ping @everyone, and the member who scheduled it
  (`author_id`, whose permission to ping is checked again when it is posted; NULL once a GDPR erasure forgot
  them, and then it pings nobody).
"""

from alembic import op

revision = "0030_announcements"
down_revision = "0029_command_rules"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("""
        CREATE TABLE scheduled_announcements (
            id bigserial PRIMARY KEY,
            guild_id bigint NOT NULL,
            channel_id bigint NOT NULL,
            author_id bigint,
            content text NOT NULL CHECK (length(content) BETWEEN 1 AND 2000),
            ping_role_id bigint,
            ping_everyone boolean NOT NULL DEFAULT false,
            due_at timestamptz NOT NULL,
            created_at timestamptz NOT NULL DEFAULT now()
        )
    """)
    op.execute("CREATE INDEX ix_scheduled_announcements_guild_due ON scheduled_announcements (guild_id, due_at)")
    op.execute("CREATE INDEX ix_scheduled_announcements_author ON scheduled_announcements (author_id)")


def downgrade() -> None:
    op.execute("DROP TABLE IF EXISTS scheduled_announcements")
