"""Premium: the Checkout Sessions Hearth created, and the refunds and disputes that ended premium.

Revision ID: 0010_premium
Revises: 0009_webhooks
Create Date: 2026-12-01

- premium_checkouts (new): every Checkout Session Hearth created, with the buyer, the tier, the price, amount
  and currency it asked Stripe for and the random marker it put in the session's metadata. A completed session
  grants premium only when it is in this table, carries its marker and its line items match; the row then
  links the session to the payment intent / subscription and the premium row it paid for.
- premium_reversals (new): each full refund or dispute that ended a premium row (and how a dispute closed), so a
  won dispute restores only what no other reversal still ends.
"""

from alembic import op

revision = "0010_premium"
down_revision = "0009_webhooks"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("""
        CREATE TABLE premium_checkouts (
            stripe_session_id text PRIMARY KEY,
            user_id bigint NOT NULL,
            guild_id bigint NOT NULL,
            tier text NOT NULL,
            mode text NOT NULL,
            price_id text NOT NULL,
            amount bigint NOT NULL,
            currency text NOT NULL,
            marker text NOT NULL,
            status text NOT NULL DEFAULT 'open',
            refusal text,
            created_at timestamp with time zone NOT NULL,
            completed_at timestamp with time zone,
            stripe_payment_intent_id text,
            stripe_subscription_id text,
            premium_sub_id integer REFERENCES premium_subs (id) ON DELETE SET NULL
        )
    """)
    op.execute("CREATE INDEX ix_premium_checkouts_user_id ON premium_checkouts (user_id)")
    op.execute("CREATE INDEX ix_premium_checkouts_payment_intent ON premium_checkouts (stripe_payment_intent_id)")
    op.execute("""
        CREATE TABLE premium_reversals (
            id serial PRIMARY KEY,
            guild_id bigint NOT NULL,
            premium_sub_id integer NOT NULL REFERENCES premium_subs (id) ON DELETE CASCADE,
            kind text NOT NULL,
            stripe_object_id text NOT NULL UNIQUE,
            stripe_payment_intent_id text,
            status text NOT NULL,
            created_at timestamp with time zone NOT NULL,
            closed_at timestamp with time zone
        )
    """)
    op.execute("CREATE INDEX ix_premium_reversals_premium_sub_id ON premium_reversals (premium_sub_id)")


def downgrade() -> None:
    op.execute("DROP TABLE premium_reversals")
    op.execute("DROP TABLE premium_checkouts")
