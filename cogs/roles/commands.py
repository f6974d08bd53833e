"""`/roles`: the admin commands of self-assign roles (Manage Roles, checked by Discord and again at run time).

`/roles menu …` (menu_commands), `/roles reaction …`, `/roles autorole …` and `/roles sticky …`
(member_commands). Every role an admin configures passes role safety against that admin (Manage Roles, below
their highest role and the bot's, dangerous permissions only for the owner or an Administrator) and is checked
again at each grant against them (who set it is stored with it).
"""

from __future__ import annotations

import discord
from discord import app_commands

from cogs.roles.desk import Desk
from cogs.roles.member_commands import AutoroleGroup, ReactionGroup, StickyGroup
from cogs.roles.menu_commands import MenuGroup


class RolesGroup(app_commands.Group, name="roles", guild_only=True,
                 description="Self-assign roles: menus, reaction roles, autoroles, sticky roles (Manage Roles)",
                 default_permissions=discord.Permissions(manage_roles=True)):
    """`/roles`, with its subgroups."""

    def __init__(self, desk: Desk) -> None:
        super().__init__()
        for group in (MenuGroup(desk), ReactionGroup(desk), AutoroleGroup(desk), StickyGroup(desk)):
            self.add_command(group)
