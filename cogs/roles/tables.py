"""The tables the roles cog owns alone (created in migrations/versions/0022_role_menus.py): no other feature's SQL
names them."""

TABLES: tuple[str, ...] = (
    "role_menus",
    "role_menu_options",
    "role_menu_posts",
    "role_reactions",
    "role_autoroles",
    "role_sticky",
    "role_sticky_members",
)
