"""The tables the invites cog owns alone (created in migrations/versions): no other feature's SQL names them;
others reach this data through the owner's public API (`cogs/invites/api.py`)."""

TABLES: tuple[str, ...] = (
    "invite_adjustments",
    "invite_joins",
    "invite_tracking",
)
