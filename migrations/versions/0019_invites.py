"""Invite tracking: who joined through whose invite, admins' adjustments of the counts, where tracking began.

Revision ID: 0019_invites
Revises: 0018_case_appeals
Create Date: 2026-12-20

- invite_joins: one row per join the bot saw (or found on start: joins while it was down, `how` 'unknown').
  `how` is 'invite' (with `code` and `inviter_id`), 'vanity' or 'unknown' (never a guess). `joined_at` is Discord's
  join time of that membership (one row per (guild, user, joined_at)); `account_age_seconds` is the account's age
  when it joined (fake = younger than `invites.fake_account_age`, decided when counting). `latest` marks the
  member's latest join in the guild: only latest rows count, so a member who rejoins counts once, for the inviter of
  the latest join. `left_at` is set when that membership ends. Personal data (cogs/invites/gdpr.py): on erasure
  `user_id` is anonymised (NULL) and, for an inviter, `inviter_id` and `code`.
- invite_adjustments: `/invites set` and `/invites reset` (one member, or `user_id` NULL: everyone). From the
  latest adjustment on, a member's count is `value` plus the counted joins with an id above `after_join`; the
  join history itself is never rewritten. `set_by` is the admin.
- invite_tracking: when tracking began in a guild (Discord's time), so members who joined before are not taken
  for joins the bot missed.
"""

from alembic import op

revision = "0019_invites"
down_revision = "0018_case_appeals"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("""
        CREATE TABLE invite_joins (
            id bigserial PRIMARY KEY,
            guild_id bigint NOT NULL,
            user_id bigint,
            joined_at timestamptz NOT NULL,
            how text NOT NULL DEFAULT 'unknown' CHECK (how IN ('invite', 'vanity', 'unknown')),
            code text,
            inviter_id bigint,
            account_age_seconds bigint NOT NULL CHECK (account_age_seconds >= 0),
            latest boolean NOT NULL DEFAULT true,
            left_at timestamptz,
            CHECK (how = 'invite' OR inviter_id IS NULL)
        )
    """)
    op.execute("CREATE UNIQUE INDEX ux_invite_joins_membership ON invite_joins (guild_id, user_id, joined_at)")
    op.execute("CREATE INDEX ix_invite_joins_inviter ON invite_joins (guild_id, inviter_id) WHERE latest")
    op.execute("CREATE INDEX ix_invite_joins_user_id ON invite_joins (user_id) WHERE user_id IS NOT NULL")
    op.execute("CREATE INDEX ix_invite_joins_inviter_id ON invite_joins (inviter_id) WHERE inviter_id IS NOT NULL")
    op.execute("""
        CREATE TABLE invite_adjustments (
            id bigserial PRIMARY KEY,
            guild_id bigint NOT NULL,
            user_id bigint,
            kind text NOT NULL DEFAULT 'set' CHECK (kind IN ('set', 'reset')),
            value integer NOT NULL,
            after_join bigint NOT NULL DEFAULT 0,
            set_by bigint,
            created_at timestamptz NOT NULL DEFAULT now()
        )
    """)
    op.execute("CREATE INDEX ix_invite_adjustments_guild ON invite_adjustments (guild_id, user_id, id)")
    op.execute("CREATE INDEX ix_invite_adjustments_user_id ON invite_adjustments (user_id) WHERE user_id IS NOT NULL")
    op.execute("CREATE INDEX ix_invite_adjustments_set_by ON invite_adjustments (set_by) WHERE set_by IS NOT NULL")
    op.execute("""
        CREATE TABLE invite_tracking (
            guild_id bigint PRIMARY KEY,
            since timestamptz NOT NULL
        )
    """)


def downgrade() -> None:
    op.execute("DROP TABLE invite_tracking")
    op.execute("DROP TABLE invite_adjustments")
    op.execute("DROP TABLE invite_joins")
