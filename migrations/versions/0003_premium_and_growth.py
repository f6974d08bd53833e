"""Stripe bookkeeping for premium (customer id, event ordering, processed event ids) and growth check-ins.

Revision ID: 0003_premium_and_growth
Revises: 0002_timers
Create Date: 2026-11-21
"""

from alembic import op

revision = "0003_premium_and_growth"
down_revision = "0002_timers"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # The customer id opens the Stripe customer portal; stripe_updated_at is the Stripe time of the last
    # event applied to the row, so an older event arriving late never overwrites a newer state.
    op.execute("ALTER TABLE premium_subs ADD COLUMN stripe_customer_id text")
    op.execute("ALTER TABLE premium_subs ADD COLUMN stripe_updated_at timestamp with time zone")
    op.execute("CREATE INDEX ix_premium_subs_stripe_subscription_id ON premium_subs (stripe_subscription_id)")
    # Every webhook event handled, written in the same transaction as its effect: a redelivery is a no-op.
    op.execute(
        """
        CREATE TABLE stripe_events (
            event_id text PRIMARY KEY,
            type text NOT NULL,
            created_at timestamp with time zone NOT NULL,
            processed_at timestamp with time zone NOT NULL DEFAULT now()
        )
        """
    )
    op.execute(
        """
        CREATE TABLE growth_checkins (
            id serial PRIMARY KEY,
            guild_id bigint NOT NULL,
            user_id bigint NOT NULL,
            goal text NOT NULL,
            obstacle text,
            feeling text,
            style text NOT NULL DEFAULT 'gentle',
            reply text NOT NULL,
            shared boolean NOT NULL DEFAULT false,
            created_at timestamp with time zone NOT NULL DEFAULT now()
        )
        """
    )
    op.execute("CREATE INDEX ix_growth_checkins_guild_user_created ON growth_checkins (guild_id, user_id, created_at)")


def downgrade() -> None:
    op.execute("DROP TABLE growth_checkins")
    op.execute("DROP TABLE stripe_events")
    op.execute("DROP INDEX ix_premium_subs_stripe_subscription_id")
    op.execute("ALTER TABLE premium_subs DROP COLUMN stripe_updated_at")
    op.execute("ALTER TABLE premium_subs DROP COLUMN stripe_customer_id")
