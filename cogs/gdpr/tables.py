"""The tables the gdpr cog owns alone (created in migrations/versions): no other feature's SQL names them;
others reach this data through the owner's public API."""

TABLES: tuple[str, ...] = (
    "gdpr_acceptance",
    "gdpr_requests",
)
