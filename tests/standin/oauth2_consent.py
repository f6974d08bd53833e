"""Discord's OAuth2 consent page, served over HTTP for a real browser (https://discord.com/developers/docs/topics/
oauth2#authorization-code-grant).

`GET /oauth2/authorize?response_type=code&client_id=…&scope=…&state=…&redirect_uri=…` (also under `/api/v10`,
which Discord serves too) shows, to the user the browser is signed in to Discord as (the `SIGNED_IN_COOKIE` set
from `world.oauth2.sign_in(user)`), which application asks for what, where the browser will be sent, and two
buttons. "Authorize" posts the form back; the answer is a redirect to the `redirect_uri` with a fresh `code` and
the same `state` (`OAuth2.approve`, the same model the httpx tests call directly); "Cancel" redirects with
`error=access_denied` (`OAuth2.deny`). With `prompt=none`, a user who already approved this application for these
scopes is redirected at once, without the page (as Discord does; `revoke_all` forgets the approval). A browser
not signed in gets a 401 page (Discord would show its login form), and an invalid request (unknown client,
unregistered redirect URI, bad scope or response_type) gets the 400 page Discord shows, naming the problem.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from aiohttp import web

from .oauth2 import SIGNED_IN_COOKIE

if TYPE_CHECKING:
    from .state import World

PATHS = ("/oauth2/authorize", "/api/v10/oauth2/authorize")
SCOPE_TEXT = {
    "identify": "Access your username, avatar, and banner",
    "email": "Access your email address",
    "guilds": "Know what servers you're in",
    "guilds.members.read": "Read your member info (nickname, avatar, roles) in servers you're in",
    "connections": "Access your third-party connections",
}
PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,"><title>{title} | Discord</title></head>
<body><main>{body}</main></body></html>
"""


def _page(title: str, body: str, status: int = 200) -> web.Response:
    text = PAGE.format(title=html.escape(title), body=body)
    return web.Response(text=text, status=status, content_type="text/html")


class ConsentPage:
    """The authorize page and its form (registered on the stand-in's aiohttp app)."""

    def __init__(self, world: World) -> None:
        self.world = world

    def add_routes(self, app: web.Application) -> None:
        """Register before the `/api/v10/{tail}` catch-all, so these paths are answered here."""
        for path in PATHS:
            app.router.add_get(path, self.show)
            app.router.add_post(path, self.decide)

    def _user(self, request: web.Request) -> int | None:
        return self.world.oauth2.signed_in.get(request.cookies.get(SIGNED_IN_COOKIE, ""))

    async def show(self, request: web.Request) -> web.Response:
        """The consent screen (or why there is none)."""
        user_id = self._user(request)
        if user_id is None:
            return _page("Log in", "<h1>Welcome back!</h1><p>You are not signed in to Discord in this browser "
                         "(tests: set the cookie from <code>world.oauth2.sign_in(user)</code>).</p>", 401)
        try:
            query, redirect = self.world.oauth2.checked(str(request.rel_url))
        except AssertionError as exc:
            return _page("Error", f"<h1>Something went wrong</h1><p role=\"alert\">{html.escape(str(exc))}</p>", 400)
        user = self.world.users[user_id]
        if self.world.oauth2.skips_consent(str(request.rel_url), user_id):
            raise web.HTTPFound(self.world.oauth2.approve(str(request.rel_url), user))
        app_name = html.escape(self.world.bot_user.username)
        scopes = "".join(f"<li>{html.escape(SCOPE_TEXT.get(scope, scope))}</li>" for scope in query["scope"].split())
        action = html.escape(str(request.rel_url))
        body = (f"<h1>{app_name} wants to access your account</h1>"
                f"<p>Signed in as <strong id=\"signed-in\">{html.escape(user.global_name or user.username)}</strong>"
                f"</p><p>This will allow the developer of {app_name} to:</p><ul>{scopes}</ul>"
                f"<p>Once you authorize, you will be redirected outside of Discord to: "
                f"<span id=\"redirect\">{html.escape(redirect)}</span></p>"
                f"<form method=\"post\" action=\"{action}\">"
                "<button type=\"submit\" name=\"decision\" value=\"cancel\">Cancel</button> "
                "<button type=\"submit\" name=\"decision\" value=\"authorize\">Authorize</button></form>")
        return _page("Authorize access to your account", body)

    async def decide(self, request: web.Request) -> web.Response:
        """The user clicked Authorize or Cancel: off to the application's redirect URI."""
        user_id = self._user(request)
        if user_id is None:
            return _page("Log in", "<h1>Welcome back!</h1><p>You are not signed in to Discord.</p>", 401)
        decision = (await request.post()).get("decision")
        url = str(request.rel_url)
        try:
            if decision == "authorize":
                location = self.world.oauth2.approve(url, self.world.users[user_id])
            else:
                location = self.world.oauth2.deny(url)
        except AssertionError as exc:
            return _page("Error", f"<h1>Something went wrong</h1><p role=\"alert\">{html.escape(str(exc))}</p>", 400)
        raise web.HTTPSeeOther(location)
