"""Who may ping in stored texts; engagement totals; guild_id on the last two engagement tables.

Revision ID: 0012_pings
Revises: 0011_ai
Create Date: 2026-12-06

- reminders.message_set_by: who last set the reminder's message, channel or schedule. The post pings only what
  that person may ping in the channel (Mention Everyone), checked when it is posted. Backfilled from created_by.
- custom_commands.response_set_by: who last set the response text (same rule). Backfilled from created_by.
- engagement_member_totals (new): all-time messages per member, kept by the buffered flush in the same statement
  as the daily counts, so /profile and /leaderboard read one row per member instead of every day ever.
  Backfilled from engagement_daily_counts.
- engagement_participants.guild_id and engagement_weekly_results.guild_id: NOT NULL, backfilled from the parent
  challenge / week, indexed, and tied to the parent's guild by a composite foreign key (a row can never claim
  another guild than its parent's).
"""

from alembic import op

revision = "0012_pings"
down_revision = "0011_ai"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("ALTER TABLE reminders ADD COLUMN message_set_by bigint")
    op.execute("UPDATE reminders SET message_set_by = created_by")
    op.execute("ALTER TABLE custom_commands ADD COLUMN response_set_by bigint")
    op.execute("UPDATE custom_commands SET response_set_by = created_by")

    op.execute("""
        CREATE TABLE engagement_member_totals (
            guild_id bigint NOT NULL,
            user_id bigint NOT NULL,
            messages bigint NOT NULL DEFAULT 0,
            PRIMARY KEY (guild_id, user_id)
        )
    """)
    # The all-time leaderboard and the profile's rank: members of a guild by messages, read from the index.
    op.execute("CREATE INDEX ix_engagement_member_totals_guild_id_messages "
               "ON engagement_member_totals (guild_id, messages DESC, user_id)")
    op.execute("INSERT INTO engagement_member_totals (guild_id, user_id, messages) "
               "SELECT guild_id, user_id, sum(messages) FROM engagement_daily_counts GROUP BY guild_id, user_id")

    for child, parent, link in (("engagement_participants", "engagement_challenges", "challenge_id"),
                                ("engagement_weekly_results", "engagement_weekly_awards", "week_id")):
        op.execute(f"ALTER TABLE {child} ADD COLUMN guild_id bigint")
        op.execute(f"UPDATE {child} c SET guild_id = p.guild_id FROM {parent} p WHERE p.id = c.{link}")
        op.execute(f"ALTER TABLE {child} ALTER COLUMN guild_id SET NOT NULL")
        op.execute(f"CREATE UNIQUE INDEX ux_{parent}_id_guild_id ON {parent} (id, guild_id)")
        op.execute(f"ALTER TABLE {child} ADD CONSTRAINT fk_{child}_{link}_guild_id FOREIGN KEY ({link}, guild_id) "
                   f"REFERENCES {parent} (id, guild_id) ON DELETE CASCADE")
        op.execute(f"CREATE INDEX ix_{child}_guild_id_{link} ON {child} (guild_id, {link})")


def downgrade() -> None:
    for child, parent, link in (("engagement_weekly_results", "engagement_weekly_awards", "week_id"),
                                ("engagement_participants", "engagement_challenges", "challenge_id")):
        op.execute(f"DROP INDEX ix_{child}_guild_id_{link}")
        op.execute(f"ALTER TABLE {child} DROP CONSTRAINT fk_{child}_{link}_guild_id")
        op.execute(f"DROP INDEX ux_{parent}_id_guild_id")
        op.execute(f"ALTER TABLE {child} DROP COLUMN guild_id")
    op.execute("DROP TABLE engagement_member_totals")
    op.execute("ALTER TABLE custom_commands DROP COLUMN response_set_by")
    op.execute("ALTER TABLE reminders DROP COLUMN message_set_by")
