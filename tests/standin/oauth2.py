"""Discord's OAuth2 authorization-code flow (https://discord.com/developers/docs/topics/oauth2), for web logins.

The test plays the person in the browser: `world.oauth2.approve(authorize_url, user)` checks the authorize URL as
Discord's consent screen would (a registered client and redirect URI, `response_type=code`, known scopes) and
returns the redirect URL with a fresh `code` and the same `state`; `deny(...)` returns `error=access_denied`.
The app then exchanges the code at `POST /oauth2/token` (form-encoded, `grant_type=authorization_code`, client
id and secret in the form or HTTP Basic; the code is single-use, expires after 10 minutes and needs the same
`redirect_uri`) and reads `GET /users/@me` and `GET /users/@me/guilds` with `Authorization: Bearer <token>`.

```python
standin.world.oauth2.add_client("1234", "secret", ["http://site.test/callback"])
redirect = standin.world.oauth2.approve(authorize_url, guild.admin)   # http://site.test/callback?code=…&state=…
```

A real browser sees the same decision as an HTML consent page served at `GET /oauth2/authorize` (and
`/api/v10/oauth2/authorize`) for the user the browser is signed in to Discord as (`sign_in(user)` gives the
cookie value to set for `SIGNED_IN_COOKIE`): see oauth2_consent.py.
"""

from __future__ import annotations

import base64
import secrets
import urllib.parse
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from .limits import ApiError
from .models import Member, User, user_payload
from .permissions import base_permissions
from .server import Req, RouteTable

if TYPE_CHECKING:
    from .state import World

routes = RouteTable()

SIGNED_IN_COOKIE = "standin_discord_session"  # discord.com's session cookie, in a browser signed in to Discord
SCOPES = frozenset({"identify", "email", "guilds", "guilds.members.read", "connections"})
CODE_LIFETIME = timedelta(minutes=10)
TOKEN_LIFETIME = timedelta(days=7)


class OAuth2Error(ApiError):
    """An OAuth2 error body as Discord answers it (RFC 6749 §5.2): `{"error", "error_description"}`."""

    def __init__(self, status: int, error: str, description: str) -> None:
        super().__init__(status, 0, description)
        self.body = {"error": error, "error_description": description}


@dataclass
class Grant:
    """What a code or an access token stands for."""

    user_id: int
    client_id: str
    redirect_uri: str
    scopes: frozenset[str]
    expires_at: Any  # datetime, from world.now()


class OAuth2:
    """Registered clients, issued codes and access tokens."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.clients: dict[str, tuple[str, set[str]]] = {}  # client id → (secret, registered redirect URIs)
        self.codes: dict[str, Grant] = {}
        self.tokens: dict[str, Grant] = {}
        self.exchanges: list[dict[str, str]] = []  # every token request's form (secrets included), for asserts
        self.signed_in: dict[str, int] = {}  # discord.com session cookie → user id (browsers signed in to Discord)
        self.authorized: dict[tuple[int, str], set[str]] = {}  # (user id, client id) → the scopes they approved

    def add_client(self, client_id: str, secret: str, redirect_uris: list[str]) -> None:
        """Register an application's OAuth2 client (Developer Portal → OAuth2 → Redirects)."""
        self.clients[str(client_id)] = (secret, set(redirect_uris))

    def checked(self, authorize_url: str) -> tuple[dict[str, str], str]:
        """The authorize request's query and redirect URI, or the AssertionError naming what Discord would refuse."""
        query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(authorize_url).query))
        client = self.clients.get(query.get("client_id", ""))
        if client is None:
            raise AssertionError(f"Discord shows 'Unknown application' for {authorize_url}")
        redirect = query.get("redirect_uri", "")
        if redirect not in client[1]:
            raise AssertionError(f"Discord shows 'Invalid OAuth2 redirect_uri' for {redirect!r}")
        if query.get("response_type") != "code":
            raise AssertionError("Discord shows 'Invalid response_type' (the flow needs response_type=code)")
        scopes = query.get("scope", "").split()
        if not scopes or not set(scopes) <= SCOPES:
            raise AssertionError(f"Discord shows 'Invalid scope' for {query.get('scope')!r}")
        return query, redirect

    def approve(self, authorize_url: str, user: User | Member) -> str:
        """The user clicks Authorize: the redirect URL the browser goes to (with `code` and the same `state`)."""
        query, redirect = self.checked(authorize_url)
        account = user.user if isinstance(user, Member) else user
        code = secrets.token_urlsafe(20)
        self.codes[code] = Grant(account.id, query["client_id"], redirect, frozenset(query["scope"].split()),
                                 self.world.now() + CODE_LIFETIME)
        self.authorized.setdefault((account.id, query["client_id"]), set()).update(query["scope"].split())
        answer = {"code": code} | ({"state": query["state"]} if "state" in query else {})
        return _with_query(redirect, answer)

    def sign_in(self, user: User | Member) -> str:
        """A browser signs in to Discord as `user`: the value of its `SIGNED_IN_COOKIE` on the stand-in's host,
        which the consent page at `/oauth2/authorize` (oauth2_consent.py) reads to know who is approving."""
        account = user.user if isinstance(user, Member) else user
        cookie = secrets.token_urlsafe(20)
        self.signed_in[cookie] = account.id
        return cookie

    def deny(self, authorize_url: str) -> str:
        """The user clicks Cancel: the redirect URL with `error=access_denied` (and the same `state`)."""
        query, redirect = self.checked(authorize_url)
        answer = {"error": "access_denied", "error_description": "The resource owner or authorization server "
                  "denied the request"} | ({"state": query["state"]} if "state" in query else {})
        return _with_query(redirect, answer)

    def revoke_all(self, user: User | Member) -> None:
        """The user deauthorizes the app (User Settings → Authorized Apps): their tokens stop working."""
        account = user.user if isinstance(user, Member) else user
        self.tokens = {token: grant for token, grant in self.tokens.items() if grant.user_id != account.id}
        self.authorized = {pair: scopes for pair, scopes in self.authorized.items() if pair[0] != account.id}

    def skips_consent(self, authorize_url: str, user_id: int) -> bool:
        """`prompt=none` and the user already approved this client for these scopes: Discord redirects at once."""
        query, _ = self.checked(authorize_url)
        approved = self.authorized.get((user_id, query["client_id"]), set())
        return query.get("prompt") == "none" and set(query["scope"].split()) <= approved

    def grant_for(self, bearer: str | None, scope: str) -> Grant:
        """The live grant of a bearer token with `scope`, or Discord's 401/403."""
        grant = self.tokens.get(bearer or "")
        if grant is None or grant.expires_at <= self.world.now():
            raise ApiError(401, 0, "401: Unauthorized")
        if scope not in grant.scopes:
            raise ApiError(403, 50001, "Missing Access")
        return grant


