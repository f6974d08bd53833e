"""The bot's HTTP API: FastAPI served by uvicorn as a task on the bot's own event loop.

No second loop or thread: handlers can use the cogs' pools directly. Cogs add their routes with
`bot.api.app.include_router(...)` in `load()`. The socket is bound before uvicorn starts, so a port in use is
a clear start-up message instead of uvicorn exiting the process, and uvicorn never touches signal handlers.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
from collections.abc import Iterator

import uvicorn
from fastapi import APIRouter, FastAPI

log = logging.getLogger(__name__)


class _EmbeddedServer(uvicorn.Server):
    """uvicorn without its own signal handling: the bot owns SIGTERM/SIGINT."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


class HttpApi:
    """The FastAPI app and the task serving it."""

    def __init__(self, version: str) -> None:
        self.app = FastAPI(title="Hearth API", version=version, docs_url="/docs", openapi_url="/openapi.json")
        self._server: _EmbeddedServer | None = None
        self._task: asyncio.Task[None] | None = None
        self.port: int | None = None

    def include(self, router: APIRouter) -> None:
        """Serve a cog's routes (call from the cog's `load()`)."""
        self.app.router.routes.extend(router.routes)
        self.app.openapi_schema = None  # regenerate /docs with the new routes

    def remove(self, router: APIRouter) -> None:
        """Stop serving a cog's routes (call from the cog's `unload()`)."""
        mine = {id(route) for route in router.routes}
        self.app.router.routes[:] = [route for route in self.app.router.routes if id(route) not in mine]
        self.app.openapi_schema = None

    async def start(self, host: str, port: int) -> None:
        """Bind host:port (0 = any free port) and serve in the background."""
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError as exc:
            sock.close()
            raise OSError(f"the HTTP API cannot listen on {host}:{port} ({exc.strerror}); "
                          "set API_PORT to a free port or API_ENABLED=false") from exc
        sock.listen(128)
        sock.setblocking(False)
        self.port = sock.getsockname()[1]
        config = uvicorn.Config(self.app, lifespan="off", log_level="warning", access_log=False)
        self._server = _EmbeddedServer(config)
        self._task = asyncio.create_task(self._server.serve(sockets=[sock]), name="hearth-http-api")
        # No need to wait for uvicorn: the socket already listens, early connections wait in its backlog.
        log.info("HTTP API listening on http://%s:%d (OpenAPI at /docs)", host, self.port)

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
