"""Moderation: the saved state of locked channels, so /unlock restores exactly what /lock changed.

Revision ID: 0016_channel_locks
Revises: 0015_moderation
Create Date: 2026-12-06

- moderation_channel_locks: one row per locked channel. `previous` maps each role id whose overwrite the lock
  changed to that overwrite as it was (`[allow, deny]`), or to null when the role had no overwrite (unlock then
  removes it again). A second lock of the channel only adds roles it had not saved, so the first state wins.
  `locked_by` is the moderator (personal data: cogs/moderation/gdpr.py forgets it on erasure).
"""

from alembic import op

revision = "0016_channel_locks"
down_revision = "0015_moderation"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("""
        CREATE TABLE moderation_channel_locks (
            guild_id bigint NOT NULL,
            channel_id bigint NOT NULL,
            previous jsonb NOT NULL DEFAULT '{}'::jsonb,
            locked_by bigint,
            reason text,
            locked_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (guild_id, channel_id)
        )
    """)
    op.execute("CREATE INDEX ix_moderation_channel_locks_locked_by ON moderation_channel_locks (locked_by) "
               "WHERE locked_by IS NOT NULL")


def downgrade() -> None:
    op.execute("DROP TABLE moderation_channel_locks")
