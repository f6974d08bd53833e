"""`/roles menu create|add|remove|edit|post|list|delete`: role menus members use themselves.

A menu is made once (its style: buttons or a select menu; its mode; an optional required role), gets its roles
with `add` (each checked by role safety against the admin adding it), and is posted with `post` (in as many
channels as wanted). Changing the menu edits every message it is posted in.
"""

from __future__ import annotations

from typing import Any, Literal

import asyncpg
import discord
from discord import app_commands

from cogs.roles import repo
from cogs.roles.desk import RolesSubgroup, admin_of, check_role, manage_roles_warning, reply
from cogs.roles.inputs import parse_duration, parse_emoji
from cogs.roles.models import MAX_OPTIONS, Menu, Option
from cogs.roles.views import how_it_works
from utils.errors import BadInput, permission_name
from utils.paginator import Paginator

MAX_MENUS = 50
MAX_POSTS = 10
PAGE = 10
CLEAR = "-"
Name = app_commands.Range[str, 1, 50]
Title = app_commands.Range[str, 1, 256]
Description = app_commands.Range[str, 1, 1000]
Style = Literal["buttons", "select"]
Mode = Literal["normal", "unique", "verify", "drop", "limit", "temporary"]
Limit = app_commands.Range[int, 1, MAX_OPTIONS]
POST_NEEDS = ("view_channel", "send_messages", "embed_links")


def _not_found(name: str) -> BadInput:
    return BadInput(f"There is no role menu called **{discord.utils.escape_markdown(name)}** on this server.",
                    example="/roles menu list")


def checked(values: dict[str, Any]) -> dict[str, Any]:
    """A menu's settings, checked together (mode and its limit or duration); `BadInput` says what is wrong."""
    mode = values["mode"]
    if mode == "limit" and not values["max_roles"]:
        raise BadInput("A menu in mode **limit** needs the most roles a member may pick (`limit`).",
                       example="/roles menu create name:Colours mode:limit limit:2")
    if mode != "limit" and values["max_roles"]:
        raise BadInput("`limit` is for menus in mode **limit**.", example="/roles menu edit menu:Colours mode:limit "
                                                                          "limit:2")
    if mode == "temporary" and not values["duration_seconds"]:
        raise BadInput("A menu in mode **temporary** needs how long its roles last (`duration`).",
                       example="/roles menu create name:Events mode:temporary duration:1d")
    if mode != "temporary" and values["duration_seconds"]:
        raise BadInput("`duration` is for menus in mode **temporary**.",
                       example="/roles menu edit menu:Events mode:temporary duration:1d")
    return values


def _text(value: str | None, current: str | None) -> str | None:
    if value is None:
        return current
    return None if value.strip() == CLEAR else value


