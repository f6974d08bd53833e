"""The tables the tags cog owns alone (created in migrations/versions): no other feature's SQL names them;
others reach this data through the owner's public API (cogs/tags/api.py)."""

TABLES: tuple[str, ...] = (
    "tags",
    "tag_names",
)
