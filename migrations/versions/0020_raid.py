"""Raid protection: incidents (a join raid or a mention wave) and the members caught in them, with everything the
brake changed saved before it changed it, so the one-click undo restores exactly that.

Revision ID: 0020_raid
Revises: 0019_invites
Create Date: 2026-12-06

- raid_incidents: one row per incident of a guild (`kind` joins or mentions, cogs/raid/desk.py's constants; at most
  one of each kind on at a time, a partial unique index; `summary`: what the detector saw, in words).
  `previous_level` / `raised_level`: the verification level before the brake and the level it set (both written
  before the change; `raised_level` NULL = not changed). `invites_paused`: the brake paused invites (they were not
  paused before). `level_outcome` / `invites_outcome`: what became of them (NULL = still to put back, `undoing`
  while an undo or the end does it, `restored`, `changed` = someone changed it in between, so it was left as is).
  `last_activity_at`: the last join (or new mentioner), for the quiet period that ends the incident (a timers job,
  `raid_end`). `problems`: what the brake could not do, in words (shown in the alert). `ended_by` and `undone_by`
  are members (personal data: cogs/raid/gdpr.py).
- raid_members: the members of an incident (joiners, or mentioners of a wave): their account's age and avatar as the
  detector saw them, the timeout the brake set (`timed_out_until`, Discord's time, written before the timeout is
  asked for and cleared when Discord refused it) and its case number, and what the undo did (`lift_outcome`: NULL =
  still to lift, `undoing`, `lifted`, `changed`, `gone`, `expired`) with the untimeout case.
"""

from alembic import op

revision = "0020_raid"
down_revision = "0019_invites"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("""
        CREATE TABLE raid_incidents (
            id bigserial PRIMARY KEY,
            guild_id bigint NOT NULL,
            kind text NOT NULL,
            summary text NOT NULL DEFAULT '',
            started_at timestamptz NOT NULL,
            last_activity_at timestamptz NOT NULL,
            ended_at timestamptz,
            end_reason text,
            ended_by bigint,
            previous_level smallint,
            raised_level smallint,
            level_outcome text,
            invites_paused boolean NOT NULL DEFAULT false,
            invites_outcome text,
            problems text[] NOT NULL DEFAULT '{}',
            alert_channel_id bigint,
            alert_message_id bigint,
            undone_at timestamptz,
            undone_by bigint,
            UNIQUE (id, guild_id)
        )""")
    op.execute("CREATE UNIQUE INDEX ux_raid_incidents_on ON raid_incidents (guild_id, kind) WHERE ended_at IS NULL")
    op.execute("CREATE INDEX ix_raid_incidents_guild_started ON raid_incidents (guild_id, started_at)")
    op.execute("CREATE INDEX ix_raid_incidents_ended_by ON raid_incidents (ended_by) WHERE ended_by IS NOT NULL")
    op.execute("CREATE INDEX ix_raid_incidents_undone_by ON raid_incidents (undone_by) WHERE undone_by IS NOT NULL")
    op.execute("""
        CREATE TABLE raid_members (
            guild_id bigint NOT NULL,
            incident_id bigint NOT NULL,
            user_id bigint NOT NULL,
            added_at timestamptz NOT NULL,
            account_created_at timestamptz NOT NULL,
            default_avatar boolean NOT NULL,
            weight real NOT NULL DEFAULT 1,
            mentions integer NOT NULL DEFAULT 0,
            timed_out_until timestamptz,
            timeout_case integer,
            timeout_problem text,
            lift_outcome text,
            lifted_at timestamptz,
            lift_case integer,
            PRIMARY KEY (incident_id, user_id),
            FOREIGN KEY (incident_id, guild_id) REFERENCES raid_incidents (id, guild_id) ON DELETE CASCADE
        )""")
    op.execute("CREATE INDEX ix_raid_members_user_id ON raid_members (user_id)")
    op.execute("CREATE INDEX ix_raid_members_guild_incident ON raid_members (guild_id, incident_id)")


def downgrade() -> None:
    op.execute("DROP TABLE raid_members")
    op.execute("DROP TABLE raid_incidents")
