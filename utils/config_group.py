"""Subgroups of `/config` owned by other cogs (`/config automod …`, `/config gdpr …`).

The config cog loads first and owns the `/config` group; a feature cog defines its subgroup as a subclass of
`AdminConfigGroup`, adds it in `load()` with `add_config_group` and removes it in `unload()`. The subgroup checks
Manage Server itself: the config cog's own check only guards the config cog's commands.
"""

from __future__ import annotations

import logging
from typing import Any

import discord
from discord import app_commands

log = logging.getLogger(__name__)


class AdminConfigGroup(app_commands.Group):
    """A `/config` subgroup of a feature cog (`self.cog`), for members with Manage Server."""

    def __init__(self, cog: Any) -> None:
        super().__init__()
        self.cog = cog

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        if not interaction.permissions.manage_guild:
            raise app_commands.MissingPermissions(["manage_guild"])
        return True


def add_config_group(bot: Any, group: app_commands.Group) -> bool:
    """Put `group` under `/config`; False (and a warning) when the config cog is not loaded."""
    parent = bot.tree.get_command("config")
    if not isinstance(parent, app_commands.Group):
        log.warning("The config cog is not loaded: /config %s is unavailable", group.name)
        return False
    parent.add_command(group)
    return True


def remove_config_group(bot: Any, name: str) -> None:
    """Take `/config <name>` away (no-op when the config cog is already gone)."""
    parent = bot.tree.get_command("config")
    if isinstance(parent, app_commands.Group):
        parent.remove_command(name)
