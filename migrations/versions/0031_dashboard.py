"""Web dashboard sessions (cogs/dashboard): one row per logged-in browser.

Revision ID: 0031_dashboard
Revises: 0030_announcements
Create Date: 2026-12-06

- dashboard_sessions: the SHA-256 hash of the session id the browser holds in its cookie (never the id itself),
  the Discord user it is for (with their name as Discord showed it at login, for the page header), and when it
  was created and expires. Logout deletes the row; expired rows are deleted at the next login.
"""

from alembic import op

revision = "0031_dashboard"
down_revision = "0030_announcements"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("""
        CREATE TABLE dashboard_sessions (
            id_hash text PRIMARY KEY,
            user_id bigint NOT NULL,
            user_name text NOT NULL CHECK (length(user_name) <= 100),
            created_at timestamptz NOT NULL,
            expires_at timestamptz NOT NULL
        )
    """)
    op.execute("CREATE INDEX ix_dashboard_sessions_user ON dashboard_sessions (user_id)")
    op.execute("CREATE INDEX ix_dashboard_sessions_expires ON dashboard_sessions (expires_at)")


def downgrade() -> None:
    op.execute("DROP TABLE IF EXISTS dashboard_sessions")
