"""`/roles menu create|add|remove|edit|post|list|delete`: role menus members use themselves.

A menu is made once (its style: buttons or a select menu; its mode; an optional required role), gets its roles
with `add` (each checked by role safety against the admin adding it), and is posted with `post` (in as many
channels as wanted). Changing the menu edits every message it is posted in.
"""

from __future__ import annotations

from typing import Literal

import discord
from discord import app_commands

from cogs.roles import repo
from cogs.roles.desk import RolesSubgroup, admin_of, manage_roles_warning, reply
from cogs.roles.menu_editing import MenuChange, MenuEditor
from cogs.roles.models import MAX_OPTIONS, Menu
from cogs.roles.views import how_it_works
from utils.paginator import Paginator

PAGE = 10
Name = app_commands.Range[str, 1, 50]
Title = app_commands.Range[str, 1, 256]
Description = app_commands.Range[str, 1, 1000]
Style = Literal["buttons", "select"]
Mode = Literal["normal", "unique", "verify", "drop", "limit", "temporary"]
Limit = app_commands.Range[int, 1, MAX_OPTIONS]


def _problems(change: MenuChange) -> str:
    return "".join(f"\n⚠️ {problem}" for problem in change.problems)


class MenuGroup(RolesSubgroup, name="menu", description="Role menus: members pick roles with buttons or a select"):
    """`/roles menu …`."""

    @property
    def editor(self) -> MenuEditor:
        """The one code path of changes (shared with the dashboard through `RolesApi.menus`)."""
        return MenuEditor(self.desk)

    @app_commands.command(name="create", description="Make a role menu (then add roles and post it)")
    @app_commands.describe(name="A short name to find it by", style="Buttons (one per role) or a select menu",
                           mode="normal: toggle; unique: one role; verify: add only; drop: remove only; limit: at "
                                "most N; temporary: removed after a while",
                           limit="mode limit: the most roles of this menu a member may have",
                           duration="mode temporary: how long the roles last (e.g. 2h, 7d)",
                           required_role="Only members with this role may use the menu",
                           title="The menu's title (default: its name)", description="Text above the roles")
    async def create(self, interaction: discord.Interaction, name: Name, style: Style = "buttons",
                     mode: Mode = "normal", limit: Limit | None = None, duration: str | None = None,
                     required_role: discord.Role | None = None, title: Title | None = None,
                     description: Description | None = None) -> None:
        values = await self.editor.create(admin_of(interaction), name=name, style=style, mode=mode, limit=limit,
                                          duration=duration, required_role=required_role, title=title,
                                          description=description)
        await reply(interaction, f"✅ Created the role menu **{discord.utils.escape_markdown(values['name'])}** "
                                 f"({style}, {mode}). Add its roles with `/roles menu add`, then post it with "
                                 "`/roles menu post`.")

    @app_commands.command(name="add", description="Add a role to a menu (or change how it is shown)")
    @app_commands.describe(menu="The menu", role="The role members get", label="The button's text (default: the "
                           "role's name)", emoji="An emoji for it (e.g. 🎮 or a custom emoji of this server)",
                           description="A line about the role")
    async def add(self, interaction: discord.Interaction, menu: str, role: discord.Role,
                  label: app_commands.Range[str, 1, 80] | None = None, emoji: str | None = None,
                  description: app_commands.Range[str, 1, 100] | None = None) -> None:
        change, new = await self.editor.add_role(admin_of(interaction), menu, role, label, emoji, description)
        verb = "Added" if new else "Updated"
        await reply(interaction, f"✅ {verb} {role.mention} in **{discord.utils.escape_markdown(change.menu.name)}**."
                                 + _problems(change))

    @app_commands.command(name="remove", description="Take a role out of a menu")
    @app_commands.describe(menu="The menu", role="The role to take out")
    async def remove(self, interaction: discord.Interaction, menu: str, role: discord.Role) -> None:
        change = await self.editor.remove_role(admin_of(interaction), menu, role)
        await reply(interaction, f"✅ Took {role.mention} out of **{discord.utils.escape_markdown(change.menu.name)}**."
                                 + _problems(change))

    @app_commands.command(name="edit", description="Change a menu's name, style, mode, required role or text")
    @app_commands.describe(menu="The menu", name="A new name", style="Buttons or a select menu", mode="The mode",
                           limit="mode limit: the most roles a member may have",
                           duration="mode temporary: how long the roles last", required_role="Only members with "
                           "this role may use it", no_required_role="Anyone may use it",
                           title="The title (- for none)", description="The text above the roles (- for none)")
    async def edit(self, interaction: discord.Interaction, menu: str, name: Name | None = None,
                   style: Style | None = None, mode: Mode | None = None, limit: Limit | None = None,
                   duration: str | None = None, required_role: discord.Role | None = None,
                   no_required_role: bool = False, title: Title | None = None,
                   description: Description | None = None) -> None:
        change = await self.editor.edit(admin_of(interaction), menu, name=name, style=style, mode=mode, limit=limit,
                                        duration=duration, required_role=required_role,
                                        no_required_role=no_required_role, title=title, description=description)
        await reply(interaction, f"✅ Updated **{discord.utils.escape_markdown(change.menu.name)}** "
                                 f"({change.menu.style}, {change.menu.mode})." + _problems(change))

    @app_commands.command(name="post", description="Post a menu in a channel")
    @app_commands.describe(menu="The menu", channel="Where (default: here)")
    async def post(self, interaction: discord.Interaction, menu: str,
                   channel: discord.TextChannel | None = None) -> None:
        guild = interaction.guild
        assert guild is not None
        found, message = await self.editor.post(admin_of(interaction), menu, channel or interaction.channel)
        await reply(interaction, f"✅ Posted **{discord.utils.escape_markdown(found.name)}** in "
                                 f"{message.channel.mention}: {message.jump_url}" + manage_roles_warning(guild))

    @app_commands.command(name="list", description="The server's role menus")
    async def list_menus(self, interaction: discord.Interaction) -> None:
        guild = interaction.guild
        assert guild is not None

        async def page(index: int) -> tuple[discord.Embed, int]:
            rows = await repo.menu_page(self.desk.pool, guild.id, index * PAGE, PAGE)
            total = await repo.count_menus(self.desk.pool, guild.id)
            lines = []
            for row in rows:
                menu = Menu(row["id"], guild.id, row["name"], None, None, row["style"], row["mode"], row["max_roles"],
                            row["duration_seconds"], row["required_role_id"])
                where = ", ".join(f"<#{c}>" for c in row["channels"] or []) or "not posted"
                needs = f", needs <@&{menu.required_role_id}>" if menu.required_role_id else ""
                lines.append(f"**{discord.utils.escape_markdown(menu.name)}** — {row['roles']} role(s), "
                             f"{menu.style}, {menu.mode} ({how_it_works(menu)}){needs}; {where}")
            embed = discord.Embed(title="Role menus", colour=discord.Colour.blurple(),
                                  description="\n".join(lines) or "No role menus yet: `/roles menu create`.")
            return embed, total

        await Paginator(interaction.user.id, page, PAGE).send(interaction)

    @app_commands.command(name="delete", description="Delete a menu and its posted messages")
    @app_commands.describe(menu="The menu")
    async def delete(self, interaction: discord.Interaction, menu: str) -> None:
        found, deleted = await self.editor.delete(admin_of(interaction), menu)
        await reply(interaction, f"🗑️ Deleted the role menu **{discord.utils.escape_markdown(found.name)}** and "
                                 f"{deleted} posted message(s). Roles members already have stay.")

    @add.autocomplete("menu")
    @remove.autocomplete("menu")
    @edit.autocomplete("menu")
    @post.autocomplete("menu")
    @delete.autocomplete("menu")
    async def _menu_names(self, interaction: discord.Interaction,
                          current: str) -> list[app_commands.Choice[str]]:
        assert interaction.guild_id is not None
        names = await repo.menu_names(self.desk.pool, interaction.guild_id, current.strip())
        return [app_commands.Choice(name=name[:100], value=name) for name in names]
