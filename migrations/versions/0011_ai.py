"""AI: the per-guild daily budget of background LLM calls.

Revision ID: 0011_ai
Revises: 0010_premium
Create Date: 2026-12-06

- gpt_guild_usage (new): LLM requests per guild and UTC day made by background features nobody starts on
  purpose (the embed watcher, ticket summaries, FAQ drafts), charged against AI_GUILD_DAILY_BUDGET in one
  statement; notified_at marks that the guild's log channel was told the day's budget is used up (once a day).
  No user column. Rows older than a week are deleted by the AI cog's daily clean-up.
"""

from alembic import op

revision = "0011_ai"
down_revision = "0010_premium"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("""
        CREATE TABLE gpt_guild_usage (
            guild_id bigint NOT NULL,
            usage_date date NOT NULL,
            call_count integer NOT NULL DEFAULT 0,
            notified_at timestamp with time zone,
            PRIMARY KEY (guild_id, usage_date)
        )
    """)
    op.execute("CREATE INDEX ix_gpt_guild_usage_usage_date ON gpt_guild_usage (usage_date)")


def downgrade() -> None:
    op.execute("DROP TABLE gpt_guild_usage")
