"""The command names a permission rule or cooldown may name, read from the command tree, and turning what an admin
typed (on `/config permissions` or the dashboard) into one of them: one validation for both."""

from __future__ import annotations

from typing import Any

import discord
from discord import app_commands

from core.command_rules import EVERY_COMMAND, NEVER_REFUSED
from core.duration_input import parse_duration
from utils.errors import BadInput

MAX_COOLDOWN = 86_400  # a cooldown's period: at most one day
MAX_COOLDOWN_USES = 100


def known_commands(tree: app_commands.CommandTree) -> dict[str, str]:
    """Every command, group and context menu name a rule may name (lower case → as Discord shows it)."""
    names: dict[str, str] = {}

    def walk(items: list[Any]) -> None:
        for item in items:
            names[item.qualified_name.lower()] = item.qualified_name
            if isinstance(item, app_commands.Group):
                walk(item.commands)

    walk(tree.get_commands(type=discord.AppCommandType.chat_input))
    for kind in (discord.AppCommandType.message, discord.AppCommandType.user):
        for menu in tree.get_commands(type=kind):
            names[menu.name.lower()] = menu.name
    return names


def find_command(tree: app_commands.CommandTree, name: str) -> Any:
    """The slash command, group or context menu called `name` (its qualified name)."""
    parts = name.split()
    for kind in (discord.AppCommandType.message, discord.AppCommandType.user):
        menu = tree.get_command(name, type=kind)
        if menu is not None:
            return menu
    found: Any = tree.get_command(parts[0])
    for part in parts[1:]:
        found = found.get_command(part) if isinstance(found, app_commands.Group) else None
    return found


def rule_command(tree: app_commands.CommandTree, typed: str, *, example: str) -> str:
    """The command name a rule uses for what the admin typed (`*` for every command), or a clear refusal."""
    cleaned = " ".join(typed.strip().lstrip("/").split())
    if cleaned in ("*", "all", "every command"):
        return EVERY_COMMAND
    name = known_commands(tree).get(cleaned.lower())
    if name is None:
        raise BadInput(f"There is no command `/{cleaned[:100]}` here. Name a command, a group (e.g. `ticket`) or "
                       "`*` for every command; the list offers them as you type.", example=example)
    return name


def refusable(name: str) -> None:
    """Refuse a rule that would restrict a command no rule may refuse (`/config`: admins are never locked out)."""
    if name.split()[0] in NEVER_REFUSED:
        raise BadInput("/config is never restricted by rules (it needs Manage Server), so admins cannot be "
                       "locked out.")


def cooldown_seconds(per: str, *, example: str) -> int:
    """A cooldown's period from what the admin typed (e.g. `30s`, `10m`), at most a day, or a clear refusal."""
    return parse_duration(per, maximum=MAX_COOLDOWN, minimum=1, example=example, what="cooldown")
