"""aiohttp server: routing, request log, failure injection, unknown routes.

Every REST call the bot makes is recorded as a :class:`RecordedRequest`.
Calls to routes the stand-in does not implement answer 404 with a clear body
and are collected in :attr:`HttpServer.unimplemented` so a test fails.
"""

from __future__ import annotations

import asyncio
import json
import re
import traceback
import urllib.parse
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aiohttp import web

from .limits import ApiError

if TYPE_CHECKING:
    from .state import World

API_PREFIX = "/api/v10"
NO_CONTENT = object()


@dataclass
class UploadedFile:
    """A file part of a multipart request (``files[n]``)."""

    field: str
    filename: str
    data: bytes
    content_type: str | None


@dataclass
class RecordedRequest:
    """One REST request made by the bot."""

    method: str
    route: str | None  # template, e.g. "/channels/{channel_id}/messages"; None if unimplemented
    path: str  # concrete path without the /api/v10 prefix
    params: dict[str, str]
    query: dict[str, str]
    json: Any
    headers: dict[str, str]
    files: list[UploadedFile] = field(default_factory=list)
    status: int = 0
    response: Any = None
    token: str | None = None  # the bot token it was sent with (tells connected bots apart; None for none)
    authorization: str | None = None  # the raw Authorization header (OAuth2: Bearer / Basic); never in `headers`

    @property
    def reason(self) -> str | None:
        """Decoded X-Audit-Log-Reason header, if any."""
        raw = self.headers.get("X-Audit-Log-Reason")
        return urllib.parse.unquote(raw) if raw is not None else None


@dataclass
class FailureRule:
    """A forced failure for matching requests (see ``StandIn.fail``)."""

    method: str
    route: str
    status: int
    times: int | None = 1  # None = always
    body: dict[str, Any] | None = None
    retry_after: float = 0.01
    hits: int = 0

    def matches(self, method: str, template: str | None, path: str) -> bool:
        """Whether this rule applies to a request."""
        if self.method not in ("*", method):
            return False
        if self.times is not None and self.hits >= self.times:
            return False
        return self.route in (template, path)

    def response(self) -> web.Response:
        """Build the failure response (429 includes retry_after and Via)."""
        headers = {"Content-Type": "application/json"}
        if self.status == 429:
            body = self.body or {"message": "You are being rate limited.", "retry_after": self.retry_after}
            body.setdefault("global", False)
            body.setdefault("code", 0)
            headers.update(
                {
                    "Via": "1.1 google",
                    "Retry-After": str(self.retry_after),
                    "X-RateLimit-Scope": "user",
                }
            )
        else:
            defaults = {
                403: {"message": "Missing Permissions", "code": 50013},
                404: {"message": "Unknown Message", "code": 10008},
                500: {"message": "500: Internal Server Error", "code": 0},
            }
            body = self.body or defaults.get(self.status, {"message": "Forced failure", "code": 0})
        return web.Response(body=json.dumps(body).encode(), status=self.status, headers=headers)


@dataclass
class HoldRule:
    """Requests that wait until the test releases them (see ``StandIn.hold``): a slow Discord."""

    method: str
    route: str
    times: int | None = 1  # None = always
    hits: int = 0
    reached: asyncio.Event = field(default_factory=asyncio.Event)  # set when a request is being held
    released: asyncio.Event = field(default_factory=asyncio.Event)

    def matches(self, method: str, template: str | None, path: str) -> bool:
        """Whether this rule holds a request."""
        if self.method not in ("*", method) or (self.times is not None and self.hits >= self.times):
            return False
        return self.route in (template, path)

    def release(self) -> None:
        """Let the held requests (and later matching ones) through."""
        self.released.set()


@dataclass
class Req:
    """What a route handler receives."""

    world: World
    method: str
    route: str
    path: str
    params: dict[str, str]
    query: dict[str, str]
    json: Any
    files: list[UploadedFile]
    headers: dict[str, str]
    authorization: str | None = None  # the raw Authorization header (Bot …, Bearer …, Basic …)

    @property
    def bearer(self) -> str | None:
        """The OAuth2 access token of `Authorization: Bearer …`, or None."""
        auth = self.authorization or ""
        return auth.removeprefix("Bearer ") if auth.startswith("Bearer ") else None

    def id(self, name: str) -> int:
        """A path parameter as int (404 style error if not numeric)."""
        try:
            return int(self.params[name])
        except ValueError:
            raise ApiError(404, 0, f"Invalid {name}") from None

    @property
    def body(self) -> dict[str, Any]:
        """JSON body as dict (empty dict when none)."""
        return self.json if isinstance(self.json, dict) else {}

    @property
    def reason(self) -> str | None:
        """Decoded audit-log reason."""
        raw = self.headers.get("X-Audit-Log-Reason")
        return urllib.parse.unquote(raw) if raw is not None else None


Handler = Callable[[Req], Awaitable[Any]]


