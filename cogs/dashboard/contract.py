"""What the dashboard's page modules (modules, permissions, audit) use of the dashboard cog: the session and access
check of a server's page, the CSRF-checked form, and the page context of the logged-in user."""

from __future__ import annotations

from typing import Any, Protocol

from fastapi import Request
from fastapi.responses import HTMLResponse

# (session id, session, member, form): a form POSTed by a manager with this session's CSRF token.
PostedForm = tuple[str, Any, Any, dict[str, list[str]]]
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


def refused_text(exc: Exception) -> str:
    """A feature's human refusal for a web page: its words without Discord's Markdown (backticks, bold), and the
    reassurance that nothing changed."""
    return f"{str(exc).replace('`', '').replace('**', '')} Nothing was changed."


async def module_off(bot: Any, guild_id: int, name: str) -> str | None:
    """What an editor page says when the feature's module is off in the guild (its changes are then refused, as its
    commands are), else None."""
    module = bot.modules.get(name)
    if module is None or await bot.modules.is_on(guild_id, module):
        return None
    return (f"{module.label} is turned off on this server: nothing can be changed here until it is on again "
            "(Modules page, or /config modules).")
