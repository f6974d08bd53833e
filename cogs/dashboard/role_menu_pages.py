"""The role menus page, `/dashboard/{guild}/role-menus`: the server's role menus with their roles (by name), style,
mode, required role and where they are posted, and forms to create, edit, post and delete menus and to add and
remove their roles, all through `RolesApi.menus` (the code of `/roles menu`: its checks and limits, Manage Roles,
and the role safety of every role added: a member cannot make the bot give a role they could not give themselves).
"""

from __future__ import annotations

from typing import Any

import discord
from fastapi import Request
from fastapi.responses import HTMLResponse, Response

from cogs.audit.api import record_change
from cogs.dashboard.contract import (
    UNAVAILABLE,
    GuildPage,
    assignable_roles,
    first,
    module_off,
    picked_role,
    refused_text,
)
from cogs.dashboard.pages import message, page
from cogs.roles.api import MODES, STYLES, MenuChange, MenuEditor, RolesApi
from utils.errors import DATABASE_ERRORS, BadInput, UserFacingError

MODULE = "roles"
NOT_LOADED = "Role menus are not available on this bot right now (their module is not loaded)."



def _limit(raw: str) -> int | None:
    if not raw:
        return None
    if not raw.isdigit() or len(raw) > 3:
        raise BadInput("The limit must be a whole number.")
    return int(raw)


def _problems(change: MenuChange) -> str:
    return "".join(f"\n{problem}" for problem in change.problems)


class RoleMenuPages(GuildPage):
    """GET and POST of the role menus page."""

    def _editor(self) -> MenuEditor | None:
        api = self.dashboard.bot.apis.get(RolesApi)
        return None if api is None else api.menus

    async def _render(self, session_id: str, session: Any, member: Any, *, notice: str | None = None,
                      problem: str | None = None, status: int = 200) -> HTMLResponse:
        who = self.dashboard.who(session_id, session)
        editor = self._editor()
        if editor is None:
            return message("Not available", NOT_LOADED, status=503, **who)
        guild = member.guild
        try:
            menus = await editor.menus(guild.id)
        except DATABASE_ERRORS:
            return message("Try again later", UNAVAILABLE, status=503, **who)
        roles = assignable_roles(guild)

        def role_name(role_id: int | None) -> str:
            role = guild.get_role(role_id) if role_id else None
            return f"@{role.name}" if role else f"deleted role ({role_id})"

        def channel_name(channel_id: int) -> str:
            channel = guild.get_channel(channel_id)
            return f"#{channel.name}" if channel else "a deleted channel"

        problem = problem or await module_off(self.dashboard.bot, member.guild.id, MODULE)
        return page("role_menus.html", status=status, title=f"Role menus · {guild.name}", guild=guild,
                    section="role-menus", menus=menus, roles=roles, channels=guild.text_channels, styles=STYLES,
                    modes=MODES, role_name=role_name, channel_name=channel_name,
                    manage_roles=member.guild_permissions.manage_roles, notice=notice, problem=problem, **who)

    async def change(self, request: Request, guild_id: str) -> Response:
        """One change (the form's `action`) as the member."""
        posted = await self.dashboard.guild_form(request, guild_id)
        if isinstance(posted, HTMLResponse):
            return posted
        session_id, session, member, form = posted
        editor = self._editor()
        if editor is None:
            return message("Not available", NOT_LOADED, status=503, **self.dashboard.who(session_id, session))
        try:
            await self.dashboard.bot.modules.require_on(member.guild.id, MODULE)  # as its commands
            done = await self._apply(editor, member, first(form, "action"), form)
        except UserFacingError as exc:
            return await self._render(session_id, session, member, status=400, problem=refused_text(exc))
        except DATABASE_ERRORS:
            return message("Try again later", UNAVAILABLE, status=503, **self.dashboard.who(session_id, session))
        except discord.HTTPException:
            return await self._render(session_id, session, member, status=502,
                                      problem="Discord did not accept the message; try again in a minute.")
        record_change(self.dashboard.bot, member, "role menus")
        return await self._render(session_id, session, member, notice=done)

    async def _apply(self, editor: MenuEditor, member: Any, action: str, form: dict[str, list[str]]) -> str:
        guild, menu = member.guild, first(form, "menu")
        if action == "create":
            values = await editor.create(member, name=first(form, "name"), style=first(form, "style") or "buttons",
                                         mode=first(form, "mode") or "normal", limit=_limit(first(form, "limit")),
                                         duration=first(form, "duration") or None,
                                         required_role=picked_role(guild, first(form, "required_role")),
                                         title=first(form, "title") or None,
                                         description=first(form, "description") or None)
            return f"Created the role menu {values['name']}. Add its roles, then post it."
        if action == "edit":
            required = picked_role(guild, first(form, "required_role"))
            change = await editor.edit(member, menu, name=first(form, "name") or None,
                                       style=first(form, "style") or None, mode=first(form, "mode") or None,
                                       limit=_limit(first(form, "limit")), duration=first(form, "duration") or None,
                                       required_role=required, no_required_role=required is None,
                                       title=first(form, "title") or "-", description=first(form, "description") or "-")
            return f"Updated {change.menu.name} ({change.menu.style}, {change.menu.mode})." + _problems(change)
        if action == "add_role":
            role = picked_role(guild, first(form, "role"))
            if role is None:
                raise BadInput("Pick the role to add.")
            change, new = await editor.add_role(member, menu, role, first(form, "label") or None,
                                                first(form, "emoji") or None, first(form, "description") or None)
            return f"{'Added' if new else 'Updated'} @{role.name} in {change.menu.name}." + _problems(change)
        if action == "remove_role":
            role = picked_role(guild, first(form, "role"))
            if role is None:
                raise BadInput("Pick the role to take out.")
            change = await editor.remove_role(member, menu, role)
            return f"Took @{role.name} out of {change.menu.name}." + _problems(change)
        if action == "post":
            channel_id = first(form, "channel")
            channel = guild.get_channel(int(channel_id)) if channel_id.isdigit() and len(channel_id) <= 20 else None
            found, _ = await editor.post(member, menu, channel)
            return f"Posted {found.name} in #{channel.name}."
        if action == "delete":
            found, deleted = await editor.delete(member, menu)
            return f"Deleted the role menu {found.name} and {deleted} posted message(s). Roles members have stay."
        raise BadInput("This form does not say what to change. Reload the page and try again.")
