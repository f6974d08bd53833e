"""Role safety: who configured the roles that onboarding and automod actions give.

Revision ID: 0008_roles
Revises: 0007_engagement
Create Date: 2026-12-01

A role the bot gives is checked, each time it is given, against the member who configured it (role safety,
core/role_safety.py). Settings keep that member in bot_settings.updated_by; two features keep roles outside the
settings and get a column for it:

- guild_onboarding_questions.role_map_by: who last changed the question's role mapping (`/config onboarding
  role_map`); every role mapped on the question (its options and its follow-ups' options) is given on their behalf.
- automod_actions.role_set_by: who set the mute action's own role (`/config automod action_add|action_edit role:`).

Mappings made before this revision have no setter: they are not given until someone allowed to hand the role out
maps it again (the log channel says so once).
"""

from alembic import op

revision = "0008_roles"
down_revision = "0007_engagement"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("ALTER TABLE guild_onboarding_questions ADD COLUMN role_map_by bigint")
    op.execute("ALTER TABLE automod_actions ADD COLUMN role_set_by bigint")


def downgrade() -> None:
    op.execute("ALTER TABLE automod_actions DROP COLUMN role_set_by")
    op.execute("ALTER TABLE guild_onboarding_questions DROP COLUMN role_map_by")
