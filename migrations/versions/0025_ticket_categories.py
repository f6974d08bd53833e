"""Ticket categories with their own staff, Discord category, channel names and form; priorities; idle handling of
every open ticket; feedback after close; transcripts kept.

Revision ID: 0025_ticket_categories
Revises: 0024_points
Create Date: 2026-12-06

- ticket_categories: per guild, a named category (unique per guild, case-insensitive) with its staff roles
  (`staff_role_ids`: only they and the managers see its tickets), the Discord category its channels go to, the
  channel name template (`{number}`, `{user}`, `{category}`) and up to 5 form questions (a JSON list of strings).
- support_tickets: `category_id` (the category the ticket belongs to; NULL for tickets of the plain topics, and
  when the category is deleted), `answers` (the form's questions and answers, a JSON list of [question, answer]),
  `priority` (low/normal/high/urgent), `last_activity_at` and `idle_warned_at` (the idle clock of every active
  ticket: the opener's or staff's last message).
- ticket_feedback: one row per ticket (asked once): 1–5 stars, an optional comment, with the category and the
  staff member who handled the ticket at the time of closing.
- ticket_transcripts: the HTML transcript of a closed ticket, kept (`/ticket transcript`); replaced on a later
  close of the same ticket.
"""

from alembic import op

revision = "0025_ticket_categories"
down_revision = "0024_points"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("""
        CREATE TABLE ticket_categories (
            id serial PRIMARY KEY,
            guild_id bigint NOT NULL,
            name text NOT NULL CHECK (length(name) BETWEEN 1 AND 80),
            staff_role_ids bigint[] NOT NULL DEFAULT '{}',
            discord_category_id bigint,
            name_template text NOT NULL DEFAULT 'ticket-{number}',
            questions jsonb NOT NULL DEFAULT '[]',
            created_by bigint,
            created_at timestamptz NOT NULL DEFAULT now()
        )""")
    op.execute("CREATE UNIQUE INDEX ux_ticket_categories_guild_name ON ticket_categories (guild_id, lower(name))")
    op.execute("""
        ALTER TABLE support_tickets
            ADD COLUMN category_id integer REFERENCES ticket_categories (id) ON DELETE SET NULL,
            ADD COLUMN answers jsonb,
            ADD COLUMN priority text NOT NULL DEFAULT 'normal'
                CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
            ADD COLUMN last_activity_at timestamptz,
            ADD COLUMN idle_warned_at timestamptz""")
    op.execute("CREATE INDEX ix_support_tickets_category_id ON support_tickets (category_id)")
    op.execute("CREATE INDEX ix_ticket_categories_created_by ON ticket_categories (created_by) "
               "WHERE created_by IS NOT NULL")
    op.execute("""
        CREATE TABLE ticket_feedback (
            ticket_id integer PRIMARY KEY REFERENCES support_tickets (id) ON DELETE CASCADE,
            guild_id bigint NOT NULL,
            user_id bigint,
            stars integer NOT NULL CHECK (stars BETWEEN 1 AND 5),
            comment text,
            category_id integer REFERENCES ticket_categories (id) ON DELETE SET NULL,
            staff_id bigint,
            created_at timestamptz NOT NULL
        )""")
    op.execute("CREATE INDEX ix_ticket_feedback_guild_id ON ticket_feedback (guild_id, created_at)")
    op.execute("CREATE INDEX ix_ticket_feedback_user_id ON ticket_feedback (user_id)")
    op.execute("CREATE INDEX ix_ticket_feedback_staff_id ON ticket_feedback (staff_id) WHERE staff_id IS NOT NULL")
    op.execute("""
        CREATE TABLE ticket_transcripts (
            ticket_id integer PRIMARY KEY REFERENCES support_tickets (id) ON DELETE CASCADE,
            guild_id bigint NOT NULL,
            html text NOT NULL,
            created_at timestamptz NOT NULL
        )""")
    op.execute("CREATE INDEX ix_ticket_transcripts_guild_id ON ticket_transcripts (guild_id, created_at)")


def downgrade() -> None:
    op.execute("DROP TABLE IF EXISTS ticket_transcripts")
    op.execute("DROP TABLE IF EXISTS ticket_feedback")
    op.execute("DROP INDEX IF EXISTS ix_support_tickets_category_id")
    op.execute("""
        ALTER TABLE support_tickets
            DROP COLUMN IF EXISTS idle_warned_at,
            DROP COLUMN IF EXISTS last_activity_at,
            DROP COLUMN IF EXISTS priority,
            DROP COLUMN IF EXISTS answers,
            DROP COLUMN IF EXISTS category_id""")
    op.execute("DROP TABLE IF EXISTS ticket_categories")
