"""The tables the moderation cog owns alone (created in migrations/versions): no other feature's SQL names them;
others reach this data through the owner's public API."""

TABLES: tuple[str, ...] = (
    "moderation_channel_locks",
)
