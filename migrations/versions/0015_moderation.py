"""Moderation: one case log per guild (manual actions now, automod's through the moderation API), moderator notes.

Revision ID: 0015_moderation
Revises: 0014_challenge_order
Create Date: 2026-12-10

- moderation_case_counters: the last case number of each guild. A new case takes the next number with
  `INSERT … ON CONFLICT DO UPDATE … RETURNING` in the case's own transaction, so concurrent actions get 1..N
  without a gap or a duplicate (the row lock serialises them; a rolled-back case gives its number back).
- moderation_cases: one row per case (#number per guild): its type, target, moderator (NULL for an automatic one,
  then `automod_rule` names the rule), reason, duration and expiry, warning points, the evidence captured at the
  time (message content and attachment URLs, JSON), the number of the case it closes (`linked_case`: an unban →
  its ban; a number of the same guild, kept by the code), soft deletion, and the mod-log message showing it
  (edited when the case changes). The type is one of warn, timeout, untimeout, kick, ban, tempban, softban, unban
  (checked by `cogs/moderation/cases.py`).
- moderation_case_edits: every reason change (old and new text, who, when): an edit never loses what was there.
- moderation_notes: private moderator notes about a member; they are not cases and have no number.
"""

from alembic import op

revision = "0015_moderation"
down_revision = "0014_challenge_order"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("""
        CREATE TABLE moderation_case_counters (
            guild_id bigint PRIMARY KEY,
            last_number integer NOT NULL CHECK (last_number > 0)
        )""")
    op.execute("""
        CREATE TABLE moderation_cases (
            id bigserial PRIMARY KEY,
            guild_id bigint NOT NULL,
            number integer NOT NULL CHECK (number > 0),
            type text NOT NULL,
            target_id bigint,
            moderator_id bigint,
            automod_rule text,
            reason text,
            duration_seconds integer CHECK (duration_seconds > 0),
            expires_at timestamptz,
            points numeric(6, 2) NOT NULL DEFAULT 0 CHECK (points >= 0),
            evidence jsonb,
            linked_case integer,
            created_at timestamptz NOT NULL,
            updated_at timestamptz,
            deleted_at timestamptz,
            deleted_by bigint,
            delete_reason text,
            log_channel_id bigint,
            log_message_id bigint,
            UNIQUE (guild_id, number)
        )""")
    op.execute("CREATE INDEX ix_moderation_cases_target_id ON moderation_cases (target_id, guild_id)")
    op.execute("CREATE INDEX ix_moderation_cases_moderator_id ON moderation_cases (moderator_id) "
               "WHERE moderator_id IS NOT NULL")
    op.execute("CREATE INDEX ix_moderation_cases_deleted_by ON moderation_cases (deleted_by) "
               "WHERE deleted_by IS NOT NULL")
    op.execute("CREATE INDEX ix_moderation_cases_guild_type ON moderation_cases (guild_id, type, number)")
    op.execute("""
        CREATE TABLE moderation_case_edits (
            id bigserial PRIMARY KEY,
            guild_id bigint NOT NULL,
            case_id bigint NOT NULL REFERENCES moderation_cases (id) ON DELETE CASCADE,
            edited_by bigint,
            old_reason text,
            new_reason text,
            edited_at timestamptz NOT NULL
        )""")
    op.execute("CREATE INDEX ix_moderation_case_edits_case ON moderation_case_edits (case_id)")
    op.execute("CREATE INDEX ix_moderation_case_edits_edited_by ON moderation_case_edits (edited_by) "
               "WHERE edited_by IS NOT NULL")
    op.execute("""
        CREATE TABLE moderation_notes (
            id bigserial PRIMARY KEY,
            guild_id bigint NOT NULL,
            target_id bigint NOT NULL,
            author_id bigint,
            text text NOT NULL,
            created_at timestamptz NOT NULL
        )""")
    op.execute("CREATE INDEX ix_moderation_notes_target_id ON moderation_notes (target_id, guild_id)")
    op.execute("CREATE INDEX ix_moderation_notes_author_id ON moderation_notes (author_id) "
               "WHERE author_id IS NOT NULL")


def downgrade() -> None:
    op.execute("DROP TABLE moderation_notes")
    op.execute("DROP TABLE moderation_case_edits")
    op.execute("DROP TABLE moderation_cases")
    op.execute("DROP TABLE moderation_case_counters")
