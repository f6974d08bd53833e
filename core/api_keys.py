"""API keys of the HTTP API: what a key is, how it is made and hashed, and the dependency routes declare.

A key is `hk_` + 43 random URL-safe characters (256 bits). Only its SHA-256 is stored, with its first 11
characters (`prefix`) to recognise it in lists; the key itself is shown once, when it is created. Each key
belongs to one guild and has a scope: `read`, or `write` (which may also read). Keys are created, listed and
revoked with `/config api_key` (the api cog, which owns the `api_keys` table and sets `HttpApi.keys`).

A route that needs a key declares it:

    async def route(guild_id: int, key: Annotated[ApiKey, Depends(require_key("read"))]) -> …

The request must carry `Authorization: Bearer <key>`. Missing, malformed, unknown or revoked keys are answered
401; a key of another guild than the route's `{guild_id}`, or a read key on a write route, 403. The route gets
the key (its guild in `key.guild_id`). Webhooks are not keyed: they are signed by their sender instead.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any, Literal, Protocol

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

Scope = Literal["read", "write"]
SCOPES: tuple[Scope, ...] = ("read", "write")
KEY_START = "hk_"
PREFIX_LENGTH = 11  # "hk_" + 8 characters: shown in lists, says nothing useful about the rest
_KEY = re.compile(r"hk_[A-Za-z0-9_-]{43}")


class ApiError(Exception):
    """An HTTP API refusal, answered `{"error": message}` with `status` (see `HttpApi`)."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers


@dataclass(frozen=True)
class ApiKey:
    """A stored key (never the key itself)."""

    id: int
    guild_id: int
    name: str
    prefix: str
    scope: str
    created_by: int | None
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None

    def allows(self, scope: Scope) -> bool:
        """Whether this key may be used for `scope` (a write key may also read)."""
        return self.scope == "write" or scope == "read"


class KeyStore(Protocol):
    """Where keys are looked up (the api cog's table)."""

    async def find(self, key_hash: str) -> ApiKey | None:
        """The key with this hash, revoked or not, or None."""

    async def used(self, key: ApiKey) -> None:
        """Record that the key was just used (at most one write a minute per key)."""


@dataclass(frozen=True)
class NewKey:
    """A freshly generated key: `secret` is shown once and never stored."""

    secret: str
    prefix: str
    hash: str


def hash_key(secret: str) -> str:
    """The stored form of a key: hex SHA-256 (the key has 256 bits of entropy, so a fast hash is enough)."""
    return hashlib.sha256(secret.encode()).hexdigest()


def new_key() -> NewKey:
    """A new random key."""
    secret = KEY_START + secrets.token_urlsafe(32)
    return NewKey(secret, secret[:PREFIX_LENGTH], hash_key(secret))


_bearer = HTTPBearer(auto_error=False, description="An API key from `/config api_key create`")
_UNAUTHORIZED = {"WWW-Authenticate": "Bearer"}


def require_key(scope: Scope = "read") -> Callable[..., Awaitable[ApiKey]]:
    """The FastAPI dependency of a keyed route: the request's key, allowed for `scope` and the route's guild."""
    if scope not in SCOPES:
        raise ValueError(f"scope must be one of {SCOPES}, not {scope!r}")

    async def dependency(request: Request,
                         credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]) -> ApiKey:
        store: KeyStore | None = getattr(request.app.state, "key_store", None)
        if store is None:
            raise ApiError(503, "API keys are not available on this bot right now (the api cog is not loaded)")
        if credentials is None:
            raise ApiError(401, "an API key is required: send the header Authorization: Bearer <key>",
                           _UNAUTHORIZED)
        secret = credentials.credentials
        if not _KEY.fullmatch(secret):
            raise ApiError(401, "that is not a Hearth API key (they start with hk_)", _UNAUTHORIZED)
        key = await store.find(hash_key(secret))
        if key is None:
            raise ApiError(401, "unknown API key", _UNAUTHORIZED)
        if key.revoked_at is not None:
            raise ApiError(401, f"the API key {key.prefix}… was revoked", _UNAUTHORIZED)
        wanted_guild = request.path_params.get("guild_id")
        if wanted_guild is not None and str(wanted_guild) != str(key.guild_id):
            raise ApiError(403, f"the API key {key.prefix}… belongs to another server")
        if not key.allows(scope):
            raise ApiError(403, f"the API key {key.prefix}… is read-only; this needs a write key")
        await store.used(key)
        return key

    return dependency


def key_member(bot: Any, key: ApiKey) -> Any:
    """The member a write key acts for: its creator (`ApiKey.created_by`), only while they are still on the key's
    server with Manage Server there (read from the gateway state now, as the dashboard checks on every request).
    Raises `ApiError(403, ...)` otherwise: a key never lets its holder do more than its creator could do now."""
    guild = bot.get_guild(key.guild_id)
    if guild is None or guild.unavailable:
        raise ApiError(403, "the bot cannot act on this server right now (it is not in it, or it is unavailable)")
    member = guild.get_member(key.created_by) if key.created_by is not None else None
    if member is None:
        raise ApiError(403, f"the API key {key.prefix}… acts for the member who created it, who is no longer on "
                            "this server; create a new key")
    if not member.guild_permissions.manage_guild:
        raise ApiError(403, f"the API key {key.prefix}… acts for the member who created it, who no longer has "
                            "Manage Server here")
    return member


def refusal(exc: Exception, status: int = 400) -> ApiError:
    """A feature's human refusal (`utils.errors.UserFacingError`, e.g. `BadInput`) as an API error: the same words
    the slash command answers, without Discord's Markdown backticks."""
    return ApiError(status, str(exc).replace("`", ""))
