"""The embeds posted with `/embed create`, the only bot messages `/embed edit` may change.

Revision ID: 0036_posted_embeds
Revises: 0034_member_page
Create Date: 2026-12-07

- posted_embeds: one row per embed posted with `/embed create` (its message and channel, and the member who
  posted it, `created_by`, NULL once a GDPR erasure forgot them). Without it `/embed edit` could rewrite any
  embed the bot posted — a ticket panel, a case in the moderation log — for anyone with Manage Messages there.
"""

from alembic import op

revision = "0036_posted_embeds"
down_revision = "0034_member_page"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("""
        CREATE TABLE posted_embeds (
            message_id bigint PRIMARY KEY,
            guild_id bigint NOT NULL,
            channel_id bigint NOT NULL,
            created_by bigint,
            created_at timestamptz NOT NULL DEFAULT now()
        )
    """)
    op.execute("CREATE INDEX ix_posted_embeds_guild ON posted_embeds (guild_id)")
    op.execute("CREATE INDEX ix_posted_embeds_created_by ON posted_embeds (created_by)")


def downgrade() -> None:
    op.execute("DROP TABLE IF EXISTS posted_embeds")
