"""Personal reminders (`/remindme`) and each person's own time zone.

Revision ID: 0027_personal_reminders
Revises: 0026_events
Create Date: 2026-12-06

- personal_reminders: a member's reminder in one guild (the quota and premium are per member and guild), delivered
  by DM or in the channel where it was asked (`deliver`). One-off: `next_at` is the moment; recurring: `rule` is an
  RFC 5545 RRULE read in `timezone` (the member's zone when it was made), `next_at` the next occurrence.
  `last_sent_at` is the occurrence last delivered and `snooze_sent_at` the snooze last delivered, so a job retried
  after a crash does not deliver twice. `done`: a one-off that was delivered (kept so it can be snoozed, not
  counted in the quota). `origin_channel_id`/`origin_message_id`: the message it is about ("Remind me about this").
- user_timezones: a person's IANA time zone, the same in every guild (a person's, not a guild's; no guild_id, a
  documented user-level table like terms_acceptance).
"""

from alembic import op

revision = "0027_personal_reminders"
down_revision = "0026_events"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("""
        CREATE TABLE personal_reminders (
            id serial PRIMARY KEY,
            guild_id bigint NOT NULL,
            user_id bigint NOT NULL,
            text text NOT NULL CHECK (length(text) BETWEEN 1 AND 1000),
            deliver text NOT NULL DEFAULT 'dm' CHECK (deliver IN ('dm', 'here')),
            channel_id bigint,
            origin_channel_id bigint,
            origin_message_id bigint,
            timezone text NOT NULL DEFAULT 'UTC',
            rule text,
            next_at timestamptz NOT NULL,
            last_sent_at timestamptz,
            snooze_at timestamptz,
            snooze_sent_at timestamptz,
            done boolean NOT NULL DEFAULT false,
            created_at timestamptz NOT NULL
        )""")
    op.execute("CREATE INDEX ix_personal_reminders_user_id ON personal_reminders (user_id)")
    op.execute("CREATE INDEX ix_personal_reminders_guild_user ON personal_reminders (guild_id, user_id) "
               "WHERE NOT done")
    op.execute("""
        CREATE TABLE user_timezones (
            user_id bigint PRIMARY KEY,
            timezone text NOT NULL,
            updated_at timestamptz NOT NULL
        )""")


def downgrade() -> None:
    op.execute("DROP TABLE IF EXISTS user_timezones")
    op.execute("DROP TABLE IF EXISTS personal_reminders")
