"""The members' own dashboard page: a record of every data request (export, erasure) a member made, so the page
(and `/export_my_data`, `/delete_my_data`) can tell them what happened to their past requests.

Revision ID: 0034_member_page
Revises: 0033_guild_stats
Create Date: 2026-12-07

- gdpr_requests: one row per request: who, what (export | erasure), where from (command | dashboard), when, and
  its outcome in words ("done", "incomplete: …", "failed: …"). Owned by cogs/gdpr; erasure deletes a member's
  rows, then records that erasure itself (when, and its outcome; nothing else about them).
- dashboard_sessions.guild_ids: the server ids Discord listed for the user at login. Never trusted for access:
  only the candidates that a process asks Discord about (over REST) for servers held by another bot process, so
  the server list can show them.
"""

from alembic import op

revision = "0034_member_page"
down_revision = "0033_guild_stats"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("""
        CREATE TABLE gdpr_requests (
            id bigserial PRIMARY KEY,
            user_id bigint NOT NULL,
            kind text NOT NULL,
            via text NOT NULL,
            requested_at timestamptz NOT NULL,
            outcome text NOT NULL
        )
    """)
    op.execute("CREATE INDEX ix_gdpr_requests_user_id ON gdpr_requests (user_id, requested_at DESC)")
    op.execute("ALTER TABLE dashboard_sessions ADD COLUMN guild_ids bigint[] NOT NULL DEFAULT '{}'")


def downgrade() -> None:
    op.execute("ALTER TABLE dashboard_sessions DROP COLUMN IF EXISTS guild_ids")
    op.execute("DROP TABLE IF EXISTS gdpr_requests")