class RouteTable:
    """A list of (method, template) -> handler, filled with ``@table.add``."""

    def __init__(self) -> None:
        self.entries: list[tuple[str, str, re.Pattern[str], int, Handler]] = []

    def add(self, method: str, template: str) -> Callable[[Handler], Handler]:
        """Decorator registering a handler for ``method template``."""

        def deco(func: Handler) -> Handler:
            parts = [
                f"(?P<{seg[1:-1]}>[^/]+)" if seg.startswith("{") else re.escape(seg) for seg in template.split("/")
            ]
            regex = "^" + "/".join(parts) + "$"
            literal = sum(1 for seg in template.split("/") if seg and not seg.startswith("{"))
            self.entries.append((method, template, re.compile(regex), literal, func))
            return func

        return deco

    def extend(self, other: RouteTable) -> None:
        """Merge another table."""
        self.entries.extend(other.entries)

    def match(self, method: str, path: str) -> tuple[str, dict[str, str], Handler] | None:
        """Best match (most literal segments wins)."""
        best: tuple[int, str, dict[str, str], Handler] | None = None
        for m, template, regex, literal, func in self.entries:
            if m != method:
                continue
            found = regex.match(path)
            if found and (best is None or literal > best[0]):
                best = (literal, template, found.groupdict(), func)
        return None if best is None else (best[1], best[2], best[3])

    def routes(self) -> list[tuple[str, str]]:
        """All (method, template) pairs."""
        return [(m, t) for m, t, _, _, _ in self.entries]


def json_response(body: Any, status: int = 200) -> web.Response:
    """JSON response with the exact Content-Type discord.py expects."""
    return web.Response(body=json.dumps(body).encode(), status=status, headers={"Content-Type": "application/json"})


async def _read_body(request: web.Request) -> tuple[Any, list[UploadedFile]]:
    ctype = request.headers.get("Content-Type", "")
    files: list[UploadedFile] = []
    if ctype.startswith("multipart/"):
        payload: Any = None
        reader = await request.multipart()
        while True:
            part = await reader.next()
            if part is None:
                break
            if part.name == "payload_json":
                payload = json.loads(await part.text())  # type: ignore[union-attr]
            else:
                data = await part.read(decode=False)  # type: ignore[union-attr]
                ptype = part.headers.get("Content-Type")
                files.append(UploadedFile(part.name or "", part.filename or "file", bytes(data), ptype))
        return payload, files
    raw = await request.read()
    if not raw:
        return None, files
    try:
        return json.loads(raw), files
    except ValueError:
        return raw.decode(errors="replace"), files


class HttpServer:
    """The REST side of the stand-in."""

    def __init__(self, world: World, table: RouteTable) -> None:
        self.world = world
        self.table = table
        self.requests: list[RecordedRequest] = []
        self.unimplemented: list[RecordedRequest] = []
        self.failures: list[FailureRule] = []
        self.holds: list[HoldRule] = []
        self.internal_errors: list[tuple[RecordedRequest, str]] = []
        self.on_request: list[Callable[[RecordedRequest], None]] = []

    async def handle(self, request: web.Request) -> web.StreamResponse:
        """Entry point for every ``/api/v10/...`` request."""
        path = "/" + request.match_info.get("tail", "")
        method = request.method
        body, files = await _read_body(request)
        headers = {k: v for k, v in request.headers.items() if k.lower() not in ("authorization",)}
        found = self.table.match(method, path)
        template, params, handler = found if found else (None, {}, None)
        authorization = request.headers.get("Authorization", "")
        token = authorization.removeprefix("Bot ") if authorization.startswith("Bot ") else None
        rec = RecordedRequest(method, template, path, params, dict(request.query), body, headers, files, token=token,
                              authorization=authorization or None)
        self.requests.append(rec)
        for hold in self.holds:
            if hold.matches(rec.method, rec.route, rec.path):
                hold.hits += 1
                hold.reached.set()
                await hold.released.wait()
                if request.transport is None or request.transport.is_closing():
                    rec.status = 499  # the client gave up while held: Discord never saw the request
                    return web.Response(status=499)
                break
        response = await self._respond(rec, handler, found is not None)
        rec.status = response.status
        for callback in list(self.on_request):
            callback(rec)
        return response

    async def _respond(self, rec: RecordedRequest, handler: Handler | None, matched: bool) -> web.Response:
        for rule in self.failures:
            if rule.matches(rec.method, rec.route, rec.path):
                rule.hits += 1
                return rule.response()
        if not matched or handler is None:
            self.unimplemented.append(rec)
            body = {"message": f"standin: route not implemented: {rec.method} {rec.path}", "code": 0}
            rec.response = body
            return json_response(body, 404)
        req = Req(
            self.world, rec.method, rec.route or "", rec.path, rec.params, rec.query, rec.json, rec.files, rec.headers,
            rec.authorization,
        )
        try:
            result = await handler(req)
        except ApiError as exc:
            rec.response = exc.body
            return json_response(exc.body, exc.status)
        except Exception:
            self.internal_errors.append((rec, traceback.format_exc()))
            return json_response({"message": "standin internal error (see test report)", "code": 0}, 400)
        if result is NO_CONTENT:
            return web.Response(status=204)
        rec.response = result
        return json_response(result)

    async def handle_attachment(self, request: web.Request) -> web.StreamResponse:
        """Serve stored attachment bytes (the "CDN")."""
        att = self.world.attachments.get(int(request.match_info["aid"]))
        if att is None:
            return web.Response(status=404)
        return web.Response(body=att.data, content_type=att.content_type or "application/octet-stream")
