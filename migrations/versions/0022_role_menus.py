"""Self-assign roles: role menus, reaction roles, autoroles and sticky roles (cogs/roles).

Revision ID: 0022_role_menus
Revises: 0021_tags
Create Date: 2026-12-08

- role_menus: a menu of roles members pick themselves, as buttons or a select menu, with its mode (normal toggle,
  unique, verify = add only, drop = remove only, limit = at most `max_roles`, temporary = removed after
  `duration_seconds`) and an optional role required to use it. Names are unique per guild, whatever the case.
- role_menu_options: the menu's roles in order (at most 25: Discord's buttons per message and options per select),
  each with its label, emoji and description, and who added it (`added_by`: the role is given on their behalf,
  checked by role safety each time).
- role_menu_posts: where the menu is posted (a menu can be posted in several channels); editing the menu edits
  them all.
- role_reactions: reaction roles on an existing message (message, emoji → role, mode), for communities moving
  from another bot; `added_by` as above.
- role_autoroles: roles given on join to members or to bots, optionally after a delay or only once the member
  passed verification or onboarding; `added_by` as above.
- role_sticky: the roles given back to a member who leaves and comes back; `added_by` as above.
- role_sticky_members: the sticky roles a member held when they left (deleted when they come back, and after
  `roles.sticky_days`).

Temporary roles and delayed autoroles are timers jobs (`roles_temporary`, `roles_autorole`), not rows.
"""

from alembic import op

revision = "0022_role_menus"
down_revision = "0021_tags"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("""
        CREATE TABLE role_menus (
            id serial PRIMARY KEY,
            guild_id bigint NOT NULL,
            name text NOT NULL,
            title text,
            description text,
            style text NOT NULL DEFAULT 'buttons' CHECK (style IN ('buttons', 'select')),
            mode text NOT NULL DEFAULT 'normal'
                CHECK (mode IN ('normal', 'unique', 'verify', 'drop', 'limit', 'temporary')),
            max_roles integer CHECK (max_roles BETWEEN 1 AND 25),
            duration_seconds integer CHECK (duration_seconds > 0),
            required_role_id bigint,
            created_at timestamptz NOT NULL DEFAULT now()
        )""")
    op.execute("CREATE UNIQUE INDEX ux_role_menus_guild_id_name ON role_menus (guild_id, lower(name))")
    op.execute("CREATE UNIQUE INDEX ux_role_menus_id_guild_id ON role_menus (id, guild_id)")
    op.execute("""
        CREATE TABLE role_menu_options (
            id serial PRIMARY KEY,
            guild_id bigint NOT NULL,
            menu_id integer NOT NULL,
            role_id bigint NOT NULL,
            label text NOT NULL,
            emoji text,
            description text,
            position integer NOT NULL DEFAULT 0,
            added_by bigint,
            FOREIGN KEY (menu_id, guild_id) REFERENCES role_menus (id, guild_id) ON DELETE CASCADE,
            UNIQUE (menu_id, role_id)
        )""")
    op.execute("CREATE INDEX ix_role_menu_options_guild_id_role_id ON role_menu_options (guild_id, role_id)")
    op.execute("CREATE INDEX ix_role_menu_options_added_by ON role_menu_options (added_by) "
               "WHERE added_by IS NOT NULL")
    op.execute("""
        CREATE TABLE role_menu_posts (
            id serial PRIMARY KEY,
            guild_id bigint NOT NULL,
            menu_id integer NOT NULL,
            channel_id bigint NOT NULL,
            message_id bigint NOT NULL UNIQUE,
            FOREIGN KEY (menu_id, guild_id) REFERENCES role_menus (id, guild_id) ON DELETE CASCADE
        )""")
    op.execute("CREATE INDEX ix_role_menu_posts_guild_id_menu_id ON role_menu_posts (guild_id, menu_id)")
    op.execute("""
        CREATE TABLE role_reactions (
            id serial PRIMARY KEY,
            guild_id bigint NOT NULL,
            channel_id bigint NOT NULL,
            message_id bigint NOT NULL,
            emoji text NOT NULL,
            role_id bigint NOT NULL,
            mode text NOT NULL DEFAULT 'normal' CHECK (mode IN ('normal', 'verify', 'drop')),
            added_by bigint,
            created_at timestamptz NOT NULL DEFAULT now(),
            UNIQUE (guild_id, message_id, emoji)
        )""")
    op.execute("CREATE INDEX ix_role_reactions_added_by ON role_reactions (added_by) WHERE added_by IS NOT NULL")
    op.execute("""
        CREATE TABLE role_autoroles (
            id serial PRIMARY KEY,
            guild_id bigint NOT NULL,
            role_id bigint NOT NULL,
            target text NOT NULL DEFAULT 'members' CHECK (target IN ('members', 'bots')),
            after text NOT NULL DEFAULT 'join' CHECK (after IN ('join', 'verification', 'onboarding')),
            delay_seconds integer NOT NULL DEFAULT 0 CHECK (delay_seconds >= 0),
            added_by bigint,
            UNIQUE (guild_id, target, role_id)
        )""")
    op.execute("CREATE INDEX ix_role_autoroles_added_by ON role_autoroles (added_by) WHERE added_by IS NOT NULL")
    op.execute("""
        CREATE TABLE role_sticky (
            guild_id bigint NOT NULL,
            role_id bigint NOT NULL,
            added_by bigint,
            PRIMARY KEY (guild_id, role_id)
        )""")
    op.execute("CREATE INDEX ix_role_sticky_added_by ON role_sticky (added_by) WHERE added_by IS NOT NULL")
    op.execute("""
        CREATE TABLE role_sticky_members (
            guild_id bigint NOT NULL,
            user_id bigint NOT NULL,
            role_ids bigint[] NOT NULL DEFAULT '{}',
            left_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (guild_id, user_id)
        )""")
    op.execute("CREATE INDEX ix_role_sticky_members_user_id ON role_sticky_members (user_id)")
    op.execute("CREATE INDEX ix_role_sticky_members_left_at ON role_sticky_members (left_at)")


def downgrade() -> None:
    for table in ("role_sticky_members", "role_sticky", "role_autoroles", "role_reactions", "role_menu_posts",
                  "role_menu_options", "role_menus"):
        op.execute(f"DROP TABLE {table}")
