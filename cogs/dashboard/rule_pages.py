"""The command permission rules page, `/dashboard/{guild}/permissions`: the server's rules and cooldowns
(`bot.command_rules.of_guild`) in words with names, and forms to add or remove a rule and to set or lift a cooldown,
all through `CommandRules`. A command name is validated exactly as `/config permissions` validates it
(`core.command_lookup`)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import discord
from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from cogs.audit.api import record_change
from cogs.dashboard.contract import UNAVAILABLE, Dashboard, first
from cogs.dashboard.pages import message, page
from core.command_lookup import MAX_COOLDOWN_USES, cooldown_seconds, known_commands, refusable, rule_command
from core.command_rules import EVERY_COMMAND, CommandRules, Rule
from utils.durations import format_duration
from utils.errors import DATABASE_ERRORS, BadInput, UserFacingError

EXAMPLE = "command: tag get, deny, role @Muted"
MENTION = re.compile(r"<(@&|@!?|#)(\d+)>")
DONE = {"added": "Rule saved.", "removed": "Rule removed.", "cooldown": "Cooldown saved.",
        "uncooldown": "Cooldown removed."}


def named(text: str, guild: discord.Guild) -> str:
    """`Rule.describe()` for a web page: mentions as names (@role, #channel, @member), no Markdown backticks."""

    def name_of(found: re.Match[str]) -> str:
        kind, target = found.group(1), int(found.group(2))
        if kind == "@&":
            role = guild.get_role(target)
            return f"@{role.name}" if role else f"deleted role ({target})"
        if kind == "#":
            channel = guild.get_channel(target)
            return f"#{channel.name}" if channel else f"deleted channel ({target})"
        member = guild.get_member(target)
        return f"@{member.display_name}" if member else f"member who left ({target})"

    return MENTION.sub(name_of, text).replace("`", "")


@dataclass(frozen=True)
class RuleRow:
    """One rule as the page shows it."""

    rule: Rule
    words: str


@dataclass(frozen=True)
class CooldownRow:
    """One cooldown as the page shows it."""

    command: str
    words: str


def targets(guild: discord.Guild) -> list[tuple[str, str]]:
    """The choices of a rule's target: everyone, then roles, then channels and categories."""
    choices = [("server", "everyone (server default)")]
    choices += [(f"role:{r.id}", f"@{r.name}") for r in reversed(guild.roles) if not r.is_default()]
    places = [*guild.categories, *guild.text_channels, *guild.voice_channels]
    choices += [(f"channel:{c.id}", f"#{c.name}") for c in places]
    return choices


def chosen_target(guild: discord.Guild, target: str, member: str) -> tuple[str, int]:
    """(kind, id) of the rule's target from the form: a member typed by name or id, else the chosen target."""
    if member:
        if target != "server":
            raise BadInput("Give one target per rule: a role, a channel or a member (or none for everyone).")
        found = guild.get_member(int(member)) if member.isdigit() else guild.get_member_named(member)
        if found is None:
            raise BadInput(f"There is no member {member[:100]} on this server. Give their user name or id.")
        return "member", found.id
    if target == "server":
        return "server", guild.id
    kind, _, raw = target.partition(":")
    target_id = int(raw) if raw.isdigit() else 0
    if (kind == "role" and guild.get_role(target_id)) or (kind == "channel" and guild.get_channel(target_id)):
        return kind, target_id
    raise BadInput("That role or channel is not on this server (any more). Reload the page and pick another.")


class RulePages:
    """GET and POST of the permissions page."""

    def __init__(self, dashboard: Dashboard) -> None:
        self.dashboard = dashboard

    @property
    def rules(self) -> CommandRules:
        return self.dashboard.bot.command_rules

    async def show(self, request: Request, guild_id: str) -> HTMLResponse:
        """The rules and cooldowns, and the forms."""
        checked = await self.dashboard.guild_page(request, guild_id)
        if isinstance(checked, HTMLResponse):
            return checked
        done = DONE.get(request.query_params.get("done", ""))  # only a known notice is shown
        return await self._render(*checked, notice=done)

    async def _render(self, session_id: str, session: Any, member: Any, *, notice: str | None = None,
                      problem: str | None = None, status: int = 200) -> HTMLResponse:
        guild = member.guild
        who = self.dashboard.who(session_id, session)
        try:
            current = await self.rules.of_guild(guild.id)
        except DATABASE_ERRORS:
            return message("Try again later", UNAVAILABLE, status=503, **who)
        shown = [RuleRow(rule, named(rule.describe(), guild))
                 for rule in sorted(current.rules, key=lambda r: (r.command, r.target_type, r.target_id))]
        cooldowns = [CooldownRow(command, f"{'every command' if command == EVERY_COMMAND else '/' + command}: at "
                                 f"most {uses} per {format_duration(per)} per member")
                     for command, (uses, per) in sorted(current.cooldowns.items())]
        commands = sorted(known_commands(self.dashboard.bot.tree).values(), key=str.lower)
        return page("permissions.html", status=status, title=f"Permissions · {guild.name}", guild=guild,
                    section="permissions", rules=shown, cooldowns=cooldowns, commands=commands,
                    targets=targets(guild), notice=notice, problem=problem, max_uses=MAX_COOLDOWN_USES, **who)

    async def change(self, request: Request, guild_id: str) -> Response:
        """Add or remove a rule, set or lift a cooldown (the form's `action`)."""
        posted = await self.dashboard.guild_form(request, guild_id)
        if isinstance(posted, HTMLResponse):
            return posted
        session_id, session, member, form = posted
        action = first(form, "action")
        try:
            if action not in DONE:
                raise BadInput("This form does not say what to change. Reload the page and try again.")
            await self._apply(member, action, form)
        except UserFacingError as exc:
            problem = f"{str(exc).replace('`', '')} Nothing was changed."
            return await self._render(session_id, session, member, status=400, problem=problem)
        except DATABASE_ERRORS:
            return message("Try again later", UNAVAILABLE, status=503, **self.dashboard.who(session_id, session))
        record_change(self.dashboard.bot, member, "permissions")
        return RedirectResponse(f"/dashboard/{member.guild.id}/permissions?done={action}", status_code=303)

    async def _apply(self, member: discord.Member, action: str, form: dict[str, list[str]]) -> None:
        guild = member.guild
        name = rule_command(self.dashboard.bot.tree, first(form, "command"), example=EXAMPLE)
        if action == "added":
            refusable(name)
            kind, target_id = chosen_target(guild, first(form, "target"), first(form, "member"))
            allow = first(form, "allow") == "allow"
            await self.rules.set_rule(guild.id, name, kind, target_id, allow, by=member.id)
        elif action == "removed":
            kind, raw = first(form, "target_type"), first(form, "target_id")
            if not raw.isdigit() or not await self.rules.remove_rule(guild.id, name, kind, int(raw)):
                raise BadInput("That rule is not there any more (someone removed it meanwhile).")
        elif action == "cooldown":
            uses = first(form, "uses")
            if not uses.isdigit() or not 1 <= int(uses) <= MAX_COOLDOWN_USES:
                raise BadInput(f"Uses must be a whole number from 1 to {MAX_COOLDOWN_USES}.")
            seconds = cooldown_seconds(first(form, "per"), example="30s, 10m or 1h")
            await self.rules.set_cooldown(guild.id, name, int(uses), seconds, by=member.id)
        elif not await self.rules.remove_cooldown(guild.id, name):
            raise BadInput("That cooldown is not there any more (someone removed it meanwhile).")
