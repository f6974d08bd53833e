"""The `/config` group, shared by the config cog and its mixins (modules, permission rules, setup)."""

from typing import Any

import discord
from discord import app_commands

CONFIG = app_commands.Group(
    name="config", description="Server settings (admins)", guild_only=True,
    default_permissions=discord.Permissions(manage_guild=True),
)

PERMISSIONS = app_commands.Group(
    name="permissions", description="Who may use which command where (admins)", parent=CONFIG,
)


class ConfigPart:
    """What the config cog's command mixins use of the cog (it provides both)."""

    bot: Any

    async def _announce(self, interaction: discord.Interaction, icon: str, summary: str) -> None:
        """Confirm a change to the admin and note it in the log channel (the config cog's)."""
        raise NotImplementedError
