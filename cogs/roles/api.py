"""The roles feature's public API: the guild's role menus and the one code path that changes them.

The roles cog publishes one `RolesApi` on `bot.apis` while it is loaded; a caller imports this module only and asks
`bot.apis.get(RolesApi)` (None when the roles cog is not loaded). The dashboard's role menus page lists and changes
menus through `RolesApi.menus`, the code of `/roles menu` (cogs/roles/menu_editing.py).
"""

from __future__ import annotations

from cogs.roles.menu_editing import MODES, STYLES, MenuChange, MenuEditor
from cogs.roles.models import Menu, Option

__all__ = ["MODES", "STYLES", "Menu", "MenuChange", "MenuEditor", "Option", "RolesApi"]


class RolesApi:
    """Role menus of every guild (reached as `bot.apis.get(RolesApi)`)."""

    def __init__(self, menus: MenuEditor) -> None:
        self.menus = menus
        """Lists, creates, changes, posts and deletes a guild's role menus as a member."""
