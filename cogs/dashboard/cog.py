"""The web dashboard: Discord login, the servers a user manages, and their settings page.

Served by the bot's own HTTP API (core/http_api.py) under `/dashboard/` when DASHBOARD_ENABLED is set and the
OAuth2 client is configured (`Settings.dashboard_missing`). The server pages are registered in routes.py. Routes:

- `GET /dashboard/login` → Discord's authorize URL (scopes `identify guilds`) with a random `state`, bound to the
  browser by a signed cookie; `GET /dashboard/callback` checks it, exchanges the code, reads the user (the token
  is then dropped) and starts a server-side session (`dashboard_sessions`, the id stored hashed).
- `POST /dashboard/logout` (CSRF token) deletes the session.
- `GET /dashboard/` lists the servers the user manages NOW (cogs/dashboard/access.py, checked on every request).
- `GET|POST /dashboard/{guild_id}/settings`: every setting of the registry, a form each; a change goes through
  `set_checked` (the validation and role safety of `/config set`) and lands in settings_history as 'dashboard'.
- `GET|POST /dashboard/{guild_id}/levels` (levels_page.py): welcome and levels settings, level roles, multipliers,
  the leaderboard; its settings forms post to the settings handler with `back=levels` and come back there.
- `GET|POST /dashboard/{guild_id}/me` (member_page.py): any member's own page (rank, premium, data requests).
- `GET|POST /dashboard/{guild_id}/modules` (module_pages.py), `GET|POST /dashboard/{guild_id}/permissions`
  (rule_pages.py), `GET /dashboard/{guild_id}/audit` (audit_page.py): module switches, command rules and
  cooldowns, the audit log. Every change made here is also recorded by the audit tracker
  (`cogs.audit.api.record_change`).
- `GET|POST /dashboard/{guild_id}/history` (history_page.py): the settings history with a Rollback button each,
  through `rollback_checked`, the code path of `/config rollback`.
- `GET|POST /dashboard/{guild_id}/api-keys` (key_pages.py): the server's API keys, created (shown once) and revoked
  through the api cog's `ApiKeysApi`, as `/config api_key` does.
- The feature editors, each through its feature's public API (the code of its slash commands):
  `/dashboard/{guild_id}/commands` (command_pages.py, `CustomCommandsApi`), `…/tags` (tag_pages.py, `TagsApi`),
  `…/automod` (automod_pages.py, `AutomodApi.editor`), `…/onboarding` (onboarding_pages.py,
  `OnboardingApi.editor`), `…/role-menus` (role_menu_pages.py, `RolesApi.menus`).
"""

from __future__ import annotations

import functools
import logging
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from cogs.audit.api import record_change
from cogs.dashboard import repo
from cogs.dashboard.access import is_remote, manager, member_guilds, member_now
from cogs.dashboard.contract import EXPIRED_FORM, PostedForm
from cogs.dashboard.oauth import LoginFailed, OAuthClient
from cogs.dashboard.pages import PageRoute, favicon, message, page, stylesheet
from cogs.dashboard.remote import REMOTE_CHECKS_PER_MINUTE, DiscordUnavailable
from cogs.dashboard.routes import add_server_pages
from cogs.dashboard.security import (
    SESSION_COOKIE,
    SESSION_LIFETIME,
    STATE_COOKIE,
    STATE_LIFETIME,
    Signer,
    clear_cookie,
    hashed,
    new_secret,
    set_cookie,
)
from cogs.dashboard.setting_forms import readable, rows, submitted_value
from cogs.dashboard.settings import DASHBOARD_MANAGER_ROLE, SETTINGS
from core.cog_base import HearthCog
from core.guild_kit import post_to_log
from core.http_api import Routes
from core.setting_values import already_stored, set_checked
from core.settings_registry import InvalidSettingValue
from utils.cooldowns import Cooldown, OnCooldown
from utils.errors import DATABASE_ERRORS, UserFacingError

log = logging.getLogger(__name__)

LOGINS_PER_MINUTE = 20  # code exchanges per client address (each is three requests to Discord)
SESSIONS_PER_USER = 10  # a user's newest sessions; logging in an 11th browser logs the oldest out
UNAVAILABLE = "The dashboard's database is temporarily unavailable. Please try again in a minute."
NOT_YOURS = ("You cannot manage this server here: the bot must be in it and you need Manage Server there "
             "(as its owner, an administrator or through a role), or the server's dashboard role.")
DISCORD_DOWN = ("This server is held by another of the bot's processes, and Discord did not answer when I asked "
                "who you are there. Try again in a minute.")
ROLE_SETTING = ("Only members with Manage Server may choose the dashboard role (dashboard.manager_role). "
                "Nothing was changed.")
