"""The tables the events cog owns alone (created in migrations/versions): no other feature's SQL names them;
others reach this data through the owner's public API (cogs/events/api.py)."""

TABLES: tuple[str, ...] = (
    "guild_events",
    "event_attendees",
    "event_feeds",
)
