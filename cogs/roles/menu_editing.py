"""The one code path that changes a guild's role menus, used by `/roles menu …` and the dashboard's role menus page
(through `RolesApi.menus`): the checks of names, texts, styles and modes, the limits, the role safety of each role
added (a member cannot make the bot give a role they could not give themselves), the rows, the refresh of every
posted message, and the log lines.

Every change is made AS a member with Manage Roles (the rule of `/roles`, checked here again for every caller).
Refusals are `BadInput`/`UserFacingError` with the human reason.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import asyncpg
import discord

from cogs.roles import repo
from cogs.roles.desk import Desk
from cogs.roles.inputs import parse_duration, parse_emoji
from cogs.roles.models import MAX_OPTIONS, Menu, Option
from core.role_safety import check_role_grant
from utils.errors import BadInput, UserFacingError, permission_name

log = logging.getLogger(__name__)
MAX_MENUS = 50
MAX_POSTS = 10
CLEAR = "-"
STYLES = ("buttons", "select")
MODES = ("normal", "unique", "verify", "drop", "limit", "temporary")
POST_NEEDS = ("view_channel", "send_messages", "embed_links")


@dataclass(frozen=True)
class MenuChange:
    """A menu after a change, and what could not be refreshed in its posted messages."""

    menu: Menu
    problems: list[str]


def not_found(name: str) -> BadInput:
    """The refusal for a menu name the guild does not have."""
    return BadInput(f"There is no role menu called **{discord.utils.escape_markdown(name)}** on this server.",
                    example="/roles menu list")


def checked(values: dict[str, Any]) -> dict[str, Any]:
    """A menu's settings, checked together (mode and its limit or duration); `BadInput` says what is wrong."""
    if not 1 <= len(values["name"]) <= 50:
        raise BadInput("A menu's name is 1 to 50 characters.", example="/roles menu create name:Colours")
    if values["style"] not in STYLES:
        raise BadInput(f"A menu's style is one of {', '.join(STYLES)}.")
    mode = values["mode"]
    if mode not in MODES:
        raise BadInput(f"A menu's mode is one of {', '.join(MODES)}.")
    if values.get("title") and len(values["title"]) > 256:
        raise BadInput("A menu's title is at most 256 characters.")
    if values.get("description") and len(values["description"]) > 1000:
        raise BadInput("A menu's text is at most 1000 characters.")
    if values["max_roles"] is not None and not 1 <= values["max_roles"] <= MAX_OPTIONS:
        raise BadInput(f"`limit` goes from 1 to {MAX_OPTIONS}.")
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


def require_roles_manager(member: discord.Member) -> None:
    """Refuse a member without Manage Roles (the rule of `/roles`)."""
    if not member.guild_permissions.manage_roles:
        raise UserFacingError("Role menus are changed by members with Manage Roles; you do not have it here.")


def _no_everyone(role: discord.Role | None, hint: str) -> None:
    if role is not None and role.is_default():
        raise BadInput(f"Every member has @everyone: {hint}.")


