"""Tickets and FAQ: columns and tables beyond the reference schema.

- support_tickets: category, close reason/time/by, auto-close flag, first response, opener activity (the
  inactivity clock), reopen count; an index on (guild_id, status).
- ticket_notes: private staff notes per ticket.
- ticket_deflections: FAQ answers offered before a ticket opens and what the member chose.
- faq_proposals: "3+ similar ticket summaries" proposals for a new FAQ entry; ticket_summaries.proposal_id
  marks the summaries a proposal covered.
- faq_entries: author/update columns, a weighted full-text vector and a trigram search text (pg_trgm), both
  generated columns with GIN indexes.
- faq_search_logs: the top result and an index for the stats.

Revision ID: 0004_tickets_faq
Revises: 0003_premium_and_growth
Create Date: 2026-11-22
"""

from alembic import op

revision = "0004_tickets_faq"
down_revision = "0003_premium_and_growth"
branch_labels = None
depends_on = None

UPGRADE = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    """
    ALTER TABLE support_tickets
        ADD COLUMN category text,
        ADD COLUMN close_reason text,
        ADD COLUMN closed_at timestamp with time zone,
        ADD COLUMN closed_by bigint,
        ADD COLUMN auto_closed boolean NOT NULL DEFAULT false,
        ADD COLUMN first_response_at timestamp with time zone,
        ADD COLUMN last_opener_activity_at timestamp with time zone,
        ADD COLUMN inactivity_warned_at timestamp with time zone,
        ADD COLUMN reopened_count integer NOT NULL DEFAULT 0
    """,
    "CREATE INDEX ix_support_tickets_guild_id_status ON support_tickets (guild_id, status)",
    "CREATE INDEX ix_support_tickets_guild_id_created_at ON support_tickets (guild_id, created_at)",
    """
    CREATE TABLE ticket_notes (
        id serial PRIMARY KEY,
        guild_id bigint NOT NULL,
        ticket_id integer NOT NULL REFERENCES support_tickets (id) ON DELETE CASCADE,
        author_id bigint NOT NULL,
        note text NOT NULL,
        created_at timestamp with time zone NOT NULL DEFAULT now()
    )
    """,
    "CREATE INDEX ix_ticket_notes_guild_id_ticket_id ON ticket_notes (guild_id, ticket_id)",
    """
    CREATE TABLE ticket_deflections (
        id serial PRIMARY KEY,
        guild_id bigint NOT NULL,
        user_id bigint NOT NULL,
        description text NOT NULL,
        category text,
        faq_entry_ids integer[] NOT NULL DEFAULT '{}',
        outcome text NOT NULL DEFAULT 'pending',
        ticket_id integer,
        created_at timestamp with time zone NOT NULL DEFAULT now(),
        decided_at timestamp with time zone,
        CONSTRAINT ticket_deflections_outcome CHECK (outcome IN ('pending', 'solved', 'opened'))
    )
    """,
    "CREATE INDEX ix_ticket_deflections_guild_id_created_at ON ticket_deflections (guild_id, created_at)",
    """
    CREATE TABLE faq_proposals (
        id serial PRIMARY KEY,
        guild_id bigint NOT NULL,
        similarity_key text NOT NULL,
        title text NOT NULL,
        answer text NOT NULL,
        keywords text[] NOT NULL DEFAULT '{}',
        status text NOT NULL DEFAULT 'pending',
        faq_entry_id integer,
        decided_by bigint,
        decided_at timestamp with time zone,
        created_at timestamp with time zone NOT NULL DEFAULT now(),
        CONSTRAINT faq_proposals_status CHECK (status IN ('pending', 'added', 'dismissed'))
    )
    """,
    "CREATE INDEX ix_faq_proposals_guild_id ON faq_proposals (guild_id)",
    "ALTER TABLE ticket_summaries ADD COLUMN proposal_id integer",
    "CREATE INDEX ix_ticket_summaries_guild_id_ticket_id ON ticket_summaries (guild_id, ticket_id)",
    # array_to_string is only STABLE; generated columns need IMMUTABLE (text[] → text is, for text elements).
    """
    CREATE FUNCTION hearth_faq_keywords(text[]) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT coalesce(array_to_string($1, ' '), '') $$
    """,
    """
    ALTER TABLE faq_entries
        ADD COLUMN created_by bigint,
        ADD COLUMN updated_by bigint,
        ADD COLUMN updated_at timestamp with time zone DEFAULT now(),
        ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
            setweight(to_tsvector('english'::regconfig, coalesce(title, '')), 'A')
            || setweight(to_tsvector('english'::regconfig, hearth_faq_keywords(keywords)), 'B')
            || setweight(to_tsvector('english'::regconfig, coalesce(summary, '')), 'C')) STORED,
        ADD COLUMN search_text text GENERATED ALWAYS AS (
            lower(coalesce(title, '') || ' ' || hearth_faq_keywords(keywords))) STORED
    """,
    "CREATE INDEX ix_faq_entries_guild_id ON faq_entries (guild_id)",
    "CREATE INDEX ix_faq_entries_search_vector ON faq_entries USING gin (search_vector)",
    "CREATE INDEX ix_faq_entries_search_text_trgm ON faq_entries USING gin (search_text gin_trgm_ops)",
    "ALTER TABLE faq_search_logs ADD COLUMN top_entry_id integer",
    "CREATE INDEX ix_faq_search_logs_guild_id_searched_at ON faq_search_logs (guild_id, searched_at)",
]

