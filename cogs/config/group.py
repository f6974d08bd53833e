"""The `/config` group, shared by the config cog and its mixins (modules, permission rules)."""

import discord
from discord import app_commands

CONFIG = app_commands.Group(
    name="config", description="Server settings (admins)", guild_only=True,
    default_permissions=discord.Permissions(manage_guild=True),
)

PERMISSIONS = app_commands.Group(
    name="permissions", description="Who may use which command where (admins)", parent=CONFIG,
)
