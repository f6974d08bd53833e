"""The welcome and levels page, `/dashboard/{guild}/levels` (managers): the `welcome` and `levels` settings (their
forms post to the settings page's handler, `set_checked` as the member, and come back here), the level roles and
XP multipliers (changed through `LevelsApi`, the code path of `/config levels role_add|role_remove|multiplier|
noxp`: role safety against the member), and the leaderboard of `/levels`, paged, with names."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import discord
from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from cogs.audit.api import record_change
from cogs.dashboard.access import is_remote
from cogs.dashboard.contract import UNAVAILABLE, GuildPage, assignable_roles, first, page_number, picked_role
from cogs.dashboard.pages import message, page
from cogs.dashboard.rule_pages import named
from cogs.dashboard.setting_forms import rows
from cogs.levels.api import LevelsApi
from utils.errors import DATABASE_ERRORS, BadInput, UserFacingError

SCOPES = ("welcome", "levels")
BOARD_SIZE = 20
BOARD_MAX_PAGE = 1000  # the furthest leaderboard page a link may ask for
DONE = {"role_add": "Level role saved.", "role_remove": "Level role removed.", "multiplier": "Multiplier saved."}


@dataclass(frozen=True)
class RoleRow:
    """A level role as the page shows it."""

    level: int
    role_id: int
    name: str
    set_by: str


@dataclass(frozen=True)
class MultiplierRow:
    """A multiplier as the page shows it (0 = no XP)."""

    kind: str
    target_id: int
    name: str
    value: float


@dataclass(frozen=True)
class BoardRow:
    """A leaderboard line."""

    rank: int
    name: str
    level: int
    xp: int


def member_name(guild: discord.Guild, user_id: int | None, remote: bool = False) -> str:
    """A member's display name, "a member who left" or "nobody" (on a server held by another process, whose
    members this process does not know: "name not known here")."""
    if user_id is None:
        return "nobody (imported)"
    found = guild.get_member(user_id)
    if found is not None:
        return found.display_name
    return "name not known here" if remote else "a member who left"


class LevelsPage(GuildPage):
    """GET and POST of the welcome and levels page."""

    @property
    def bot(self) -> Any:
        return self.dashboard.bot

    async def _page(self, request: Request, session_id: str, session: Any, member: Any) -> HTMLResponse:
        """Settings, level roles, multipliers and the leaderboard."""
        changed = request.query_params.get("changed", "")
        notice = DONE.get(request.query_params.get("done", ""))
        if any(spec.qualified == changed for spec in self._specs()):  # only a real setting's name is echoed
            notice = f"Saved: {changed}."
        return await self.render(session_id, session, member, notice=notice,
                                 board_page=page_number(request, BOARD_MAX_PAGE))

    def _specs(self) -> list[Any]:
        return [spec for spec in self.bot.settings_registry.all() if spec.scope in SCOPES]

    async def render(self, session_id: str, session: Any, member: Any, *, notice: str | None = None,
                     problem: str | None = None, status: int = 200, board_page: int = 1) -> HTMLResponse:
        """The page (also the answer to a refused settings form of this page)."""
        guild = member.guild
        who = self.dashboard.who(session_id, session)
        levels = self.bot.apis.get(LevelsApi)
        remote = is_remote(self.bot, guild)
        try:
            stored = await self.bot.guild_settings.stored(guild.id)
            settings = rows(self._specs(), guild, stored)
            roles, multipliers, board = [], [], None
            if levels is not None:
                rules = await levels.rules(guild.id)
                roles = [RoleRow(r.level, r.role_id, named(f"<@&{r.role_id}>", guild),
                                 member_name(guild, r.set_by, remote)) for r in rules.roles]
                multipliers = [MultiplierRow("channel", i, named(f"<#{i}>", guild), v)
                               for i, v in rules.channels.items()]
                multipliers += [MultiplierRow("role", i, named(f"<@&{i}>", guild), v)
                                for i, v in rules.member_roles.items()]
                found = await levels.leaderboard(guild.id, board_page, BOARD_SIZE)
                board = (found, [BoardRow(rank, member_name(guild, user_id, remote), level, xp)
                                 for rank, user_id, xp, level in found.entries])
        except DATABASE_ERRORS:
            return message("Try again later", UNAVAILABLE, status=503, **who)
        grantable = assignable_roles(guild)
        places = [*guild.categories, *guild.text_channels, *guild.voice_channels]
        return page("levels.html", status=status, title=f"Welcome and levels · {guild.name}", guild=guild,
                    section="levels", scopes=settings, levels_loaded=levels is not None, roles=roles,
                    multipliers=multipliers, board=board, grantable=grantable, places=places, notice=notice,
                    problem=problem, remote=remote, **who)

    async def change(self, request: Request, guild_id: str) -> Response:
        """Add or remove a level role, set a multiplier (the form's `action`)."""
        posted = await self.dashboard.guild_form(request, guild_id)
        if isinstance(posted, HTMLResponse):
            return posted
        session_id, session, member, form = posted
        action = first(form, "action")
        try:
            levels = self.bot.apis.get(LevelsApi)
            if levels is None:
                raise UserFacingError("Levels are not available on this bot right now.")
            if action not in DONE:
                raise BadInput("This form does not say what to change. Reload the page and try again.")
            await self._apply(levels, member, action, form)
        except UserFacingError as exc:
            problem = f"{named(str(exc), member.guild).replace('*', '')} Nothing was changed."
            return await self.render(session_id, session, member, status=400, problem=problem)
        except DATABASE_ERRORS:
            return message("Try again later", UNAVAILABLE, status=503, **self.dashboard.who(session_id, session))
        record_change(self.bot, member, "levels")
        return RedirectResponse(f"/dashboard/{member.guild.id}/levels?done={action}", status_code=303)

    async def _apply(self, levels: LevelsApi, member: discord.Member, action: str, form: dict[str, list[str]]) -> None:
        guild = member.guild
        if action == "role_add":
            level, role = first(form, "level"), picked_role(guild, first(form, "role"))
            if role is None:
                raise BadInput("Pick the role members get at that level.")
            if not level.isdigit():
                raise BadInput("The level must be a whole number from 1 to 1000.")
            await levels.add_level_role(member, int(level), role)
        elif action == "role_remove":
            raw = first(form, "role")
            role_id = int(raw) if raw.isdigit() else 0
            await levels.remove_level_role(guild, role_id, f"<@&{role_id}>")
        else:
            kind, _, raw = first(form, "target").partition(":")
            target_id = int(raw) if raw.isdigit() else 0
            if kind == "role" and guild.get_role(target_id) is not None and target_id != guild.id:
                mention = f"<@&{target_id}>"
            elif kind == "channel" and guild.get_channel(target_id) is not None:
                mention = f"<#{target_id}>"
            else:
                raise BadInput("That role or channel is not on this server (any more). Reload the page and pick "
                               "another.")
            try:
                value = float(first(form, "value").replace(",", "."))
            except ValueError:
                raise BadInput("The multiplier is a number: 0 (no XP), 1 (normal), 2 (double) … up to 10.") from None
            await levels.set_multiplier(guild, kind, target_id, mention, value)

