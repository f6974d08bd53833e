"""The custom commands page, `/dashboard/{guild}/commands`: the server's custom commands with their trigger,
response and options, a form each to edit or delete it, and a form to add one, all through `CustomCommandsApi`
(the code of `/config custom_commands`: its validation, its Manage Server rule, its log lines; the member becomes
the response's author, so it pings only what they may ping). What in a response will not ping is said at once.
"""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, Response

from cogs.audit.api import record_change
from cogs.custom_commands.api import CustomCommandsApi, Saved, ping_note
from cogs.custom_commands.matching import TRIGGER_TYPES
from cogs.dashboard.contract import UNAVAILABLE, GuildPage, first, module_off, refused_text, ticked
from cogs.dashboard.pages import message, page
from utils.errors import DATABASE_ERRORS, BadInput, UserFacingError

MODULE = "custom_commands"
NOT_LOADED = "Custom commands are not available on this bot right now (their module is not loaded)."
ACTIONS = ("add", "edit", "remove")
OPTIONS = ("case_sensitive", "delete_trigger", "reply_to_user")



class CommandPages(GuildPage):
    """GET and POST of the custom commands page."""

    async def _render(self, session_id: str, session: Any, member: Any, *, notice: str | None = None,
                      problem: str | None = None, status: int = 200, typed: dict[str, str] | None = None
                      ) -> HTMLResponse:
        who = self.dashboard.who(session_id, session)
        api = self.dashboard.bot.apis.get(CustomCommandsApi)
        if api is None:
            return message("Not available", NOT_LOADED, status=503, **who)
        try:
            commands = await api.all(member.guild.id)
        except DATABASE_ERRORS:
            return message("Try again later", UNAVAILABLE, status=503, **who)
        problem = problem or await module_off(self.dashboard.bot, member.guild.id, MODULE)
        return page("commands.html", status=status, title=f"Custom commands · {member.guild.name}",
                    guild=member.guild, section="commands", commands=commands, trigger_types=TRIGGER_TYPES,
                    notice=notice, problem=problem, typed=typed or {}, **who)

    async def change(self, request: Request, guild_id: str) -> Response:
        """Add, edit or delete a command (the form's `action`) as the member."""
        posted = await self.dashboard.guild_form(request, guild_id)
        if isinstance(posted, HTMLResponse):
            return posted
        session_id, session, member, form = posted
        api = self.dashboard.bot.apis.get(CustomCommandsApi)
        if api is None:
            return message("Not available", NOT_LOADED, status=503, **self.dashboard.who(session_id, session))
        action = first(form, "action")
        try:
            if action not in ACTIONS:
                raise BadInput("This form does not say what to change. Reload the page and try again.")
            await self.dashboard.bot.modules.require_on(member.guild.id, MODULE)  # as its commands
            done = await self._apply(api, member, action, form)
        except UserFacingError as exc:
            problem = refused_text(exc)
            typed = {key: first(form, key) for key in ("name", "trigger_type", "trigger", "response")}
            return await self._render(session_id, session, member, status=400, problem=problem,
                                      typed=typed if action == "add" else None)
        except DATABASE_ERRORS:
            return message("Try again later", UNAVAILABLE, status=503, **self.dashboard.who(session_id, session))
        record_change(self.dashboard.bot, member, "custom commands")
        return await self._render(session_id, session, member, notice=done)

    async def _apply(self, api: CustomCommandsApi, member: Any, action: str, form: dict[str, list[str]]) -> str:
        name = first(form, "name")
        if action == "remove":
            removed = await api.remove(member, name)
            return f"Custom command {removed} deleted."
        response = (form.get("response") or [""])[0]  # kept as typed: spaces and lines are the member's
        if action == "add":
            saved = await api.add(member, name=name, trigger_type=first(form, "trigger_type"),
                                  trigger=first(form, "trigger"), response=response,
                                  **{option: ticked(form, option) for option in OPTIONS})
            return _said(saved, "added")
        current = await api.get(member.guild.id, name)
        if current is None:
            raise BadInput(f"There is no custom command {name[:40]} on this server (any more).")
        changes: dict[str, Any] = {"trigger_type": first(form, "trigger_type"), "trigger_value": first(form, "trigger"),
                                   "enabled": ticked(form, "enabled"),
                                   **{option: ticked(form, option) for option in OPTIONS}}
        # The response's author changes only when the response does (as with /config custom_commands edit).
        changes["response"] = response if response != current.response else None
        return _said(await api.edit(member, name, changes), "updated")


def _said(saved: Saved, what: str) -> str:
    note = ping_note(saved.withheld)
    return f"Custom command {saved.command.name} {what}." + (f"\n{note}" if note else "")
