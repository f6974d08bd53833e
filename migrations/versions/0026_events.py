"""Events people sign up for: RSVP with capacity, waitlist and approval, per-attendee DM reminders, recurrence.

Revision ID: 0026_events
Revises: 0025_ticket_categories
Create Date: 2026-12-06

- guild_events: one row per event (a recurring series is one row). `starts_at` is the first occurrence (the
  RRULE's DTSTART), `occurrence_at` the live one (sign-ups and reminders are for it); `rrule` is the RFC 5545
  rule (without DTSTART) expanded in `timezone`, so the local wall-clock time stays put across daylight saving.
  The event's message (`channel_id`, `message_id`) carries the RSVP buttons; `scheduled_event_id` is the
  Discord Scheduled Event kept in step with it. `updated_at` and `sequence` (raised by every change of time and
  by a cancel) are what a calendar feed writes as LAST-MODIFIED and SEQUENCE.
- event_attendees: one row per member per occurrence: going, maybe, declined, waitlist (past capacity, in
  `responded_at` order) or pending (awaiting the organiser's approval); `reminder_minutes` are the times before
  the start the member is DMed, `reminded_minutes` those already sent (so a retry never sends twice).
"""

from alembic import op

revision = "0026_events"
down_revision = "0025_ticket_categories"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("""
        CREATE TABLE guild_events (
            id serial PRIMARY KEY,
            guild_id bigint NOT NULL,
            channel_id bigint NOT NULL,
            message_id bigint,
            title text NOT NULL CHECK (length(title) BETWEEN 1 AND 100),
            description text,
            location text,
            voice_channel_id bigint,
            timezone text NOT NULL,
            starts_at timestamptz NOT NULL,
            occurrence_at timestamptz NOT NULL,
            duration_seconds integer NOT NULL CHECK (duration_seconds > 0),
            capacity integer CHECK (capacity > 0),
            required_role_id bigint,
            approval boolean NOT NULL DEFAULT false,
            rrule text,
            status text NOT NULL DEFAULT 'scheduled' CHECK (status IN ('scheduled', 'cancelled', 'ended')),
            created_by bigint,
            scheduled_event_id bigint,
            created_at timestamptz NOT NULL DEFAULT now(),
            updated_at timestamptz NOT NULL DEFAULT now(),
            sequence integer NOT NULL DEFAULT 0,
            UNIQUE (id, guild_id)
        )""")
    op.execute("CREATE INDEX ix_guild_events_guild_id ON guild_events (guild_id, status, occurrence_at)")
    op.execute("CREATE INDEX ix_guild_events_created_by ON guild_events (created_by) WHERE created_by IS NOT NULL")
    op.execute("""
        CREATE TABLE event_attendees (
            event_id integer NOT NULL,
            guild_id bigint NOT NULL,
            occurrence_at timestamptz NOT NULL,
            user_id bigint NOT NULL,
            status text NOT NULL DEFAULT 'going'
                CHECK (status IN ('going', 'maybe', 'declined', 'waitlist', 'pending')),
            responded_at timestamptz NOT NULL,
            reminder_minutes integer[] NOT NULL DEFAULT '{1440,60,15}',
            reminded_minutes integer[] NOT NULL DEFAULT '{}',
            PRIMARY KEY (event_id, occurrence_at, user_id),
            FOREIGN KEY (event_id, guild_id) REFERENCES guild_events (id, guild_id) ON DELETE CASCADE
        )""")
    op.execute("CREATE INDEX ix_event_attendees_user_id ON event_attendees (user_id)")
    op.execute("CREATE INDEX ix_event_attendees_guild_id ON event_attendees (guild_id)")


def downgrade() -> None:
    op.execute("DROP TABLE IF EXISTS event_attendees")
    op.execute("DROP TABLE IF EXISTS guild_events")
