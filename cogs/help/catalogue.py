"""What `/help` shows: every slash command and context menu of the tree, the module each belongs to, and how a
command is used (its options), worded for members."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import discord
from discord import app_commands

from core.modules import Module, Modules

GENERAL = "General"
OPTION_TYPES = {
    discord.AppCommandOptionType.string: "text", discord.AppCommandOptionType.integer: "whole number",
    discord.AppCommandOptionType.number: "number", discord.AppCommandOptionType.boolean: "True or False",
    discord.AppCommandOptionType.user: "member", discord.AppCommandOptionType.channel: "channel",
    discord.AppCommandOptionType.role: "role", discord.AppCommandOptionType.mentionable: "member or role",
    discord.AppCommandOptionType.attachment: "file",
}


@dataclass(frozen=True)
class Entry:
    """One runnable thing: a slash command (leaf) or a context menu."""

    command: app_commands.Command[Any, ..., Any] | app_commands.ContextMenu
    module: Module | None

    @property
    def name(self) -> str:
        """`/tag get`, or a context menu's name with where to find it."""
        if isinstance(self.command, app_commands.ContextMenu):
            where = "message" if self.command.type is discord.AppCommandType.message else "member"
            return f"{self.command.name} (right-click a {where} → Apps)"
        return f"/{self.command.qualified_name}"

    @property
    def group(self) -> str:
        """The heading it is listed under."""
        return self.module.label if self.module is not None else GENERAL

    @property
    def description(self) -> str:
        """The command's one-line description."""
        return getattr(self.command, "description", "") or ""


def entries(tree: app_commands.CommandTree, modules: Modules) -> list[Entry]:
    """Every slash command (leaves of groups) and context menu, by heading and name."""
    found: list[Entry] = []

    def walk(items: list[Any]) -> None:
        for item in items:
            if isinstance(item, app_commands.Group):
                walk(item.commands)
            else:
                found.append(Entry(item, modules.of_command(item)))

    walk(tree.get_commands(type=discord.AppCommandType.chat_input))
    for kind in (discord.AppCommandType.message, discord.AppCommandType.user):
        found += [Entry(menu, modules.of_command(menu)) for menu in tree.get_commands(type=kind)]
    return sorted(found, key=lambda e: (e.group != GENERAL, e.group.lower(), e.name.lower()))


def usage(command: app_commands.Command[Any, ..., Any] | app_commands.ContextMenu) -> str:
    """`/tag get name:<text>` with each option, optional ones in brackets, and a line per option."""
    if isinstance(command, app_commands.ContextMenu):
        return "Right-click (or long-press) the target, then **Apps** → " + command.name
    head = [f"/{command.qualified_name}"]
    lines = []
    for parameter in command.parameters:
        kind = OPTION_TYPES.get(parameter.type, "value")
        shown = f"{parameter.display_name}:<{kind}>"
        head.append(shown if parameter.required else f"[{shown}]")
        choices = f" (one of: {', '.join(c.name for c in parameter.choices)})" if parameter.choices else ""
        lines.append(f"• `{parameter.display_name}`{'' if parameter.required else ' (optional)'}: "
                     f"{parameter.description}{choices}")
    return "`" + " ".join(head) + "`" + ("\n" + "\n".join(lines) if lines else "")