class MenuGroup(RolesSubgroup, name="menu", description="Role menus: members pick roles with buttons or a select"):
    """`/roles menu …`."""

    async def _menu(self, guild_id: int, name: str) -> Menu:
        menu = await repo.menu_by_name(self.desk.pool, guild_id, name)
        if menu is None:
            raise _not_found(name)
        return menu

    async def _refreshed(self, guild: discord.Guild, menu_id: int) -> str:
        problems = await self.desk.menus.refresh(guild, menu_id)
        return "".join(f"\n⚠️ {problem}" for problem in problems)

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
        guild = interaction.guild
        assert guild is not None
        if required_role is not None and required_role.is_default():
            raise BadInput("Every member has @everyone: leave `required_role` out instead.")
        values = checked({"name": name.strip(), "title": title, "description": description, "style": style,
                          "mode": mode, "max_roles": limit, "required_role_id": required_role.id if required_role
                          else None, "duration_seconds": parse_duration(duration, example="duration:1d")
                          if duration else None})
        async with self.desk.pool.acquire() as conn, conn.transaction():
            if await repo.count_menus(conn, guild.id) >= MAX_MENUS:
                raise BadInput(f"A server has at most {MAX_MENUS} role menus: delete one first.",
                               example="/roles menu delete menu:Old")
            menu_id = await repo.create_menu(conn, guild.id, values, self.desk.bot.clock.now())
        if menu_id is None:
            raise BadInput(f"There is already a role menu called **{discord.utils.escape_markdown(values['name'])}**.")
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
        guild = interaction.guild
        assert guild is not None
        check_role(interaction, role)
        choice = parse_emoji(self.desk.bot, emoji, example="emoji:🎮") if emoji else None
        option = Option(role.id, (label or role.name)[:80], choice.text if choice else None, description,
                        admin_of(interaction).id)
        async with self.desk.pool.acquire() as conn, conn.transaction():
            found = await repo.menu_by_name(conn, guild.id, menu, lock=True)  # one change of a menu at a time
            if found is None:
                raise _not_found(menu)
            if found.option(role.id) is None and len(found.options) >= MAX_OPTIONS:
                raise BadInput(f"A menu holds at most {MAX_OPTIONS} roles (Discord shows at most 25 buttons, in 5 "
                               "rows of 5, and 25 options in a select menu): make a second menu.")
            new = await repo.save_option(conn, guild.id, found.id, option)
        verb = "Added" if new else "Updated"
        await reply(interaction, f"✅ {verb} {role.mention} in **{discord.utils.escape_markdown(found.name)}**."
                                 + await self._refreshed(guild, found.id))

    @app_commands.command(name="remove", description="Take a role out of a menu")
    @app_commands.describe(menu="The menu", role="The role to take out")
    async def remove(self, interaction: discord.Interaction, menu: str, role: discord.Role) -> None:
        guild = interaction.guild
        assert guild is not None
        found = await self._menu(guild.id, menu)
        if not await repo.remove_option(self.desk.pool, guild.id, found.id, role.id):
            raise BadInput(f"{role.mention} is not in **{discord.utils.escape_markdown(found.name)}**.")
        await reply(interaction, f"✅ Took {role.mention} out of **{discord.utils.escape_markdown(found.name)}**."
                                 + await self._refreshed(guild, found.id))

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
        guild = interaction.guild
        assert guild is not None
        found = await self._menu(guild.id, menu)
        if all(v is None for v in (name, style, mode, limit, duration, required_role, title, description)) \
                and not no_required_role:
            raise BadInput("Say what to change.", example="/roles menu edit menu:Games mode:unique")
        if required_role is not None and required_role.is_default():
            raise BadInput("Every member has @everyone: use `no_required_role` instead.")
        new_mode = mode or found.mode
        values = checked({
            "name": name.strip() if name else found.name, "style": style or found.style, "mode": new_mode,
            "title": _text(title, found.title), "description": _text(description, found.description),
            "max_roles": limit or (found.max_roles if new_mode == "limit" else None),
            "duration_seconds": parse_duration(duration, example="duration:1d") if duration else
            (found.duration_seconds if new_mode == "temporary" else None),
            "required_role_id": None if no_required_role else
            (required_role.id if required_role else found.required_role_id)})
        try:
            await repo.update_menu(self.desk.pool, guild.id, found.id, values)
        except asyncpg.UniqueViolationError:
            raise BadInput(f"There is already a role menu called **{discord.utils.escape_markdown(values['name'])}**."
                           ) from None
        await reply(interaction, f"✅ Updated **{discord.utils.escape_markdown(values['name'])}** ({values['style']}, "
                                 f"{values['mode']})." + await self._refreshed(guild, found.id))

    @app_commands.command(name="post", description="Post a menu in a channel")
    @app_commands.describe(menu="The menu", channel="Where (default: here)")
    async def post(self, interaction: discord.Interaction, menu: str,
                   channel: discord.TextChannel | None = None) -> None:
        guild = interaction.guild
        assert guild is not None
        target = channel or interaction.channel
        if not isinstance(target, discord.TextChannel):
            raise BadInput("Pick a text channel for the menu.", example="/roles menu post menu:Games channel:#roles")
        found = await self._menu(guild.id, menu)
        if not found.options:
            raise BadInput(f"**{discord.utils.escape_markdown(found.name)}** has no roles yet: add some first.",
                           example=f"/roles menu add menu:{found.name} role:@Gamer")
        missing = [permission_name(p) for p in POST_NEEDS if not getattr(target.permissions_for(guild.me), p)]
        if missing:
            raise BadInput(f"I can't post in {target.mention}: I'm missing **{', '.join(missing)}** there.")
        if await repo.count_posts(self.desk.pool, guild.id, found.id) >= MAX_POSTS:
            raise BadInput(f"A menu is posted in at most {MAX_POSTS} messages: delete the menu and make it again to "
                           "start over.")
        message = await self.desk.menus.post(found, target)
        self.desk.forget(guild.id)
        await reply(interaction, f"✅ Posted **{discord.utils.escape_markdown(found.name)}** in {target.mention}: "
                                 f"{message.jump_url}" + manage_roles_warning(guild))

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
        guild = interaction.guild
        assert guild is not None
        found = await self._menu(guild.id, menu)
        async with self.desk.pool.acquire() as conn, conn.transaction():
            posts = await repo.delete_menu(conn, guild.id, found.id)
            await repo.changed(conn, guild.id)
        self.desk.forget(guild.id)
        deleted = await self.desk.menus.delete_posts(guild, posts)
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
