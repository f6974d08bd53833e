"""Points: balances changed only through a ledger, a shop, and a redeem queue for custom rewards.

Revision ID: 0024_points
Revises: 0023_levels
Create Date: 2026-12-10

The reference schema has no points tables (the Pixel Bot and loot bot seeds describe them in words only), so
they are new:

- points_balances: one row per member and guild; `balance` never goes negative (CHECK), and it equals the sum of
  the member's ledger rows: both are written by one statement (cogs/points/repo.py `post`), nowhere else.
- points_ledger: every change of a balance (amount, kind, reason, actor, reference). `reference` is unique per
  account (UNIQUE guild_id, user_id, reference): a spend is keyed by its interaction id, so a replayed
  interaction spends nothing twice; a challenge win, a level and a refund by what they are for. Activity points
  are one row per member and day (reference `activity:<day>`) that grows as they earn. After a GDPR erasure the
  member's rows stay for the guild's accounts with `user_id` NULL, closed by an `erasure` row to zero.
- points_shop_items: role items (permanent or temporary) and custom rewards; `role_set_by` is the admin the
  role-safety check runs against at every grant. Removed items keep their row (`removed_at`) for the redeems
  that name them.
- points_redeems: custom rewards waiting for staff (pending, approved, refused); a refusal refunds through the
  ledger (reference `refund:<id>`).
"""

from alembic import op

revision = "0024_points"
down_revision = "0023_levels"
branch_labels = None
depends_on = None

KINDS = ("activity", "level", "challenge", "staff", "give", "buy", "refund", "erasure")


def upgrade() -> None:
    op.execute("""
        CREATE TABLE points_balances (
            guild_id bigint NOT NULL,
            user_id bigint NOT NULL,
            balance bigint NOT NULL DEFAULT 0 CONSTRAINT points_balances_not_negative CHECK (balance >= 0),
            updated_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (guild_id, user_id)
        )""")
    op.execute("CREATE INDEX ix_points_balances_user_id ON points_balances (user_id)")
    kinds = ", ".join(f"'{kind}'" for kind in KINDS)
    op.execute(f"""
        CREATE TABLE points_ledger (
            id bigserial PRIMARY KEY,
            guild_id bigint NOT NULL,
            user_id bigint,
            amount bigint NOT NULL CHECK (amount <> 0),
            kind text NOT NULL DEFAULT 'staff' CHECK (kind IN ({kinds})),
            reason text NOT NULL DEFAULT '',
            actor_id bigint,
            reference text NOT NULL,
            created_at timestamptz NOT NULL,
            CONSTRAINT ux_points_ledger_reference UNIQUE (guild_id, user_id, reference)
        )""")
    # A member's history (newest first) and the GDPR lookups.
    op.execute("CREATE INDEX ix_points_ledger_user_id ON points_ledger (user_id, guild_id, id)")
    op.execute("CREATE INDEX ix_points_ledger_actor_id ON points_ledger (actor_id) WHERE actor_id IS NOT NULL")
    op.execute("""
        CREATE TABLE points_shop_items (
            id serial PRIMARY KEY,
            guild_id bigint NOT NULL,
            name text NOT NULL,
            description text NOT NULL DEFAULT '',
            kind text NOT NULL DEFAULT 'custom' CHECK (kind IN ('role', 'temp_role', 'custom')),
            price bigint NOT NULL CHECK (price > 0),
            role_id bigint,
            duration_seconds integer CHECK (duration_seconds > 0),
            role_set_by bigint,
            created_by bigint,
            created_at timestamptz NOT NULL,
            removed_at timestamptz,
            CHECK ((kind = 'custom') = (role_id IS NULL)),
            CHECK ((kind = 'temp_role') = (duration_seconds IS NOT NULL))
        )""")
    op.execute("CREATE UNIQUE INDEX ux_points_shop_items_name ON points_shop_items (guild_id, lower(name)) "
               "WHERE removed_at IS NULL")
    op.execute("CREATE UNIQUE INDEX ux_points_shop_items_id_guild_id ON points_shop_items (id, guild_id)")
    op.execute("CREATE INDEX ix_points_shop_items_role_set_by ON points_shop_items (role_set_by) "
               "WHERE role_set_by IS NOT NULL")
    op.execute("CREATE INDEX ix_points_shop_items_created_by ON points_shop_items (created_by) "
               "WHERE created_by IS NOT NULL")
    op.execute("""
        CREATE TABLE points_redeems (
            id serial PRIMARY KEY,
            guild_id bigint NOT NULL,
            item_id integer NOT NULL,
            user_id bigint NOT NULL,
            item_name text NOT NULL,
            price bigint NOT NULL CHECK (price > 0),
            note text NOT NULL DEFAULT '',
            status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'refused')),
            decided_by bigint,
            decided_at timestamptz,
            created_at timestamptz NOT NULL,
            CONSTRAINT fk_points_redeems_item_id_guild_id FOREIGN KEY (item_id, guild_id)
                REFERENCES points_shop_items (id, guild_id)
        )""")
    op.execute("CREATE INDEX ix_points_redeems_user_id ON points_redeems (user_id)")
    op.execute("CREATE INDEX ix_points_redeems_decided_by ON points_redeems (decided_by) WHERE decided_by IS NOT NULL")
    op.execute("CREATE INDEX ix_points_redeems_guild_id_item_id ON points_redeems (guild_id, item_id)")


def downgrade() -> None:
    op.execute("DROP TABLE points_redeems")
    op.execute("DROP TABLE points_shop_items")
    op.execute("DROP TABLE points_ledger")
    op.execute("DROP TABLE points_balances")
