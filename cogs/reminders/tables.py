"""The tables the reminders cog owns alone (created in migrations/versions): no other feature's SQL names them;
others reach this data through the owner's public API."""

TABLES: tuple[str, ...] = (
    "reminders",
    "personal_reminders",
    "user_timezones",
)
