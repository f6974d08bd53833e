"""Levels: XP per member, level roles, XP multipliers (issue 19).

Revision ID: 0023_levels
Revises: 0022_role_menus
Create Date: 2026-12-20

- levels_members: one row per member and guild: total XP (the level is computed from it on MEE6's curve, never
  stored), the messages that earned XP and the minutes in voice. Written by the buffered flush (one set-based
  upsert), `/xp give|remove|reset` and the CSV import. Indexed by (guild_id, xp DESC) for ranks and the
  leaderboard, and by user_id for GDPR.
- levels_roles: the role a member gets on reaching a level (several levels, one role each), with who set it: the
  role-safety check runs against `set_by` at every grant (NULL once they were erased: the role is then refused
  until someone sets it again).
- levels_multipliers: XP multipliers per channel (or category) and per role; 0 means no XP there / for them.
"""

from alembic import op

revision = "0023_levels"
down_revision = "0022_role_menus"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("""
        CREATE TABLE levels_members (
            guild_id bigint NOT NULL,
            user_id bigint NOT NULL,
            xp bigint NOT NULL DEFAULT 0 CHECK (xp >= 0),
            messages integer NOT NULL DEFAULT 0,
            voice_minutes integer NOT NULL DEFAULT 0,
            updated_at timestamptz NOT NULL,
            PRIMARY KEY (guild_id, user_id)
        )""")
    op.execute("CREATE INDEX ix_levels_members_rank ON levels_members (guild_id, xp DESC)")
    op.execute("CREATE INDEX ix_levels_members_user_id ON levels_members (user_id)")
    op.execute("""
        CREATE TABLE levels_roles (
            id bigserial PRIMARY KEY,
            guild_id bigint NOT NULL,
            level integer NOT NULL CHECK (level BETWEEN 1 AND 1000),
            role_id bigint NOT NULL,
            set_by bigint,
            created_at timestamptz NOT NULL,
            UNIQUE (guild_id, role_id)
        )""")
    op.execute("CREATE INDEX ix_levels_roles_set_by ON levels_roles (set_by) WHERE set_by IS NOT NULL")
    op.execute("""
        CREATE TABLE levels_multipliers (
            guild_id bigint NOT NULL,
            target_type text NOT NULL CHECK (target_type IN ('channel', 'role')),
            target_id bigint NOT NULL,
            multiplier numeric(4, 2) NOT NULL CHECK (multiplier >= 0 AND multiplier <= 10),
            PRIMARY KEY (guild_id, target_type, target_id)
        )""")


def downgrade() -> None:
    op.execute("DROP TABLE levels_multipliers")
    op.execute("DROP TABLE levels_roles")
    op.execute("DROP TABLE levels_members")
