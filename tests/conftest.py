"""Test infrastructure: one real PostgreSQL per session, started by the tests themselves.

The embedded cluster lives in `.test-data/pg` inside the project (the embedded package makes every parent of
its data directory world-readable, so it must not sit under /tmp). Each session gets its own database,
migrated once with Alembic; `clean_db` empties every table in one ~1 ms transaction before a test.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import asyncpg
import pytest

from core.db import Database, HearthPool
from core.embedded_db import EmbeddedPostgres, ensure_database, quote_identifier, recreate_database
from core.migrations import upgrade_to_head

pytest_plugins = ["tests.standin.plugin", "tests.hearth_harness", "tests.llm_standin", "tests.stripe_standin.plugin"]

ROOT = Path(__file__).resolve().parent.parent
TEST_DATA = ROOT / ".test-data"


@pytest.fixture(scope="session")
def pg_server() -> Iterator[EmbeddedPostgres]:
    """The session's PostgreSQL cluster (created on first use, reused by later sessions, stopped at the end)."""
    server = EmbeddedPostgres(TEST_DATA / "pg")
    server.start()
    yield server
    server.stop()


async def create_database(server: EmbeddedPostgres, name: str) -> str:
    """(Re)create an empty database on the test cluster and return its URL."""
    await recreate_database(server.uri("postgres"), name)
    return server.uri(name)


async def drop_database(server: EmbeddedPostgres, name: str) -> None:
    """Drop a database of the test cluster, closing its connections first."""
    conn = await asyncpg.connect(server.uri("postgres"))
    try:
        await conn.execute("DROP DATABASE IF EXISTS " + quote_identifier(name) + " WITH (FORCE)")
    finally:
        await conn.close()


@pytest.fixture(scope="session")
async def database_url(pg_server: EmbeddedPostgres) -> AsyncIterator[str]:
    """A database for this session, migrated to head."""
    name = f"hearth_test_{os.getpid()}"
    url = await create_database(pg_server, name)
    await upgrade_to_head(url)
    yield url
    await drop_database(pg_server, name)


@pytest.fixture(scope="session")
async def database(database_url: str) -> AsyncIterator[Database]:
    """The pool factory the tests share (a generous budget; budget tests build their own)."""
    db = Database(database_url, max_connections=60, command_timeout=10, acquire_timeout=3)
    yield db
    await db.close_all()


@pytest.fixture(scope="session")
async def pool(database: Database) -> HearthPool:
    """A pool for test code itself: seeding rows and reading what the bot wrote."""
    return await database.create_pool("tests", 4)


@pytest.fixture(scope="session")
async def _reset_sql(pool: HearthPool) -> str:
    tables = await pool.fetch(
        "SELECT quote_ident(table_name) AS name FROM information_schema.tables "
        "WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name <> 'alembic_version'"
    )
    # replica role skips foreign-key triggers, so the order of the deletes does not matter.
    deletes = "; ".join(f"DELETE FROM {row['name']}" for row in tables)
    return f"SET LOCAL session_replication_role = replica; {deletes}"


@pytest.fixture
async def clean_db(pool: HearthPool, _reset_sql: str) -> HearthPool:
    """An empty database (every table but alembic_version) for this test; returns the test pool."""
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute(_reset_sql)
    return pool


class OutageDatabase:
    """A second, small cluster that tests may stop and start, to see how the bot behaves without a database."""

    def __init__(self) -> None:
        # One cluster per test session: a cluster shared with another session would not stop when told to.
        self.server = EmbeddedPostgres(TEST_DATA / f"pg-outage-{os.getpid()}")
        self.url = ""

    async def start(self) -> str:
        """Start the cluster (and create + migrate the database the first time)."""
        import asyncio

        server_uri = await asyncio.to_thread(self.server.start)
        await ensure_database(server_uri, "hearth_outage")
        self.url = self.server.uri("hearth_outage")
        await upgrade_to_head(self.url)
        return self.url

    async def stop(self) -> None:
        """Stop the server: every connection breaks, new ones are refused."""
        import asyncio

        await asyncio.to_thread(self.server.stop)


@pytest.fixture(scope="session")
async def outage_db() -> AsyncIterator[OutageDatabase]:
    """A database that a test can take down (the test must bring it back up with `start()`)."""
    database = OutageDatabase()
    await database.start()
    yield database
    await database.stop()
    shutil.rmtree(database.server.data_dir, ignore_errors=True)