class MenuEditor:
    """Role menus of every guild, changed as a member."""

    def __init__(self, desk: Desk) -> None:
        self.desk = desk

    async def menus(self, guild_id: int) -> list[tuple[Menu, list[int]]]:
        """The guild's menus by name with their roles, and the channels each is posted in."""
        rows = await repo.menu_page(self.desk.pool, guild_id, 0, MAX_MENUS)
        found = []
        for row in rows:
            menu = await repo.menu_by_id(self.desk.pool, guild_id, row["id"])
            if menu is not None:
                found.append((menu, list(row["channels"] or [])))
        return found

    async def menu(self, guild_id: int, name: str) -> Menu:
        """The guild's menu called `name`, or the refusal."""
        menu = await repo.menu_by_name(self.desk.pool, guild_id, name)
        if menu is None:
            raise not_found(name)
        return menu

    async def _refreshed(self, guild: discord.Guild, menu: Menu) -> MenuChange:
        problems = await self.desk.menus.refresh(guild, menu.id)
        return MenuChange(await repo.menu_by_id(self.desk.pool, guild.id, menu.id) or menu, list(problems))

    def _did(self, member: discord.Member, what: str) -> None:
        log.info("Guild %s: role menu %s by %s", member.guild.id, what, member.id)

    async def create(self, member: discord.Member, *, name: str, style: str = "buttons", mode: str = "normal",
                     limit: int | None = None, duration: str | None = None,
                     required_role: discord.Role | None = None, title: str | None = None,
                     description: str | None = None) -> dict[str, Any]:
        """Make a menu (no roles yet); its checked values."""
        require_roles_manager(member)
        guild = member.guild
        _no_everyone(required_role, "leave `required_role` out instead")
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
        self._did(member, f"{menu_id} created")
        return values

    async def add_role(self, member: discord.Member, menu: str, role: discord.Role, label: str | None = None,
                       emoji: str | None = None, description: str | None = None) -> tuple[MenuChange, bool]:
        """Add `role` to a menu (or change how it is shown); (the change, whether it is new)."""
        require_roles_manager(member)
        guild = member.guild
        check_role_grant(role, member, guild.me)  # the bot gives it on behalf of this member
        if label is not None and not 1 <= len(label) <= 80:
            raise BadInput("A role's label is 1 to 80 characters.")
        if description is not None and not 1 <= len(description) <= 100:
            raise BadInput("A role's description is 1 to 100 characters.")
        choice = parse_emoji(self.desk.bot, emoji, example="emoji:🎮") if emoji else None
        option = Option(role.id, (label or role.name)[:80], choice.text if choice else None, description, member.id)
        async with self.desk.pool.acquire() as conn, conn.transaction():
            found = await repo.menu_by_name(conn, guild.id, menu, lock=True)  # one change of a menu at a time
            if found is None:
                raise not_found(menu)
            if found.option(role.id) is None and len(found.options) >= MAX_OPTIONS:
                raise BadInput(f"A menu holds at most {MAX_OPTIONS} roles (Discord shows at most 25 buttons, in 5 "
                               "rows of 5, and 25 options in a select menu): make a second menu.")
            new = await repo.save_option(conn, guild.id, found.id, option)
        self._did(member, f"{found.id} role {role.id} {'added' if new else 'updated'}")
        return await self._refreshed(guild, found), new

    async def remove_role(self, member: discord.Member, menu: str, role: discord.Role) -> MenuChange:
        """Take `role` out of a menu."""
        require_roles_manager(member)
        guild = member.guild
        found = await self.menu(guild.id, menu)
        if not await repo.remove_option(self.desk.pool, guild.id, found.id, role.id):
            raise BadInput(f"{role.mention} is not in **{discord.utils.escape_markdown(found.name)}**.")
        self._did(member, f"{found.id} role {role.id} removed")
        return await self._refreshed(guild, found)

    async def edit(self, member: discord.Member, menu: str, *, name: str | None = None, style: str | None = None,
                   mode: str | None = None, limit: int | None = None, duration: str | None = None,
                   required_role: discord.Role | None = None, no_required_role: bool = False,
                   title: str | None = None, description: str | None = None) -> MenuChange:
        """Change what is given of a menu (`-` clears the title or text)."""
        require_roles_manager(member)
        guild = member.guild
        found = await self.menu(guild.id, menu)
        if all(v is None for v in (name, style, mode, limit, duration, required_role, title, description)) \
                and not no_required_role:
            raise BadInput("Say what to change.", example="/roles menu edit menu:Games mode:unique")
        _no_everyone(required_role, "use `no_required_role` instead")
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
        self._did(member, f"{found.id} edited")
        return await self._refreshed(guild, found)

    async def post(self, member: discord.Member, menu: str, channel: Any) -> tuple[Menu, discord.Message]:
        """Post a menu in a text channel; (the menu, the message)."""
        require_roles_manager(member)
        guild = member.guild
        if not isinstance(channel, discord.TextChannel):
            raise BadInput("Pick a text channel for the menu.", example="/roles menu post menu:Games channel:#roles")
        found = await self.menu(guild.id, menu)
        if not found.options:
            raise BadInput(f"**{discord.utils.escape_markdown(found.name)}** has no roles yet: add some first.",
                           example=f"/roles menu add menu:{found.name} role:@Gamer")
        missing = [permission_name(p) for p in POST_NEEDS if not getattr(channel.permissions_for(guild.me), p)]
        if missing:
            raise BadInput(f"I can't post in {channel.mention}: I'm missing **{', '.join(missing)}** there.")
        if await repo.count_posts(self.desk.pool, guild.id, found.id) >= MAX_POSTS:
            raise BadInput(f"A menu is posted in at most {MAX_POSTS} messages: delete the menu and make it again to "
                           "start over.")
        message = await self.desk.menus.post(found, channel)
        self.desk.forget(guild.id)
        self._did(member, f"{found.id} posted in {channel.id}")
        return found, message

    async def delete(self, member: discord.Member, menu: str) -> tuple[Menu, int]:
        """Delete a menu and its posted messages; (the menu, how many messages were deleted)."""
        require_roles_manager(member)
        guild = member.guild
        found = await self.menu(guild.id, menu)
        async with self.desk.pool.acquire() as conn, conn.transaction():
            posts = await repo.delete_menu(conn, guild.id, found.id)
            await repo.changed(conn, guild.id)
        self.desk.forget(guild.id)
        deleted = await self.desk.menus.delete_posts(guild, posts)
        self._did(member, f"{found.id} deleted")
        return found, deleted
