"""GDPR: indexes for the data-request lookups, and the AI usage kept (pseudonymous) after an erasure.

Revision ID: 0013_gdpr
Revises: 0012_pings
Create Date: 2026-12-01

- One index per user column that /export_my_data and /delete_my_data look a user up by and that had no index
  starting with it (tests/gdpr/test_gdpr_indexes.py keeps this true for every column a GDPR module declares).
  Columns that name staff or authors (mostly NULL) get partial indexes, so they cost little on writes.
- ticket_metrics: a GIN index on the snapshot's `closed_per_staff` list (staff ids inside JSON), for the same
  requests.
- gpt_usage_erased (new): a member's daily AI usage counters, moved here by an erasure under a keyed pseudonym
  (HMAC of the user id), so erasing one's data does not reset the daily AI quota. Pruned with gpt_usage.
- installation_secrets (new): per-installation random secrets (the pseudonym key), created on first use.
"""

from alembic import op

revision = "0013_gdpr"
down_revision = "0012_pings"
branch_labels = None
depends_on = None

# (table, column, partial): partial = only rows where the column is set (staff / author columns).
USER_INDEXES = [
    ("audit_logs", "user_id", False),
    ("api_keys", "created_by", True),
    ("api_keys", "revoked_by", True),
    ("automod_actions", "created_by", True),
    ("automod_actions", "role_set_by", True),
    ("automod_logs", "user_id", False),
    ("automod_logs", "moderator_id", True),
    ("automod_logs", "appeal_decided_by", True),
    ("automod_rules", "created_by", True),
    ("automod_user_history", "user_id", False),
    ("bot_settings", "updated_by", True),
    ("custom_commands", "created_by", True),
    ("custom_commands", "response_set_by", True),
    ("engagement_badges", "user_id", False),
    ("engagement_challenges", "winner_id", True),
    ("engagement_daily_counts", "user_id", False),
    ("engagement_member_totals", "user_id", False),
    ("engagement_og_claims", "user_id", False),
    ("engagement_participants", "user_id", False),
    ("engagement_streaks", "user_id", False),
    ("engagement_weekly_messages", "user_id", False),
    ("engagement_weekly_results", "user_id", False),
    ("faq_entries", "created_by", True),
    ("faq_entries", "updated_by", True),
    ("faq_proposals", "decided_by", True),
    ("faq_search_logs", "user_id", False),
    ("growth_checkins", "user_id", False),
    ("guild_onboarding_questions", "role_map_by", True),
    ("onboarding", "user_id", False),
    ("reminders", "created_by", True),
    ("reminders", "message_set_by", True),
    ("settings_history", "changed_by", True),
    ("support_tickets", "claimed_by", True),
    ("support_tickets", "closed_by", True),
    ("support_tickets", "archived_by", True),
    ("ticket_deflections", "user_id", False),
    ("ticket_metrics", "triggered_by", True),
    ("ticket_notes", "author_id", False),
    ("verification_tickets", "user_id", False),
    ("verification_tickets", "resolved_by_user_id", True),
]


def _name(table: str, column: str) -> str:
    return f"ix_{table}_{column}"[:63]


def upgrade() -> None:
    for table, column, partial in USER_INDEXES:
        where = f" WHERE {column} IS NOT NULL" if partial else ""
        op.execute(f"CREATE INDEX {_name(table, column)} ON {table} ({column}){where}")
    op.execute("CREATE INDEX ix_ticket_metrics_closed_per_staff "
               "ON ticket_metrics USING gin ((snapshot -> 'closed_per_staff') jsonb_path_ops)")
    op.execute("""
        CREATE TABLE gpt_usage_erased (
            user_key text NOT NULL,
            guild_id bigint NOT NULL,
            usage_date date NOT NULL,
            call_count integer NOT NULL DEFAULT 0,
            PRIMARY KEY (user_key, guild_id, usage_date)
        )
    """)
    op.execute("CREATE INDEX ix_gpt_usage_erased_usage_date ON gpt_usage_erased (usage_date)")
    op.execute("""
        CREATE TABLE installation_secrets (
            name text PRIMARY KEY,
            secret bytea NOT NULL,
            created_at timestamp with time zone NOT NULL DEFAULT now()
        )
    """)


def downgrade() -> None:
    op.execute("DROP TABLE installation_secrets")
    op.execute("DROP TABLE gpt_usage_erased")
    op.execute("DROP INDEX ix_ticket_metrics_closed_per_staff")
    for table, column, _ in reversed(USER_INDEXES):
        op.execute(f"DROP INDEX {_name(table, column)}")