DOWNGRADE = [
    "DROP INDEX IF EXISTS ix_faq_search_logs_guild_id_searched_at",
    "ALTER TABLE faq_search_logs DROP COLUMN IF EXISTS top_entry_id",
    "DROP INDEX IF EXISTS ix_faq_entries_search_text_trgm",
    "DROP INDEX IF EXISTS ix_faq_entries_search_vector",
    "DROP INDEX IF EXISTS ix_faq_entries_guild_id",
    """
    ALTER TABLE faq_entries
        DROP COLUMN IF EXISTS search_text,
        DROP COLUMN IF EXISTS search_vector,
        DROP COLUMN IF EXISTS updated_at,
        DROP COLUMN IF EXISTS updated_by,
        DROP COLUMN IF EXISTS created_by
    """,
    "DROP FUNCTION IF EXISTS hearth_faq_keywords(text[])",
    "DROP INDEX IF EXISTS ix_ticket_summaries_guild_id_ticket_id",
    "ALTER TABLE ticket_summaries DROP COLUMN IF EXISTS proposal_id",
    "DROP TABLE IF EXISTS faq_proposals",
    "DROP TABLE IF EXISTS ticket_deflections",
    "DROP TABLE IF EXISTS ticket_notes",
    "DROP INDEX IF EXISTS ix_support_tickets_guild_id_created_at",
    "DROP INDEX IF EXISTS ix_support_tickets_guild_id_status",
    """
    ALTER TABLE support_tickets
        DROP COLUMN IF EXISTS reopened_count,
        DROP COLUMN IF EXISTS inactivity_warned_at,
        DROP COLUMN IF EXISTS last_opener_activity_at,
        DROP COLUMN IF EXISTS first_response_at,
        DROP COLUMN IF EXISTS auto_closed,
        DROP COLUMN IF EXISTS closed_by,
        DROP COLUMN IF EXISTS closed_at,
        DROP COLUMN IF EXISTS close_reason,
        DROP COLUMN IF EXISTS category
    """,
    # pg_trgm stays installed: other schemas may use it, and dropping an extension is an operator's decision.
]


def upgrade() -> None:
    for statement in UPGRADE:
        op.execute(statement)


def downgrade() -> None:
    for statement in DOWNGRADE:
        op.execute(statement)
