"""The bot's HTTP API: FastAPI served by uvicorn as a task on the bot's own event loop.

No second loop or thread: handlers can use the cogs' pools directly. A cog declares its routes on a `Routes` and
serves them with `bot.api.include(routes)` in `load()` (`bot.api.remove(routes)` in `unload()`). FastAPI makes a
route's validators when the route is added, which is most of the cost of starting the API: `Routes` only records the
declarations, and the routes are made when the API first serves them (`start()`, or reading `app`), so a bot whose
API is off (API_ENABLED=false, and the test bots) never pays for them.

The socket is bound before uvicorn starts, so a port in use is a clear start-up message instead of uvicorn exiting
the process, and uvicorn never touches signal handlers.

The interactive documentation (`/docs`, `/redoc`) and the schema (`/openapi.json`) are served only when
`API_DOCS_ENABLED` is set; otherwise they answer 404 like any unknown path. Routes that need an API key declare
`Depends(require_key(...))` (core/api_keys.py); the key store is attached by the api cog (`HttpApi.keys`). An
`ApiError` raised by a route or dependency is answered `{"error": message}` (and its `extra` fields) with its
status; a request its route's declared parameters or body refuse, 422 `{"error": "invalid request: …", "details"}`.

Request bodies are limited in one place, `BodyLimit`, in front of the whole app: a body larger than
`API_MAX_BODY_BYTES` (or a smaller limit a cog sets for its paths with `limit_body`) is answered 413 without
reaching a handler and without being read beyond the limit, whether it declares its length or is chunked.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import socket
from collections.abc import Awaitable, Callable, Iterator, MutableMapping
from typing import Any

import uvicorn
from fastapi import APIRouter, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from core.api_keys import ApiError, KeyStore

log = logging.getLogger(__name__)

DEFAULT_MAX_BODY = 256 * 1024

Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


class ApiUnavailable(OSError):
    """The HTTP API cannot start (its port is taken, the address does not exist): the message says how to fix it."""


class BodyLimit:
    """ASGI middleware: read the request body up to a limit, answer 413 beyond it, else hand it to the app."""

    def __init__(self, app: Callable[..., Awaitable[None]], max_bytes: int = DEFAULT_MAX_BODY) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.per_path: dict[str, int] = {}  # exact path → a smaller limit
        self.refused = 0  # requests answered 413

    def limit_for(self, path: str) -> int:
        """The body limit of `path`."""
        return min(self.per_path.get(path, self.max_bytes), self.max_bytes)

    async def __call__(self, scope: MutableMapping[str, Any], receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope["path"])
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await self._refuse(send, limit)
            return
        chunks: list[bytes] = []
        size = 0
        while True:  # read it all (up to the limit) before the app sees anything
            message = await receive()
            if message["type"] != "http.request":
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                await self._refuse(send, limit)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body, delivered = b"".join(chunks), False

        async def replay() -> Message:
            nonlocal delivered
            if not delivered:
                delivered = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def _refuse(self, send: Send, limit: int) -> None:
        self.refused += 1
        payload = json.dumps({"error": f"request body too large (limit {limit} bytes)"}).encode()
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(payload)).encode()),
                                (b"connection", b"close")]})
        await send({"type": "http.response.body", "body": payload})


async def _api_error(_request: Request, exc: ApiError) -> JSONResponse:
    return JSONResponse({"error": exc.message, **exc.extra}, exc.status, headers=exc.headers)


def _where(location: tuple[Any, ...]) -> str:
    """Where a refused value was: `query.limit`, `path.guild_id`, `body`, `body.value`."""
    return ".".join(str(part) for part in location) or "request"


async def _invalid_request(_request: Request, exc: RequestValidationError) -> JSONResponse:
    """A request the route's declared parameters or body refuse: 422 with the same `{"error": …}` shape, in words,
    and the validator's `details`."""
    problems = [f"{_where(tuple(e.get('loc', ())))}: {e.get('msg', 'invalid')}" for e in exc.errors()]
    details = [{"loc": list(e.get("loc", ())), "msg": e.get("msg", ""), "type": e.get("type", "")}
               for e in exc.errors()]
    return JSONResponse({"error": "invalid request: " + "; ".join(problems), "details": details}, 422)


