"""The tables the levels cog owns alone (created in migrations/versions/0023_levels.py): no other feature's SQL names
them; others ask `cogs/levels/api.py` (`LevelsApi`)."""

TABLES: tuple[str, ...] = (
    "levels_members",
    "levels_multipliers",
    "levels_roles",
)
