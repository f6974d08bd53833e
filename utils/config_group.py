"""Subgroups of `/config` owned by other cogs (`/config gdpr …`, `/config automod …`).

The config cog loads first and owns the `/config` group; a feature cog adds its subgroup in `load()` and
removes it in `unload()`. Its commands are bound to the feature cog, so the feature cog checks permissions
itself (the config cog's check only guards the config cog's own commands).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from discord import app_commands


def attach_config_group(bot: Any, name: str, description: str,
                        commands: dict[str, tuple[str, Callable[..., Any]]]) -> app_commands.Group:
    """Create `/config <name>` with `commands` (sub-name → (description, bound callback)); returns the group."""
    parent = bot.tree.get_command("config")
    if not isinstance(parent, app_commands.Group):
        raise RuntimeError("the config cog must be loaded before cogs that add /config subgroups")
    group = app_commands.Group(name=name, description=description, parent=parent)
    for sub_name, (sub_description, callback) in commands.items():
        group.add_command(app_commands.Command(name=sub_name, description=sub_description, callback=callback))
    return group


def detach_config_group(bot: Any, name: str) -> None:
    """Remove `/config <name>` (no-op when the config cog is already gone)."""
    parent = bot.tree.get_command("config")
    if isinstance(parent, app_commands.Group):
        parent.remove_command(name)
