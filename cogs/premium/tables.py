"""The tables the premium cog owns alone (created in migrations/versions): no other feature's SQL names them;
others reach this data through the owner's public API (who has premium: `cogs/premium/api.py`)."""

TABLES: tuple[str, ...] = (
    "premium_subs",
    "premium_checkouts",
    "premium_reversals",
    "stripe_events",
    "terms_acceptance",
)
