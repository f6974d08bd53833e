"""Tags: named snippets members post with /tag get, their names and aliases.

Revision ID: 0021_tags
Revises: 0020_raid
Create Date: 2026-12-10

- tags: one snippet per row (text up to 2000 characters), its owner (`owned_by`, NULL once the owner's data was
  erased: the tag can then be claimed), its creator, who last set the text (`content_set_by`: the pings it may
  make are decided by that member, utils/mentions.py), the use count (written in batches) and a full-text
  vector of the text for /tag search and the tags API.
- tag_names: every name of a tag, its own and its aliases, in one table so that a name is unique per guild
  across tags and aliases, case-insensitively (UNIQUE guild_id, lower(name)); exactly one own name per tag;
  deleting a tag deletes its names (ON DELETE CASCADE). A trigram index on lower(name) serves the fuzzy
  autocomplete (pg_trgm, installed by 0004_tickets_faq).
"""

from alembic import op

revision = "0021_tags"
down_revision = "0020_raid"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.execute("""
        CREATE TABLE tags (
            id bigserial PRIMARY KEY,
            guild_id bigint NOT NULL,
            content text NOT NULL CHECK (char_length(content) BETWEEN 1 AND 2000),
            owned_by bigint,
            created_by bigint,
            content_set_by bigint,
            uses integer NOT NULL DEFAULT 0,
            created_at timestamptz NOT NULL,
            updated_at timestamptz NOT NULL,
            search_vector tsvector GENERATED ALWAYS AS (to_tsvector('english'::regconfig, content)) STORED
        )""")
    op.execute("CREATE INDEX ix_tags_guild_id_owned_by ON tags (guild_id, owned_by)")
    op.execute("CREATE INDEX ix_tags_owned_by ON tags (owned_by) WHERE owned_by IS NOT NULL")
    op.execute("CREATE INDEX ix_tags_created_by ON tags (created_by) WHERE created_by IS NOT NULL")
    op.execute("CREATE INDEX ix_tags_content_set_by ON tags (content_set_by) WHERE content_set_by IS NOT NULL")
    op.execute("CREATE INDEX ix_tags_search_vector ON tags USING gin (search_vector)")
    op.execute("""
        CREATE TABLE tag_names (
            id bigserial PRIMARY KEY,
            guild_id bigint NOT NULL,
            tag_id bigint NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
            name text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 50),
            is_alias boolean NOT NULL,
            created_by bigint,
            created_at timestamptz NOT NULL
        )""")
    op.execute("CREATE UNIQUE INDEX ux_tag_names_guild_id_name ON tag_names (guild_id, lower(name))")
    op.execute("CREATE UNIQUE INDEX ux_tag_names_own_name ON tag_names (tag_id) WHERE NOT is_alias")
    op.execute("CREATE INDEX ix_tag_names_tag_id ON tag_names (tag_id)")
    op.execute("CREATE INDEX ix_tag_names_name_trgm ON tag_names USING gin (lower(name) gin_trgm_ops)")
    op.execute("CREATE INDEX ix_tag_names_created_by ON tag_names (created_by) WHERE created_by IS NOT NULL")


def downgrade() -> None:
    op.execute("DROP TABLE tag_names")
    op.execute("DROP TABLE tags")
    # pg_trgm stays installed: the FAQ (0004) uses it.
