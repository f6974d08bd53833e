"""The one factory for asyncpg pools: codecs, timeouts, names, and a shared connection budget.

Every cog gets its own pool (so a flood in one cog cannot starve another), but the sum of all open pools'
`max_size` stays within `DB_MAX_CONNECTIONS`: a request that does not fit is shrunk to what is left, with a
warning, and refused when nothing is left.

`Executor` is the one type repo functions take: anything that runs a query (a pool, a connection, a connection
inside the caller's transaction). A function that opens its own transaction takes `TransactionPool` (it calls
`acquire()`), or an `asyncpg.Connection` when it opens a savepoint on the caller's connection.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Sequence
from typing import Any, Protocol

import asyncpg

log = logging.getLogger(__name__)


class Executor(Protocol):
    """What a repo function needs to run its SQL: an asyncpg pool (`HearthPool`), a connection, or a connection
    inside the caller's transaction all satisfy it."""

    async def execute(self, query: str, *args: Any) -> str: ...

    async def executemany(self, command: str, args: Iterable[Sequence[Any]]) -> None: ...

    async def fetch(self, query: str, *args: Any) -> list[Any]: ...

    async def fetchrow(self, query: str, *args: Any) -> Any: ...

    async def fetchval(self, query: str, *args: Any, column: int = 0) -> Any: ...


TransactionPool = asyncpg.Pool
"""A pool, for a function that acquires a connection and opens its own transaction (an `Executor` that is a
single connection could not do that). `HearthPool` is one."""


class PoolBudgetExceeded(RuntimeError):
    """No connection is left in the budget for a new pool."""


class PoolBudget:
    """Book-keeping of how many connections each named pool may open."""

    def __init__(self, max_connections: int) -> None:
        self.max_connections = max_connections
        self._reserved: dict[str, int] = {}

    @property
    def reserved(self) -> dict[str, int]:
        """Owner name → connections reserved, for health reports and tests."""
        return dict(self._reserved)

    @property
    def available(self) -> int:
        """Connections not yet reserved by any pool."""
        return self.max_connections - sum(self._reserved.values())

    def reserve(self, owner: str, wanted: int) -> int:
        """Reserve up to `wanted` connections for `owner`; returns what was granted (at least 1)."""
        if owner in self._reserved:
            raise ValueError(f"a pool named {owner!r} is already open")
        if wanted < 1:
            raise ValueError("a pool needs at least one connection")
        granted = min(wanted, self.available)
        if granted < 1:
            raise PoolBudgetExceeded(
                f"no database connection left for {owner!r}: all {self.max_connections} of DB_MAX_CONNECTIONS "
                f"are reserved by {', '.join(sorted(self._reserved))}. Raise DB_MAX_CONNECTIONS or load fewer cogs."
            )
        if granted < wanted:
            log.warning(
                "Pool %r asked for %d connections but only %d are left in DB_MAX_CONNECTIONS=%d; it gets %d.",
                owner, wanted, granted, self.max_connections, granted,
            )
        self._reserved[owner] = granted
        return granted

    def release(self, owner: str) -> None:
        """Give `owner`'s connections back to the budget (no-op when it holds none)."""
        self._reserved.pop(owner, None)


class HearthPool(asyncpg.Pool):
    """An asyncpg pool that knows its owner, waits at most `acquire_timeout` and frees its budget on close."""

    owner: str
    acquire_timeout: float
    in_flight: int = 0  # connections checked out or being acquired right now
    acquisitions: int = 0  # connections handed out so far (≈ database round trips of single-query calls)
    _database: Database | None

    def acquire(self, *, timeout: float | None = None):  # type: ignore[override]
        """Acquire a connection, waiting at most the configured acquire timeout by default."""
        return super().acquire(timeout=self.acquire_timeout if timeout is None else timeout)

    async def _acquire(self, timeout: float | None):  # type: ignore[no-untyped-def]  # noqa: ASYNC109 - asyncpg API
        self.in_flight += 1
        self.acquisitions += 1
        try:
            return await super()._acquire(timeout)
        except BaseException:
            self.in_flight -= 1
            raise

    async def release(self, connection, *, timeout: float | None = None) -> None:  # type: ignore[no-untyped-def]  # noqa: ASYNC109
        """Return a connection to the pool."""
        try:
            await super().release(connection, timeout=timeout)
        finally:
            self.in_flight -= 1

    async def close(self) -> None:
        """Close gracefully and release the pool's share of the connection budget."""
        try:
            await super().close()
        finally:
            self._release_budget()

    def terminate(self) -> None:
        """Close at once and release the pool's share of the connection budget."""
        try:
            super().terminate()
        finally:
            self._release_budget()

    def _release_budget(self) -> None:
        database, self._database = self._database, None
        if database is not None:
            database.forget(self.owner)


