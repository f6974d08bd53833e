"""The timers service's jobs: one table for every kind of scheduled work (reminders, ticket inactivity,
premium expiry, challenge ends, weekly awards).

Revision ID: 0002_timers
Revises: 0001_initial_schema
Create Date: 2026-11-21
"""

from alembic import op

revision = "0002_timers"
down_revision = "0001_initial_schema"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        CREATE TABLE timers (
            id bigserial PRIMARY KEY,
            guild_id bigint NOT NULL,
            kind text NOT NULL,
            key text NOT NULL,
            due_at timestamp with time zone NOT NULL,
            payload jsonb NOT NULL DEFAULT '{}'::jsonb,
            lease_token uuid,
            lease_until timestamp with time zone,
            attempts integer NOT NULL DEFAULT 0,
            created_at timestamp with time zone NOT NULL DEFAULT now(),
            UNIQUE (kind, key)
        )
        """
    )
    # The dispatcher asks for the earliest due (or lease-expired) job; claims scan by due time.
    op.execute("CREATE INDEX ix_timers_due_at ON timers (due_at)")
    op.execute("CREATE INDEX ix_timers_leased ON timers (lease_until) WHERE lease_until IS NOT NULL")
    op.execute("CREATE INDEX ix_timers_guild_id ON timers (guild_id)")


def downgrade() -> None:
    op.execute("DROP TABLE timers")