class _EmbeddedServer(uvicorn.Server):
    """uvicorn without its own signal handling: the bot owns SIGTERM/SIGINT."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


class Routes:
    """A cog's HTTP routes: declared at once (`add_api_route`, FastAPI's arguments), made into a FastAPI router only
    when the API first serves them."""

    def __init__(self, **options: Any) -> None:
        self._options = options  # the router's (e.g. route_class)
        self._declared: list[tuple[str, Callable[..., Any], dict[str, Any]]] = []
        self._router: APIRouter | None = None

    def add_api_route(self, path: str, endpoint: Callable[..., Any], **options: Any) -> None:
        """Declare a route, as `fastapi.APIRouter.add_api_route` takes it."""
        self._declared.append((path, endpoint, options))
        if self._router is not None:
            self._router.add_api_route(path, endpoint, **options)

    @property
    def made(self) -> bool:
        """Whether the FastAPI routes exist yet."""
        return self._router is not None

    @property
    def router(self) -> APIRouter:
        """The FastAPI router of the declared routes, made on first use."""
        if self._router is None:
            router = APIRouter(**self._options)
            for path, endpoint, options in self._declared:
                router.add_api_route(path, endpoint, **options)
            self._router = router
        return self._router


class HttpApi:
    """The FastAPI app and the task serving it."""

    def __init__(self, version: str, *, max_body: int = DEFAULT_MAX_BODY, docs: bool = False) -> None:
        self.docs = docs
        self._app = FastAPI(title="Hearth API", version=version, docs_url="/docs" if docs else None,
                            redoc_url="/redoc" if docs else None, openapi_url="/openapi.json" if docs else None)
        self._app.state.key_store = None
        self._app.add_exception_handler(ApiError, _api_error)  # type: ignore[arg-type]
        self._app.add_exception_handler(RequestValidationError, _invalid_request)  # type: ignore[arg-type]
        self.body_limit = BodyLimit(self._app, max_body)
        self._included: list[Routes] = []  # the cogs' routes, in the order they were included
        self._serving = False  # the included routes are the app's (made on first need, then kept in step)
        self._server: _EmbeddedServer | None = None
        self._task: asyncio.Task[None] | None = None
        self.port: int | None = None

    @property
    def app(self) -> FastAPI:
        """The FastAPI app, serving every included cog's routes (made now if they were not yet)."""
        self._make_routes()
        return self._app

    def _make_routes(self) -> None:
        """Make the included routes the app's, once; routes included later are added as they come."""
        if not self._serving:
            self._serving = True
            for routes in self._included:
                self._app.router.routes.extend(routes.router.routes)
            self._app.openapi_schema = None

    @property
    def keys(self) -> KeyStore | None:
        """Where `require_key` looks keys up (None: keyed routes answer 503)."""
        return self._app.state.key_store

    @keys.setter
    def keys(self, store: KeyStore | None) -> None:
        self._app.state.key_store = store

    def include(self, routes: Routes) -> None:
        """Serve a cog's routes (call from the cog's `load()`)."""
        self._included.append(routes)
        if self._serving:
            self._app.router.routes.extend(routes.router.routes)
            self._app.openapi_schema = None  # regenerate /docs with the new routes

    def limit_body(self, path: str, max_bytes: int) -> None:
        """Accept at most `max_bytes` of body on `path` (below the API-wide API_MAX_BODY_BYTES)."""
        self.body_limit.per_path[path] = max_bytes

    def remove(self, routes: Routes) -> None:
        """Stop serving a cog's routes (call from the cog's `unload()`)."""
        self._included = [included for included in self._included if included is not routes]
        if routes.made:
            mine = {id(route) for route in routes.router.routes}
            self._app.router.routes[:] = [route for route in self._app.router.routes if id(route) not in mine]
            self._app.openapi_schema = None

    async def start(self, host: str, port: int) -> None:
        """Bind host:port (0 = any free port) and serve in the background."""
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError as exc:
            sock.close()
            raise ApiUnavailable(f"the HTTP API cannot listen on {host}:{port} ({exc.strerror}); "
                                 "set API_PORT to a free port or API_ENABLED=false") from exc
        sock.listen(128)
        sock.setblocking(False)
        self.port = sock.getsockname()[1]
        self._make_routes()  # before the first request
        config = uvicorn.Config(self.body_limit, lifespan="off", log_level="warning", access_log=False)
        self._server = _EmbeddedServer(config)
        self._task = asyncio.create_task(self._server.serve(sockets=[sock]), name="hearth-http-api")
        # No need to wait for uvicorn: the socket already listens, early connections wait in its backlog.
        log.info("HTTP API listening on http://%s:%d%s", host, self.port,
                 " (documentation at /docs)" if self.docs else "")

    async def stop(self) -> None:
        """Stop serving (waits for in-flight requests briefly)."""
        if self._server is None or self._task is None:
            return
        self._server.should_exit = True
        try:
            await asyncio.wait_for(self._task, timeout=5)
        except TimeoutError:
            self._task.cancel()
        self._server = self._task = None
