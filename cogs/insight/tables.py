"""The tables the insight cog owns alone (created in migrations/versions): no other feature's SQL names them;
others reach this data through the owner's public API (`cogs/insight/api.py`, `StatsApi`)."""

TABLES: tuple[str, ...] = (
    "guild_daily_stats",
)
