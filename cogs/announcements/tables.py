"""The tables the announcements cog owns alone (created in migrations/versions): no other feature's SQL names them."""

TABLES: tuple[str, ...] = (
    "scheduled_announcements",
    "posted_embeds",
)
