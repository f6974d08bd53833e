"""The tables the engagement cog owns alone (created in migrations/versions): no other feature's SQL names them;
others reach this data through the owner's public API."""

TABLES: tuple[str, ...] = (
    "engagement_badges",
    "engagement_challenges",
    "engagement_daily_counts",
    "engagement_member_totals",
    "engagement_og_claims",
    "engagement_og_setup",
    "engagement_participants",
    "engagement_streaks",
    "engagement_weekly_awards",
    "engagement_weekly_messages",
    "engagement_weekly_results",
)
