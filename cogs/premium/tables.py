"""The tables the premium cog owns alone (created in migrations/versions): no other feature's SQL names them;
others reach this data through the owner's public API.

premium_subs is read by core/premium_guard.py until the premium guard moves into this cog's public API."""

TABLES: tuple[str, ...] = (
    "premium_subs",
    "premium_checkouts",
    "premium_reversals",
    "stripe_events",
    "terms_acceptance",
)
