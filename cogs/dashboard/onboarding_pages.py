"""The onboarding editor, `/dashboard/{guild}/onboarding`: the flow's rules and questions in order (with their
follow-ups and the roles mapped on options, by name), and forms to add, edit, move, switch and delete them, add and
remove follow-ups and map roles, all through `OnboardingApi.editor` (the code of `/config onboarding`: its checks,
limits and the role safety of a mapping: a member cannot make the bot give a role they could not give themselves).
"""

from __future__ import annotations

from typing import Any

import discord
from fastapi import Request
from fastapi.responses import HTMLResponse, Response

from cogs.audit.api import record_change
from cogs.dashboard.contract import UNAVAILABLE, GuildPage, assignable_roles, first, module_off, refused_text
from cogs.dashboard.pages import message, page
from cogs.onboarding.api import CHOICE_TYPES, QUESTION_TYPES, OnboardingApi, OnboardingEditor
from utils.errors import DATABASE_ERRORS, BadInput, UserFacingError

MODULE = "onboarding"
NOT_LOADED = "Onboarding is not available on this bot right now (its module is not loaded)."


def options_text(options: list[dict[str, Any]]) -> str:
    """Options as they are typed: `Label=value, …`."""
    return ", ".join(f"{o['label']}={o['value']}" for o in options)


def role_name(guild: discord.Guild, role_id: Any) -> str:
    """A mapped role by name (the page shows names, never mention markup)."""
    role = guild.get_role(int(role_id)) if role_id else None
    return f"@{role.name}" if role else f"deleted role ({role_id})"


def _number(form: dict[str, list[str]], key: str) -> int:
    raw = first(form, key)
    if not raw.isdigit() or len(raw) > 20:
        raise BadInput("This form lost track of what it changes; reload the page and try again.")
    return int(raw)


def _optional(form: dict[str, list[str]], key: str) -> str | None:
    return first(form, key) or None


class OnboardingPages(GuildPage):
    """GET and POST of the onboarding editor."""

    def _editor(self) -> OnboardingEditor | None:
        api = self.dashboard.bot.apis.get(OnboardingApi)
        return None if api is None else api.editor

    async def _render(self, session_id: str, session: Any, member: Any, *, notice: str | None = None,
                      problem: str | None = None, status: int = 200) -> HTMLResponse:
        who = self.dashboard.who(session_id, session)
        editor = self._editor()
        if editor is None:
            return message("Not available", NOT_LOADED, status=503, **who)
        guild = member.guild
        try:
            rules, questions = await editor.rules(guild.id), await editor.questions(guild.id)
        except DATABASE_ERRORS:
            return message("Try again later", UNAVAILABLE, status=503, **who)
        roles = assignable_roles(guild)
        problem = problem or await module_off(self.dashboard.bot, member.guild.id, MODULE)
        return page("onboarding.html", status=status, title=f"Onboarding · {guild.name}", guild=guild,
                    section="onboarding", rules=rules, questions=questions, roles=roles, types=QUESTION_TYPES,
                    choice_types=CHOICE_TYPES, options_text=options_text, role_name=lambda rid: role_name(guild, rid),
                    notice=notice, problem=problem, **who)

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
        record_change(self.dashboard.bot, member, "onboarding")
        return await self._render(session_id, session, member, notice=done)

    async def _apply(self, editor: OnboardingEditor, member: Any, action: str, form: dict[str, list[str]]) -> str:
        text = (form.get("text") or [""])[0].strip()
        if action == "add_rule":
            rule = await editor.add_rule(member, first(form, "title"), (form.get("description") or [""])[0].strip(),
                                         _optional(form, "thumbnail"), _optional(form, "image"))
            return f"Rule R{rule.id} added at position {rule.order}."
        if action == "edit_rule":
            rule_id = _number(form, "rule")
            # An empty image field removes the image (as `-` does in the command).
            await editor.edit_rule(member, rule_id, first(form, "title"),
                                   (form.get("description") or [""])[0].strip(),
                                   first(form, "thumbnail") or "-", first(form, "image") or "-")
            return f"Rule R{rule_id} updated."
        if action in ("delete_rule", "delete_question"):
            kind, item_id = action.removeprefix("delete_"), _number(form, "id")
            if kind == "rule":
                return f"Rule R{item_id} ({(await editor.delete_rule(member, item_id)).title}) deleted."
            return f"Question Q{item_id} ({(await editor.delete_question(member, item_id)).text}) deleted."
        if action in ("enable_rule", "enable_question"):
            item_id, enabled = _number(form, "id"), first(form, "enabled") == "on"
            if action == "enable_rule":
                await editor.enable_rule(member, item_id, enabled)
            else:
                await editor.enable_question(member, item_id, enabled)
            letter = "R" if action == "enable_rule" else "Q"
            return f"{letter}{item_id} is now {'enabled' if enabled else 'disabled'}."
        if action in ("move_rule", "move_question"):
            kind = "rules" if action == "move_rule" else "questions"
            where = await editor.move(member, kind, _number(form, "id"), _number(form, "position"))
            return f"{'Rule' if kind == 'rules' else 'Question'} moved to number {where}."
        if action == "add_question":
            q = await editor.add_question(member, text, first(form, "type"), _optional(form, "options"),
                                          first(form, "required") == "on")
            return f"Question Q{q.id} added."
        if action == "edit_question":
            question_id = _number(form, "id")
            await editor.edit_question(member, question_id, text, first(form, "type"), _optional(form, "options"),
                                       first(form, "required") == "on")
            return f"Question Q{question_id} updated."
        if action == "add_followup":
            saved, followup = await editor.add_followup(member, _number(form, "id"), first(form, "when"), text,
                                                        first(form, "type"), _optional(form, "options"),
                                                        first(form, "required") == "on")
            return f"Follow-up {saved.id}.{followup} added."
        if action == "remove_followup":
            question_id = _number(form, "id")
            await editor.remove_followup(member, question_id, first(form, "followup"))
            return f"Follow-up {question_id}.{first(form, 'followup')} removed."
        if action == "map_role":
            return await self._map(editor, member, form)
        raise BadInput("This form does not say what to change. Reload the page and try again.")

    async def _map(self, editor: OnboardingEditor, member: Any, form: dict[str, list[str]]) -> str:
        question_id, raw_role = _number(form, "id"), first(form, "role")
        role = None
        if raw_role:
            role = member.guild.get_role(int(raw_role)) if raw_role.isdigit() and len(raw_role) <= 20 else None
            if role is None:
                raise BadInput("That role is not on this server (any more). Reload the page and pick another.")
        scope, _, option = first(form, "option").partition(":")  # "q:<value>", or "<follow-up id>:<value>"
        followup = None if scope == "q" else scope
        await editor.map_role(member, question_id, option, role, followup)
        where = f"Q{question_id}{'.' + followup if followup else ''} {option}"
        return f"{where} now gives @{role.name}." if role else f"{where} gives no role now."
