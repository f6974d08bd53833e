"""The events calendar feed: one unguessable, revocable token per guild (cogs/events/feed.py, `/event feed`).

Revision ID: 0032_event_feeds
Revises: 0031_dashboard
Create Date: 2026-12-06

- event_feeds: the SHA-256 of the guild's feed token (the token itself is shown once to the admin who asked and
  never stored), who made it and when. Resetting replaces the row: the old address stops working at once.
"""

from alembic import op

revision = "0032_event_feeds"
down_revision = "0031_dashboard"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("""
        CREATE TABLE event_feeds (
            guild_id bigint PRIMARY KEY,
            token_hash text NOT NULL UNIQUE,
            created_by bigint,
            created_at timestamptz NOT NULL DEFAULT now()
        )
    """)
    op.execute("CREATE INDEX ix_event_feeds_created_by ON event_feeds (created_by)")


def downgrade() -> None:
    op.execute("DROP TABLE IF EXISTS event_feeds")
