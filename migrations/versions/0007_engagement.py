"""Engagement: columns and tables beyond the reference schema.

Revision ID: 0007_engagement
Revises: 0006_onboarding_verification
Create Date: 2026-11-22

- engagement_daily_counts (new): messages per member per local day, written by the buffered counter (one
  set-based UPSERT per flush); the leaderboard periods and the profile's totals and rank read it.
- engagement_streaks: best_days (the longest streak so far) and nickname_applied (the bot added the 🔥 suffix,
  so base_nickname — possibly NULL, "no nickname" — must be restored when the streak ends).
- engagement_weekly_awards: where and when the results were posted (channel_id, message_id, posted_at), so a
  retried job does not post the same week twice.
- engagement_challenges: at most one active challenge per channel (partial unique index).
"""

from alembic import op

revision = "0007_engagement"
down_revision = "0006_onboarding_verification"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("""
        CREATE TABLE engagement_daily_counts (
            guild_id bigint NOT NULL,
            user_id bigint NOT NULL,
            day date NOT NULL,
            messages integer NOT NULL DEFAULT 0,
            PRIMARY KEY (guild_id, user_id, day)
        )
    """)
    op.execute("CREATE INDEX ix_engagement_daily_counts_guild_id_day ON engagement_daily_counts (guild_id, day)")
    op.execute("ALTER TABLE engagement_streaks ADD COLUMN best_days integer NOT NULL DEFAULT 0")
    op.execute("ALTER TABLE engagement_streaks ADD COLUMN nickname_applied boolean NOT NULL DEFAULT false")
    op.execute("ALTER TABLE engagement_weekly_awards ADD COLUMN channel_id bigint")
    op.execute("ALTER TABLE engagement_weekly_awards ADD COLUMN message_id bigint")
    op.execute("ALTER TABLE engagement_weekly_awards ADD COLUMN posted_at timestamp with time zone")
    op.execute("CREATE UNIQUE INDEX ux_engagement_challenges_active_channel "
               "ON engagement_challenges (guild_id, channel_id) WHERE active")


def downgrade() -> None:
    op.execute("DROP INDEX ux_engagement_challenges_active_channel")
    op.execute("ALTER TABLE engagement_weekly_awards DROP COLUMN posted_at")
    op.execute("ALTER TABLE engagement_weekly_awards DROP COLUMN message_id")
    op.execute("ALTER TABLE engagement_weekly_awards DROP COLUMN channel_id")
    op.execute("ALTER TABLE engagement_streaks DROP COLUMN nickname_applied")
    op.execute("ALTER TABLE engagement_streaks DROP COLUMN best_days")
    op.execute("DROP TABLE engagement_daily_counts")
