"""A role menu's persistent components: one button per role (`hearth:rolemenu:<menu>:<role>`) or one select
(`hearth:rolemenusel:<menu>`, option values are role ids), and the menu's embed. They work after restarts: the
menu and the role come from the custom id, the rules from the database at each click."""

from __future__ import annotations

from typing import Any

import discord

from cogs.roles.contract import MenuPicker
from cogs.roles.inputs import EmojiChoice
from cogs.roles.models import MODE_HELP, Menu
from core.persistent_items import PersistentItem
from utils.durations import format_duration

UNAVAILABLE = "Role menus are not available right now, try again later."


class RolesItem(PersistentItem[Any, MenuPicker], cog="Roles", unavailable=UNAVAILABLE):
    """A component of a role menu; only usable on a server."""

    @classmethod
    def usable(cls, interaction: discord.Interaction) -> bool:
        return interaction.guild is not None and isinstance(interaction.user, discord.Member)


def _emoji(text: str | None) -> discord.PartialEmoji | None:
    return EmojiChoice(text, "").partial if text else None


class MenuButton(RolesItem, prefix="rolemenu", template=r"(?P<menu_id>\d+):(?P<role_id>\d+)",
                 what="a role menu button"):
    """One role of a button menu."""

    menu_id: int
    role_id: int

    def __init__(self, menu_id: int, role_id: int, *, label: str | None = None, emoji: str | None = None) -> None:
        self.wrap(discord.ui.Button(custom_id=self.custom_id_for(menu_id, role_id), label=label[:80] if label else None,
                                    emoji=_emoji(emoji), style=discord.ButtonStyle.secondary), menu_id, role_id)

    async def clicked(self, interaction: discord.Interaction, cog: MenuPicker) -> None:
        await cog.pick(interaction, self.menu_id, [self.role_id])


class MenuSelect(RolesItem, prefix="rolemenusel", template=r"(?P<menu_id>\d+)", what="a role menu"):
    """A select menu of the menu's roles."""

    menu_id: int

    def __init__(self, menu_id: int, menu: Menu | None = None) -> None:
        options = [discord.SelectOption(label=option.label[:100], value=str(option.role_id), emoji=_emoji(option.emoji),
                                        description=option.description[:100] if option.description else None)
                   for option in (menu.options if menu else ())] or [discord.SelectOption(label="…", value="0")]
        most = 1 if menu is not None and menu.mode == "unique" else len(options)
        if menu is not None and menu.mode == "limit" and menu.max_roles:
            most = min(most, menu.max_roles)
        self.wrap(discord.ui.Select(custom_id=self.custom_id_for(menu_id), options=options, min_values=1,
                                    max_values=most, placeholder="Pick a role…" if most == 1 else "Pick roles…"),
                  menu_id)

    async def clicked(self, interaction: discord.Interaction, cog: MenuPicker) -> None:
        values = (interaction.data or {}).get("values") or []  # type: ignore[union-attr]
        await cog.pick(interaction, self.menu_id, [int(v) for v in values if str(v).isdigit()])


ITEMS = (MenuButton, MenuSelect)


def how_it_works(menu: Menu) -> str:
    """The menu's mode in a sentence for members."""
    return MODE_HELP[menu.mode].format(limit=menu.max_roles or 0,
                                       duration=format_duration(menu.duration_seconds or 0))


def menu_embed(menu: Menu) -> discord.Embed:
    """The menu's message: its title, description, one line per role, and how it works."""
    lines = [menu.description] if menu.description else []
    if lines:
        lines.append("")
    for option in menu.options:
        line = f"{option.emoji + ' ' if option.emoji else ''}<@&{option.role_id}>"
        lines.append(line + (f" — {option.description}" if option.description else ""))
    if menu.required_role_id:
        lines += ["", f"Only members with <@&{menu.required_role_id}> can use this menu."]
    embed = discord.Embed(title=(menu.title or menu.name)[:256], description="\n".join(lines)[:4096] or None,
                          colour=discord.Colour.blurple())
    embed.set_footer(text=how_it_works(menu).capitalize()[:2048])
    return embed


def menu_view(menu: Menu) -> discord.ui.View:
    """The menu's buttons (5 per row, at most 25) or its select menu."""
    view = discord.ui.View(timeout=None)
    if menu.style == "select":
        view.add_item(MenuSelect(menu.id, menu))
    else:
        for option in menu.options:
            view.add_item(MenuButton(menu.id, option.role_id, label=option.label, emoji=option.emoji))
    return view
