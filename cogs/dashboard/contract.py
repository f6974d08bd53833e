"""What the dashboard's page modules use of the dashboard cog (the session and access check of a server's page, the
CSRF-checked form, the page context of the logged-in user), and what they share: the words of their refusals, the
roles a form offers and picks, and `GuildPage`, the GET of a page that renders for a manager."""

from __future__ import annotations

from typing import Any, Protocol

import discord
from fastapi import Request
from fastapi.responses import HTMLResponse

from utils.errors import BadInput

# (session id, session, member, form): a form POSTed by a manager with this session's CSRF token.
PostedForm = tuple[str, Any, Any, dict[str, list[str]]]
UNAVAILABLE = "The database is temporarily unavailable. Please try again in a minute."
EXPIRED_FORM = ("This form has expired or did not come from this dashboard; reload the page and try again. "
                "Nothing was changed.")


class Dashboard(Protocol):
    """The dashboard cog, as its page modules see it."""

    bot: Any

    async def guild_page(self, request: Request, guild_id: str) -> tuple[Any, Any, Any] | HTMLResponse:
        """(session id, session, member) when the user may manage this guild now, else the page to answer."""

    async def member_page(self, request: Request, guild_id: str) -> tuple[Any, Any, Any] | HTMLResponse:
        """(session id, session, member) when the user is a member of this guild now, else the page to answer."""

    async def form_checked(self, request: Request, session_id: str) -> dict[str, list[str]] | None:
        """The POSTed form when its CSRF token is this session's, else None."""

    async def guild_form(self, request: Request, guild_id: str) -> PostedForm | HTMLResponse:
        """(session id, session, member, form) of a manager's form with this session's CSRF token, else the page to
        answer."""

    def who(self, session_id: str, session: Any) -> dict[str, Any]:
        """The page context of the logged-in user (their session and CSRF token)."""


def first(form: dict[str, list[str]], key: str) -> str:
    """A form field's first value, stripped ("" when absent)."""
    return (form.get(key) or [""])[0].strip()


def ticked(form: dict[str, list[str]], key: str) -> bool:
    """A checkbox: present (and "on") when ticked."""
    return first(form, key) in ("on", "true", "1")


def refused_text(exc: Exception) -> str:
    """A feature's human refusal for a web page: its words without Discord's Markdown (backticks, bold, escapes),
    and the reassurance that nothing changed."""
    return f"{str(exc).replace('`', '').replace('**', '').replace(chr(92), '')} Nothing was changed."


async def module_off(bot: Any, guild_id: int, name: str) -> str | None:
    """What an editor page says when the feature's module is off in the guild (its changes are then refused, as its
    commands are), else None."""
    module = bot.modules.get(name)
    if module is None or await bot.modules.is_on(guild_id, module):
        return None
    return (f"{module.label} is turned off on this server: nothing can be changed here until it is on again "
            "(Modules page, or /config modules).")


def assignable_roles(guild: discord.Guild) -> list[discord.Role]:
    """The roles a form offers, highest first: not @everyone, not a bot's or integration's managed role."""
    return [role for role in reversed(guild.roles) if not role.is_default() and not role.managed]


def picked_role(guild: discord.Guild, raw: str) -> discord.Role | None:
    """The role a form's select picked (None when none was); a role no longer on the server is refused."""
    if not raw:
        return None
    role = guild.get_role(int(raw)) if raw.isdigit() and len(raw) <= 20 else None
    if role is None or role.is_default():
        raise BadInput("That role is not on this server (any more). Reload the page and pick another.")
    return role


class GuildPage:
    """A page of a server for its managers: GET checks the user may manage the server now, then renders the page
    (`_page`, given the request, session id, session and member; by default `_render` without the request)."""

    def __init__(self, dashboard: Dashboard) -> None:
        self.dashboard = dashboard

    async def show(self, request: Request, guild_id: str) -> HTMLResponse:
        """The page, when the user may manage the server now."""
        checked = await self.dashboard.guild_page(request, guild_id)
        if isinstance(checked, HTMLResponse):
            return checked
        return await self._page(request, *checked)

    async def _page(self, request: Request, session_id: str, session: Any, member: Any) -> HTMLResponse:
        return await self._render(session_id, session, member)

    async def _render(self, session_id: str, session: Any, member: Any) -> HTMLResponse:
        raise NotImplementedError


def page_number(request: Request, last: int) -> int:
    """The `page` query parameter: a number from 1 to `last`, 1 when missing or not a number."""
    raw = request.query_params.get("page", "1")
    return min(int(raw), last) if raw.isdigit() and int(raw) > 0 else 1
