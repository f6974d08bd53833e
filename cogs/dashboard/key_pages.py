"""The API keys page, `/dashboard/{guild}/api-keys`: the server's keys (name, prefix, scope, creator, created, last
used, revoked), a form creating one and a Revoke button each, all through the api cog's `ApiKeysApi` (the code
`/config api_key create|revoke` runs, with its checks and log-channel line).

A new key is shown once, on the answer page to the creating form (a 200 page, never a redirect whose URL would
carry it, never logged, `Cache-Control: no-store` as every page); afterwards only its prefix is ever shown. A key
is revoked by its id, looked up among THIS server's keys only, so another server's key id is refused."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import discord
from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from cogs.api.api import ApiKeysApi
from cogs.audit.api import record_change
from cogs.dashboard.contract import UNAVAILABLE, Dashboard, first
from cogs.dashboard.pages import message, page
from core.api_keys import ApiKey
from utils.errors import DATABASE_ERRORS, UserFacingError

NO_API = "API keys are not available on this bot right now (its api cog is not loaded)."


@dataclass(frozen=True)
class KeyRow:
    """One key as the page shows it."""

    key: ApiKey
    creator: str
    created: str
    last_used: str
    revoked: str


def _when(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC") if moment else ""


def key_row(key: ApiKey, guild: discord.Guild) -> KeyRow:
    """The page row of a key, its creator by name when they are still a member."""
    member = guild.get_member(key.created_by) if key.created_by else None
    creator = (f"@{member.display_name}" if member else
               f"user {key.created_by} (not on the server)" if key.created_by else "someone (erased)")
    return KeyRow(key, creator, _when(key.created_at), _when(key.last_used_at) or "never", _when(key.revoked_at))


class KeyPages:
    """GET and POST of the API keys page."""

    def __init__(self, dashboard: Dashboard) -> None:
        self.dashboard = dashboard

    def _api(self) -> ApiKeysApi | None:
        return self.dashboard.bot.apis.get(ApiKeysApi)

    async def show(self, request: Request, guild_id: str) -> HTMLResponse:
        """The keys and the create form."""
        checked = await self.dashboard.guild_page(request, guild_id)
        if isinstance(checked, HTMLResponse):
            return checked
        done = "The key was revoked: requests with it are refused from now on." \
            if request.query_params.get("done") == "revoked" else None
        return await self._render(*checked, notice=done)

    async def _render(self, session_id: str, session: Any, member: Any, *, notice: str | None = None,
                      problem: str | None = None, status: int = 200, created: Any = None) -> HTMLResponse:
        who = self.dashboard.who(session_id, session)
        api = self._api()
        if api is None:
            return message("Not available", NO_API, status=503, **who)
        try:
            keys = await api.of_guild(member.guild.id)
        except DATABASE_ERRORS:
            return message("Try again later", UNAVAILABLE, status=503, **who)
        return page("api_keys.html", status=status, title=f"API keys · {member.guild.name}", guild=member.guild,
                    section="api-keys", keys=[key_row(key, member.guild) for key in keys], created=created,
                    notice=notice, problem=problem, **who)

    async def change(self, request: Request, guild_id: str) -> Response:
        """Create a key (shown once on the answer page) or revoke one (the form's `action`)."""
        posted = await self.dashboard.guild_form(request, guild_id)
        if isinstance(posted, HTMLResponse):
            return posted
        session_id, session, member, form = posted
        api = self._api()
        if api is None:
            return message("Not available", NO_API, status=503, **self.dashboard.who(session_id, session))
        action = first(form, "action")
        try:
            if action == "create":
                created = await api.create(member.guild, member, first(form, "name"), first(form, "scope"))
            elif action == "revoke":
                key = await self._own_key(api, member.guild, first(form, "key_id"))
                if key is None:
                    return await self._render(session_id, session, member, status=400, problem="There is no such "
                                              "active API key on this server (it may be revoked already). Nothing "
                                              "was changed.")
                await api.revoke(member.guild, member, key.prefix)
            else:
                return await self._render(session_id, session, member, status=400, problem="This form does not say "
                                          "what to change. Reload the page and try again.")
        except UserFacingError as exc:
            problem = f"{str(exc).replace('`', '')} Nothing was changed."
            return await self._render(session_id, session, member, status=400, problem=problem)
        except DATABASE_ERRORS:
            return message("Try again later", UNAVAILABLE, status=503, **self.dashboard.who(session_id, session))
        record_change(self.dashboard.bot, member, "api-keys")
        if action == "revoke":
            return RedirectResponse(f"/dashboard/{member.guild.id}/api-keys?done=revoked", status_code=303)
        # The one time the key is shown: in this page's body only.
        return await self._render(session_id, session, member, created=created,
                                  notice=f"Created the {created.key.scope} key {created.key.name}.")

    @staticmethod
    async def _own_key(api: ApiKeysApi, guild: discord.Guild, raw: str) -> ApiKey | None:
        """The active key of THIS server with that id (None for another server's id, a revoked key, garbage)."""
        if not raw.isdigit():
            return None
        return next((key for key in await api.active(guild.id) if key.id == int(raw)), None)
