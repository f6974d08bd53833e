"""The tables the points cog owns alone (created in migrations/versions/0024_points.py): no other feature's SQL
names them; others reach points through the feature's hooks."""

TABLES: tuple[str, ...] = (
    "points_balances",
    "points_ledger",
    "points_redeems",
    "points_shop_items",
)
