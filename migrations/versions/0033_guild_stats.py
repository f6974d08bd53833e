"""Daily server figures the bot counts itself (the dashboard's overview and `/api/v1/.../stats`).

Revision ID: 0033_guild_stats
Revises: 0032_event_feeds
Create Date: 2026-12-07

- guild_daily_stats: per guild and UTC day, the messages seen and the members who joined and left. Counted in
  memory by the insight cog and added in batches (one set-based statement); kept 400 days (core/retention).
  No user columns: nothing personal is stored.
"""

from alembic import op

revision = "0033_guild_stats"
down_revision = "0032_event_feeds"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("""
        CREATE TABLE guild_daily_stats (
            guild_id bigint NOT NULL,
            day date NOT NULL,
            messages integer NOT NULL DEFAULT 0 CHECK (messages >= 0),
            joins integer NOT NULL DEFAULT 0 CHECK (joins >= 0),
            leaves integer NOT NULL DEFAULT 0 CHECK (leaves >= 0),
            PRIMARY KEY (guild_id, day)
        )
    """)
    op.execute("CREATE INDEX ix_guild_daily_stats_day ON guild_daily_stats (day)")


def downgrade() -> None:
    op.execute("DROP TABLE IF EXISTS guild_daily_stats")
