"""The automod page, `/dashboard/{guild}/automod`: the server's rules (what each checks, its action, on/off, trial)
and actions (type, severity, duration, mute role), with forms to add, edit, switch and remove them, all through
`AutomodApi.editor` (the code of `/config automod`: the rules' checks, premium for AI rules, role safety for a mute
role, the cache invalidation and log lines). Names and settings are shown as text, never markup.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import discord
from fastapi import Request
from fastapi.responses import HTMLResponse, Response

from cogs.audit.api import record_change
from cogs.automod.actions import format_duration
from cogs.automod.api import AutomodApi, AutomodEditor
from cogs.automod.rules import ACTION_TYPES, RULE_TYPES, Rule
from cogs.dashboard.contract import (
    UNAVAILABLE,
    GuildPage,
    assignable_roles,
    first,
    module_off,
    picked_role,
    refused_text,
    ticked,
)
from cogs.dashboard.pages import message, page
from utils.errors import DATABASE_ERRORS, BadInput, UserFacingError

MODULE = "automod"
NOT_LOADED = "Automod is not available on this bot right now (its module is not loaded)."
SHOWN_KEYS = ("words", "pattern", "whole_word", "exempt_roles", "exempt_channels")


@dataclass(frozen=True)
class RuleRow:
    """One rule as the page shows it."""

    rule: Rule
    action: str
    settings: str  # the other settings, as JSON text


@dataclass(frozen=True)
class ActionRow:
    """One action as the page shows it."""

    id: int
    type: str
    severity: int
    words: str
    role_id: int | None


def action_words(row: Any, guild: discord.Guild) -> str:
    """An action in words, with its role by name."""
    config = row["config"] or {}
    extra = []
    if config.get("duration"):
        extra.append(format_duration(config["duration"]))
    if config.get("role_id"):
        role = guild.get_role(int(config["role_id"]))
        extra.append(f"@{role.name}" if role else f"deleted role ({config['role_id']})")
    if config.get("delete_message") is False:
        extra.append("keeps the message")
    return f"{row['action_type']} (severity {row['severity']}{', ' + ', '.join(extra) if extra else ''})"


def _number(raw: str, what: str) -> int | None:
    if not raw:
        return None
    if not raw.isdigit() or len(raw) > 20:
        raise BadInput(f"The {what} must be a number; reload the page and pick one.")
    return int(raw)




class AutomodPages(GuildPage):
    """GET and POST of the automod page."""

    def _editor(self) -> AutomodEditor | None:
        api = self.dashboard.bot.apis.get(AutomodApi)
        return None if api is None else api.editor

    async def _render(self, session_id: str, session: Any, member: Any, *, notice: str | None = None,
                      problem: str | None = None, status: int = 200) -> HTMLResponse:
        who = self.dashboard.who(session_id, session)
        editor = self._editor()
        if editor is None:
            return message("Not available", NOT_LOADED, status=503, **who)
        guild = member.guild
        try:
            rules, actions = await editor.rules(guild.id), await editor.actions(guild.id)
        except DATABASE_ERRORS:
            return message("Try again later", UNAVAILABLE, status=503, **who)
        rule_rows = [RuleRow(rule, f"action #{rule.action.id} {rule.action.type}" if rule.action else "log only",
                             json.dumps({k: v for k, v in rule.config.items() if k not in SHOWN_KEYS},
                                        ensure_ascii=False)) for rule in rules]
        action_rows = [ActionRow(row["id"], row["action_type"], row["severity"], action_words(row, guild),
                                 (row["config"] or {}).get("role_id")) for row in actions]
        roles = assignable_roles(guild)
        problem = problem or await module_off(self.dashboard.bot, member.guild.id, MODULE)
        return page("automod.html", status=status, title=f"Automod · {guild.name}", guild=guild, section="automod",
                    rules=rule_rows, actions=action_rows, rule_types=RULE_TYPES, action_types=ACTION_TYPES,
                    roles=roles, channels=guild.text_channels, notice=notice, problem=problem, **who)

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
            problem = refused_text(exc)
            return await self._render(session_id, session, member, status=400, problem=problem)
        except DATABASE_ERRORS:
            return message("Try again later", UNAVAILABLE, status=503, **self.dashboard.who(session_id, session))
        record_change(self.dashboard.bot, member, "automod")
        return await self._render(session_id, session, member, notice=done)

    async def _apply(self, editor: AutomodEditor, member: Any, action: str, form: dict[str, list[str]]) -> str:
        guild = member.guild
        if action in ("add_rule", "edit_rule"):
            return await self._rule(editor, member, action, form)
        if action == "switch_rule":
            rule = _number(first(form, "rule"), "rule") or 0
            enabled = first(form, "enabled") == "on"
            await editor.set_rule_enabled(member, rule, enabled)
            return f"Rule #{rule} is now {'enabled' if enabled else 'disabled'}."
        if action == "remove_rule":
            rule = _number(first(form, "rule"), "rule") or 0
            return f"Rule #{rule} {await editor.remove_rule(member, rule)} deleted."
        if action in ("add_action", "edit_action"):
            severity = _number(first(form, "severity"), "severity") or 1
            duration = first(form, "duration") or None
            role = picked_role(guild, first(form, "role"))
            if action == "add_action":
                made = await editor.add_action(member, type=first(form, "type"), severity=severity,
                                               duration=duration, role=role, keep_message=ticked(form, "keep_message"))
                return f"Action #{made} ({first(form, 'type')}, severity {severity}) added."
            target = _number(first(form, "id"), "action") or 0
            await editor.edit_action(member, target, type=first(form, "type") or None, severity=severity,
                                     duration=duration, role=role)
            return f"Action #{target} updated."
        if action == "remove_action":
            target = _number(first(form, "id"), "action") or 0
            await editor.remove_action(member, target)
            return f"Action #{target} deleted."
        raise BadInput("This form does not say what to change. Reload the page and try again.")

    async def _rule(self, editor: AutomodEditor, member: Any, action: str, form: dict[str, list[str]]) -> str:
        rule_type = first(form, "type")
        options: dict[str, Any] = {
            "words": first(form, "words") if rule_type == "content" else None,
            "pattern": first(form, "pattern") if rule_type == "regex" else None,
            "whole_word": ticked(form, "whole_word") if rule_type == "content" else None,
            "config": first(form, "config") or None, "trial": ticked(form, "trial"),
            "exempt_roles": " ".join(form.get("exempt_roles", [])),
            "exempt_channels": " ".join(form.get("exempt_channels", []))}
        chosen = _number(first(form, "rule_action"), "action")
        if action == "add_rule":
            made = await editor.add_rule(member, name=first(form, "name"), type=rule_type, action=chosen, **options)
            return f"Rule #{made} {first(form, 'name')} ({rule_type}) added."
        rule = _number(first(form, "rule"), "rule") or 0
        name = first(form, "name")
        if not name:
            raise BadInput("A rule's name cannot be empty.")
        await editor.edit_rule(member, rule, name=name, action=chosen, clear_action=chosen is None, **options)
        return f"Rule #{rule} updated."
