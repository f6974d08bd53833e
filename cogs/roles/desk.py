"""What the `/roles` command groups share: the `Desk` (what they use, given explicitly rather than the cog), the
config-time role-safety check against the admin, and the private answer."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import discord
from discord import app_commands

from cogs.roles.menus import MenuService
from cogs.roles.models import GuildRoles
from core.guild_cache import GuildCache
from core.role_safety import check_role_grant
from utils.errors import BadInput

NONE = discord.AllowedMentions.none()


@dataclass
class Desk:
    """What the command groups use: the bot, the cog's pool, the menu service and the hot path's cache."""

    bot: Any
    pool: Any
    menus: MenuService
    cache: GuildCache[GuildRoles]

    def forget(self, guild_id: int) -> None:
        """Drop this process's cached configuration of the guild now (the others get the NOTIFY)."""
        self.cache.invalidate(guild_id)


def admin_of(interaction: discord.Interaction) -> discord.Member:
    """The member running the command (commands are guild-only)."""
    user = interaction.user
    if not isinstance(user, discord.Member):
        raise BadInput("Use this command on a server.")
    return user


def check_role(interaction: discord.Interaction, role: discord.Role) -> None:
    """Role safety when a role is configured: the admin must be able to hand it out themselves."""
    assert interaction.guild is not None
    check_role_grant(role, admin_of(interaction), interaction.guild.me)


def manage_roles_warning(guild: discord.Guild) -> str:
    """A line for the admin when the bot cannot give any role yet."""
    if guild.me.guild_permissions.manage_roles:
        return ""
    return ("\n⚠️ I don't have the **Manage Roles** permission yet, so I can't give or take roles: grant it to my "
            "role in Server Settings → Roles.")


async def reply(interaction: discord.Interaction, text: str) -> None:
    """Answer the admin privately (after a defer too), pinging nobody."""
    if interaction.response.is_done():
        await interaction.followup.send(text, ephemeral=True, allowed_mentions=NONE)
    else:
        await interaction.response.send_message(text, ephemeral=True, allowed_mentions=NONE)


class RolesSubgroup(app_commands.Group):
    """A subgroup of `/roles` (`/roles menu`, …): its commands need Manage Roles (discord.py checks only a command's
    own group, so each subgroup checks it; Discord hides `/roles` from others by its default permissions)."""

    def __init__(self, desk: Desk) -> None:
        super().__init__()
        self.desk = desk

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        if not interaction.permissions.manage_roles:
            raise app_commands.MissingPermissions(["manage_roles"])
        return True