def _with_query(url: str, params: dict[str, str]) -> str:
    parts = urllib.parse.urlsplit(url)
    query = "&".join(filter(None, [parts.query, urllib.parse.urlencode(params)]))
    return urllib.parse.urlunsplit(parts._replace(query=query))


def _form(req: Req) -> dict[str, str]:
    if req.headers.get("Content-Type", "").split(";")[0].strip() != "application/x-www-form-urlencoded":
        raise OAuth2Error(400, "invalid_request", "the token request must be application/x-www-form-urlencoded")
    raw = req.json if isinstance(req.json, str) else ""
    return dict(urllib.parse.parse_qsl(raw, keep_blank_values=True))


def _client(req: Req, form: dict[str, str], oauth: OAuth2) -> str:
    client_id, secret = form.get("client_id", ""), form.get("client_secret", "")
    if (req.authorization or "").startswith("Basic "):
        client_id, _, secret = base64.b64decode(req.authorization.removeprefix("Basic ")).decode().partition(":")
    client = oauth.clients.get(client_id)
    if client is None or not secrets.compare_digest(client[0], secret):
        raise OAuth2Error(401, "invalid_client", "Invalid client credentials")
    return client_id


@routes.add("POST", "/oauth2/token")
async def token(req: Req) -> Any:
    oauth = req.world.oauth2
    form = _form(req)
    oauth.exchanges.append(form)
    client_id = _client(req, form, oauth)
    if form.get("grant_type") != "authorization_code":
        raise OAuth2Error(400, "unsupported_grant_type", f"Unsupported grant type {form.get('grant_type')!r}")
    grant = oauth.codes.pop(form.get("code", ""), None)  # single use: gone even when the rest is wrong
    if grant is None or grant.expires_at <= req.world.now():
        raise OAuth2Error(400, "invalid_grant", 'Invalid "code" in request.')
    if grant.client_id != client_id:
        raise OAuth2Error(400, "invalid_grant", 'Invalid "code" in request.')
    if form.get("redirect_uri") != grant.redirect_uri:
        raise OAuth2Error(400, "invalid_grant", 'Invalid "redirect_uri" in request.')
    access = secrets.token_urlsafe(24)
    oauth.tokens[access] = Grant(grant.user_id, client_id, grant.redirect_uri, grant.scopes,
                                 req.world.now() + TOKEN_LIFETIME)
    return {"access_token": access, "token_type": "Bearer", "expires_in": int(TOKEN_LIFETIME.total_seconds()),
            "refresh_token": secrets.token_urlsafe(24), "scope": " ".join(sorted(grant.scopes))}


async def oauth_me(req: Req) -> Any:
    """`GET /users/@me` with a bearer token: the user who authorized (scope identify)."""
    grant = req.world.oauth2.grant_for(req.bearer, "identify")
    user = req.world.users[grant.user_id]
    return {**user_payload(user), "flags": 0, "mfa_enabled": False, "locale": "en-US", "premium_type": 0}


@routes.add("GET", "/users/@me/guilds")
async def my_guilds(req: Req) -> Any:
    """The user's guilds (scope guilds): partial guilds with `owner` and `permissions` as a string."""
    grant = req.world.oauth2.grant_for(req.bearer, "guilds")
    listed = []
    for guild in sorted(req.world.guilds.values(), key=lambda g: g.id):
        member = guild.members.get(grant.user_id)
        if member is None:
            continue
        listed.append({"id": str(guild.id), "name": guild.name, "icon": None, "banner": None,
                       "owner": guild.owner_id == grant.user_id, "features": list(guild.features),
                       "permissions": str(base_permissions(guild, member))})
    return listed