NOT_MEMBER = "This page is for members of this server: the bot must be in it and you must be a member there now."


class DashboardCog(HearthCog, name="Dashboard"):
    """The web dashboard (login, server list, settings)."""

    pool_size = 1  # one indexed session lookup per page; logins and logouts write one row
    settings = SETTINGS

    def __init__(self, bot: Any) -> None:
        super().__init__(bot)
        config = bot.config
        self.enabled = config.dashboard_enabled and not config.dashboard_missing()
        self.router = Routes(route_class=PageRoute)
        if not self.enabled:
            return
        base = config.public_url
        secret = config.discord_client_secret.get_secret_value()
        self.secure = base.startswith("https://")
        self.signer = Signer(secret)
        self.logins = Cooldown(LOGINS_PER_MINUTE, 60, bot.clock, what="logins")
        self.remote_checks = Cooldown(REMOTE_CHECKS_PER_MINUTE, 60, bot.clock,
                                      what="pages of servers held by other bot processes")
        self.oauth = OAuthClient(config.discord_api_base, config.discord_client_id, secret,
                                 f"{base}/dashboard/callback")
        add = functools.partial(self.router.add_api_route, include_in_schema=False, response_model=None)
        add("/dashboard/", self.index, methods=["GET"])
        add("/dashboard/static/dashboard.css", self.css, methods=["GET"])
        add("/dashboard/static/favicon.svg", self.icon, methods=["GET"])
        add("/dashboard/login", self.login, methods=["GET"])
        add("/dashboard/callback", self.callback, methods=["GET"])
        add("/dashboard/logout", self.logout, methods=["POST"])
        add("/dashboard/{guild_id}/settings", self.settings_page, methods=["GET"])
        add("/dashboard/{guild_id}/settings", self.change_setting, methods=["POST"])
        self.levels = add_server_pages(self, add)

    async def load(self) -> None:
        config = self.bot.config
        if config.dashboard_enabled and not self.enabled:
            log.warning("Dashboard: DASHBOARD_ENABLED is set but %s missing; the dashboard is off",
                        ", ".join(config.dashboard_missing()))
        if self.enabled:
            self.bot.api.include(self.router)
            self.bot.api.limit_body("/dashboard/logout", 4096)

    async def unload(self) -> None:
        self.bot.api.remove(self.router)

    # --- sessions -----------------------------------------------------------------------------------------

    async def _session(self, request: Request) -> tuple[str, repo.Session] | None:
        """The browser's live session (its id and row), or None; database errors propagate."""
        session_id = request.cookies.get(SESSION_COOKIE)
        if not session_id or len(session_id) > 100:
            return None
        found = await repo.find(self.pool, hashed(session_id), self.bot.clock.now())
        return None if found is None else (session_id, found)

    def who(self, session_id: str, session: repo.Session) -> dict[str, Any]:
        return {"user": session, "csrf": self.signer.csrf_token(session_id)}

    async def form_checked(self, request: Request, session_id: str) -> dict[str, list[str]] | None:
        """The POSTed form when its CSRF token is this session's, else None."""
        form = await request.form()
        token = form.get("csrf")
        if not self.signer.csrf_ok(session_id, token if isinstance(token, str) else None):
            return None
        return {key: [v for v in form.getlist(key) if isinstance(v, str)] for key in form}

    async def guild_form(self, request: Request, guild_id: str) -> PostedForm | HTMLResponse:
        """(session id, session, member, form) of a form POSTed to a page of a guild the user may manage now, with
        this session's CSRF token; else the page to answer (login, 403, or the expired-form refusal)."""
        checked = await self.guild_page(request, guild_id)
        if isinstance(checked, HTMLResponse):
            return checked
        session_id, session, member = checked
        form = await self.form_checked(request, session_id)
        if form is None:
            return message("Refused", EXPIRED_FORM, status=403, **self.who(session_id, session))
        return session_id, session, member, form

    # --- login and logout ---------------------------------------------------------------------------------

    async def css(self) -> Response:
        """The stylesheet."""
        return stylesheet()

    async def icon(self) -> Response:
        """The icon."""
        return favicon()

    async def login(self) -> Response:
        """Send the browser to Discord to approve the login, remembering the `state` in a signed cookie."""
        state = new_secret()
        response = RedirectResponse(self.oauth.authorize_url(state), status_code=303)
        set_cookie(response, STATE_COOKIE, self.signer.state_cookie(state, self.bot.clock.now()), STATE_LIFETIME,
                   secure=self.secure)
        return response

    async def callback(self, request: Request, code: str | None = None, state: str | None = None,
                       error: str | None = None) -> Response:
        """Discord sent the browser back: check `state`, read who it is, start a session."""
        now = self.bot.clock.now()
        if not self.signer.state_matches(request.cookies.get(STATE_COOKIE), state, now):
            answer = message("Login refused", "This login did not start in this browser, or took longer than 10 "
                             "minutes. Start again from the login button.", status=400, login_link=True)
        elif error or not code:
            answer = message("Login cancelled", "Discord did not confirm the login (it was cancelled). You can "
                             "try again.", status=400, login_link=True)
        else:
            try:
                # Each try costs three calls to Discord for the bot's OAuth2 client: bounded per address.
                self.logins.hit(request.client.host if request.client else "?")
                identity = await self.oauth.login_identity(code)
                session_id = new_secret()
                previous = request.cookies.get(SESSION_COOKIE)
                async with self.pool.acquire() as conn, conn.transaction():
                    await repo.purge_expired(conn, now)
                    if previous:  # this browser's earlier session ends: one session per browser
                        await repo.delete(conn, hashed(previous))
                    await repo.create(conn, hashed(session_id), identity.user_id, identity.name, now,
                                      now + SESSION_LIFETIME, identity.guild_ids)
                    await repo.trim(conn, identity.user_id, SESSIONS_PER_USER)
            except LoginFailed as exc:
                answer = message("Login failed", str(exc), status=400, login_link=True)
            except OnCooldown as exc:
                answer = message("Too many logins", str(exc).replace("doing logins", "logging in"), status=429)
            except DATABASE_ERRORS:
                answer = message("Try again later", UNAVAILABLE, status=503)
            else:
                answer = RedirectResponse("/dashboard/", status_code=303)
                set_cookie(answer, SESSION_COOKIE, session_id, SESSION_LIFETIME, secure=self.secure)
        clear_cookie(answer, STATE_COOKIE, secure=self.secure)  # a state is good for one try
        return answer

    async def logout(self, request: Request) -> Response:
        """End the session (the form's CSRF token must be the session's)."""
        try:
            found = await self._session(request)
            if found is None:
                answer: Response = RedirectResponse("/dashboard/", status_code=303)
            elif await self.form_checked(request, found[0]) is None:
                return message("Refused", "This form has expired; reload the page and try again.", status=403,
                               **self.who(*found))
            else:
                await repo.delete(self.pool, hashed(found[0]))
                answer = RedirectResponse("/dashboard/", status_code=303)
        except DATABASE_ERRORS:
            return message("Try again later", UNAVAILABLE, status=503)
        clear_cookie(answer, SESSION_COOKIE, secure=self.secure)
        return answer

    # --- pages --------------------------------------------------------------------------------------------

    async def index(self, request: Request) -> HTMLResponse:
        """The servers the user manages now (or the login page)."""
        try:
            found = await self._session(request)
        except DATABASE_ERRORS:
            return message("Try again later", UNAVAILABLE, status=503)
        if found is None:
            return page("login.html", title="Log in")
        try:
            servers = await member_guilds(self.bot, found[1].user_id, found[1].guild_ids,
                                          limiter=self.remote_checks)
        except DATABASE_ERRORS:
            return message("Try again later", UNAVAILABLE, status=503, **self.who(*found))
        return page("index.html", title="Your servers", servers=servers, **self.who(*found))

    async def guild_page(self, request: Request, guild_id: str) -> tuple[Any, Any, Any] | HTMLResponse:
        """(session id, session, member) when the user may manage this guild now, else the page to answer."""
        return await self._checked_member(request, guild_id, manager, "Log in with Discord to manage your servers.",
                                          ("Not yours to manage", NOT_YOURS))

    async def member_page(self, request: Request, guild_id: str) -> tuple[Any, Any, Any] | HTMLResponse:
        """(session id, session, member) when the user is a member of this guild now, else the page to answer.
        Whose page it is comes from the session only (never from the URL or a form)."""
        return await self._checked_member(request, guild_id, member_now, "Log in with Discord to see your page.",
                                          ("Not a member", NOT_MEMBER))

    async def _checked_member(self, request: Request, guild_id: str, lookup: Any, log_in: str,
                              refused: tuple[str, str]) -> tuple[Any, Any, Any] | HTMLResponse:
        """The session's user as a member of the guild, checked now by `lookup` (`manager` or `member_now`), or the
        page that says why not (not logged in, refused, the database or Discord unavailable, too many checks)."""
        try:
            found = await self._session(request)
        except DATABASE_ERRORS:
            return message("Try again later", UNAVAILABLE, status=503)
        if found is None:
            return message("Log in first", log_in, status=401, login_link=True)
        try:
            member = (await lookup(self.bot, int(guild_id), found[1].user_id, limiter=self.remote_checks)
                      if guild_id.isdigit() else None)
        except DATABASE_ERRORS:
            return message("Try again later", UNAVAILABLE, status=503, **self.who(*found))
        except DiscordUnavailable:
            return message("Try again later", DISCORD_DOWN, status=503, **self.who(*found))
        except OnCooldown as exc:
            return message("Slow down", str(exc), status=429, **self.who(*found))
        if member is None:
            return message(*refused, status=403, **self.who(*found))
        return found[0], found[1], member

    async def settings_page(self, request: Request, guild_id: str) -> HTMLResponse:
        """Every setting of the server with its description, value and default, a form each."""
        checked = await self.guild_page(request, guild_id)
        if isinstance(checked, HTMLResponse):
            return checked
        session_id, session, member = checked
        changed = request.query_params.get("changed", "")  # only a real setting's name is echoed back
        known = any(spec.qualified == changed for spec in self.bot.settings_registry.all())
        return await self._render_settings(session_id, session, member,
                                           notice=f"Saved: {changed}." if known else None)

    async def _render_settings(self, session_id: str, session: repo.Session, member: Any, *, notice: str | None = None,
                               problem: str | None = None, status: int = 200) -> HTMLResponse:
        try:
            stored = await self.bot.guild_settings.stored(member.guild.id)
        except DATABASE_ERRORS:
            return message("Try again later", UNAVAILABLE, status=503)
        grouped = rows(self.bot.settings_registry.all(), member.guild, stored)
        return page("settings.html", status=status, title=f"Settings · {member.guild.name}", guild=member.guild,
                    section="settings", scopes=grouped, notice=notice, problem=problem,
                    remote=is_remote(self.bot, member.guild),
                    **self.who(session_id, session))

    async def change_setting(self, request: Request, guild_id: str) -> Response:
        """One setting's form: through `set_checked` as the member, recorded as a 'dashboard' change."""
        checked = await self.guild_page(request, guild_id)
        if isinstance(checked, HTMLResponse):
            return checked
        session_id, session, member = checked
        form = await self.form_checked(request, session_id)
        if form is None:
            return message("Refused", "This form has expired or did not come from this dashboard; reload the page "
                           "and try again. Nothing was changed.", status=403, **self.who(session_id, session))
        scope, key = (form.get("scope") or [""])[0], (form.get("key") or [""])[0]
        # A settings form of another page (the levels page) comes back to it; the change is the same.
        back = "levels" if (form.get("back") or [""])[0] == "levels" else "settings"
        render = self.levels.render if back == "levels" else self._render_settings
        spec = self.bot.settings_registry.get(scope, key)
        if spec is None:
            return await render(session_id, session, member, status=400,
                                problem=f"There is no setting {scope}.{key}. Nothing was changed.")
        if spec.qualified == DASHBOARD_MANAGER_ROLE.qualified and not member.guild_permissions.manage_guild:
            return await render(session_id, session, member, status=403, problem=ROLE_SETTING)
        try:
            value = submitted_value(spec, form.get("value", []))
            if await self._unchanged(member, spec, value):
                return await render(session_id, session, member, notice=f"{spec.qualified} already "
                                    f"is {readable(spec, member.guild, value)}; nothing changed")
            changes = await set_checked(self.bot, member.guild, member, scope, {key: value}, change_type="dashboard")
        except (InvalidSettingValue, UserFacingError) as exc:
            problem = str(exc).replace("`", "")
            return await render(session_id, session, member, status=400, problem=problem)
        except DATABASE_ERRORS:
            return message("Try again later", UNAVAILABLE, status=503, **self.who(session_id, session))
        record_change(self.bot, member, back)
        old = changes[0].old if changes else None
        summary = (f"{spec.qualified}: {readable(spec, member.guild, spec.default if old is None else old)} → "
                   f"{readable(spec, member.guild, value)}")
        problem = await post_to_log(self.bot, member.guild, content=f"⚙️ {member.mention} changed a setting on the "
                                    f"dashboard: {summary}"[:2000])
        if problem:
            log.info("Dashboard: change in guild %s not noted in its log channel: %s", member.guild.id, problem)
        return RedirectResponse(f"/dashboard/{member.guild.id}/{back}?changed={spec.qualified}#{spec.qualified}",
                                status_code=303)

    async def _unchanged(self, member: Any, spec: Any, value: Any) -> bool:
        """The same value is stored already (as /config set: see `already_stored`)."""
        return await already_stored(self.bot.guild_settings, member.guild.id, spec, value, member.id)
