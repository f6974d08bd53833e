"""The tables the automod cog owns alone (created in migrations/versions): no other feature's SQL names them;
others reach this data through the owner's public API."""

TABLES: tuple[str, ...] = (
    "automod_rules",
    "automod_logs",
    "automod_actions",
    "automod_stats",
    "automod_user_history",
)