async def _init_connection(connection: asyncpg.Connection) -> None:
    # JSON and JSONB columns travel as Python objects, everywhere.
    for type_name in ("json", "jsonb"):
        await connection.set_type_codec(
            type_name, encoder=json.dumps, decoder=json.loads, schema="pg_catalog"
        )


class TransactionPooledConnection(asyncpg.Connection):
    """A connection to a transaction-pooling PgBouncer: no session state survives a transaction there, so the
    pool's reset query on release (`RESET ALL`, `UNLISTEN *`, …) would only run on whichever server connection
    PgBouncer picks; it is skipped."""

    def get_reset_query(self) -> str:
        """Nothing to reset: PgBouncer hands the server connection to another client after each transaction."""
        return ""


class Database:
    """Where the database is and how to talk to it; creates the named pools within one budget.

    `url` is what the pools use; `direct_url` (default `url`) reaches PostgreSQL itself, for what needs a session
    of its own: the LISTEN connection (`core/notify.py`) and migrations. With `transaction_pooling` (the pools go
    through a transaction-pooling PgBouncer, docs/scaling.md) the pools keep no prepared-statement cache: asyncpg's
    named statements live on one server connection, and the next transaction may run on another."""

    def __init__(
        self,
        url: str,
        *,
        max_connections: int,
        command_timeout: float = 10.0,
        acquire_timeout: float = 2.5,
        direct_url: str | None = None,
        transaction_pooling: bool = False,
    ) -> None:
        self.url = url
        self.direct_url = direct_url or url
        self.transaction_pooling = transaction_pooling
        self.budget = PoolBudget(max_connections)
        self.command_timeout = command_timeout
        self.acquire_timeout = acquire_timeout
        self.pools: dict[str, HearthPool] = {}

    async def create_pool(self, owner: str, max_size: int, *, min_size: int = 0) -> HearthPool:
        """Open a pool named `owner` with up to `max_size` connections (fewer if the budget is short)."""
        granted = self.budget.reserve(owner, max_size)
        pool = HearthPool(
            self.url,
            connection_class=TransactionPooledConnection if self.transaction_pooling else asyncpg.Connection,
            record_class=asyncpg.Record,
            min_size=min(min_size, granted),
            max_size=granted,
            max_queries=50_000,
            max_inactive_connection_lifetime=60.0,
            connect=None,
            setup=None,
            init=_init_connection,
            reset=None,
            loop=None,
            command_timeout=self.command_timeout,
            timeout=self.acquire_timeout,
            server_settings={"application_name": f"hearth:{owner}"[:63]},
            **self._pooling_options(),
        )
        pool.owner, pool.acquire_timeout, pool._database = owner, self.acquire_timeout, self
        self.pools[owner] = pool
        try:
            await pool
        except BaseException:
            pool.terminate()
            raise
        return pool

    def _pooling_options(self) -> dict[str, Any]:
        if not self.transaction_pooling:
            return {}
        # No statement cache: asyncpg then uses the unnamed statement and parses it again with each execution,
        # so a statement never outlives the transaction PgBouncer ran it in (PgBouncer 1.18, Debian 12, cannot
        # carry named statements from one server connection to another; `max_prepared_statements` is 1.21+).
        return {"statement_cache_size": 0}

    def forget(self, owner: str) -> None:
        """Called by a closing pool: drop it from the registry and give its connections back."""
        self.pools.pop(owner, None)
        self.budget.release(owner)

    def pool_sizes(self) -> dict[str, dict[str, Any]]:
        """Per pool: open connections, idle ones, in use and the maximum, for the health report."""
        return {
            owner: {"size": pool.get_size(), "idle": pool.get_idle_size(), "in_use": pool.in_flight,
                    "max": pool.get_max_size()}
            for owner, pool in self.pools.items()
        }

    def in_flight(self) -> int:
        """Database operations under way in all pools (acquired or being acquired connections)."""
        return sum(pool.in_flight for pool in self.pools.values())

    async def close_all(self) -> None:
        """Close every pool still open (cogs close their own; this is the safety net at shutdown)."""
        for pool in list(self.pools.values()):
            await pool.close()
