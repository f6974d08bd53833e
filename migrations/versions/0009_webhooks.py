"""Webhooks and the HTTP API: the companion replay guard, API keys, and indexes for retention and health.

Revision ID: 0009_webhooks
Revises: 0008_roles
Create Date: 2026-11-23

- companion_replays (new): the digest of every companion-webhook signature used, until it is stale anyway
  (timestamp + 5 minutes). `INSERT … ON CONFLICT DO NOTHING` in the transaction of the request's effect decides
  "first time", so a replay is refused by every process and after a restart; expired rows are pruned hourly.
- api_keys (new): keys of the HTTP API, one guild each, scope read or write. Only the SHA-256 of the key is stored
  (`key_hash`), with a short visible `prefix` to recognise it; revoked keys keep their row (`revoked_at`).
- Indexes on the time column of the log tables that the retention jobs prune across all guilds
  (`audit_logs.created_at`, which `GET /api/health` also counts, `faq_search_logs.searched_at`,
  `stripe_events.processed_at`).
"""

from alembic import op

revision = "0009_webhooks"
down_revision = "0008_roles"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("""
        CREATE TABLE companion_replays (
            digest bytea PRIMARY KEY,
            expires_at timestamp with time zone NOT NULL
        )
    """)
    op.execute("CREATE INDEX ix_companion_replays_expires_at ON companion_replays (expires_at)")
    op.execute("""
        CREATE TABLE api_keys (
            id bigserial PRIMARY KEY,
            guild_id bigint NOT NULL,
            name text NOT NULL,
            prefix text NOT NULL,
            key_hash text NOT NULL,
            scope text NOT NULL DEFAULT 'read' CHECK (scope IN ('read', 'write')),
            created_by bigint,
            created_at timestamp with time zone NOT NULL DEFAULT now(),
            last_used_at timestamp with time zone,
            revoked_by bigint,
            revoked_at timestamp with time zone
        )
    """)
    op.execute("CREATE UNIQUE INDEX ux_api_keys_key_hash ON api_keys (key_hash)")
    op.execute("CREATE INDEX ix_api_keys_guild_id ON api_keys (guild_id)")
    op.execute("CREATE INDEX ix_audit_logs_created_at ON audit_logs (created_at)")
    op.execute("CREATE INDEX ix_faq_search_logs_searched_at ON faq_search_logs (searched_at)")
    op.execute("CREATE INDEX ix_stripe_events_processed_at ON stripe_events (processed_at)")


def downgrade() -> None:
    op.execute("DROP INDEX ix_stripe_events_processed_at")
    op.execute("DROP INDEX ix_faq_search_logs_searched_at")
    op.execute("DROP INDEX ix_audit_logs_created_at")
    op.execute("DROP TABLE api_keys")
    op.execute("DROP TABLE companion_replays")
