"""Alembic environment: runs the hand-written migrations over asyncpg.

Two ways in:
- `alembic upgrade head` on the command line: the URL comes from DATABASE_DIRECT_URL, else DATABASE_URL (a plain
  postgresql:// URL);
- `core.migrations` from inside the bot or the tests: it hands over an open connection in
  `config.attributes["connection"]`, so no second event loop is needed.
"""

from __future__ import annotations

import asyncio
import os

from alembic import context
from sqlalchemy.ext.asyncio import create_async_engine

from core.migrations import migration_lock, sqlalchemy_url

config = context.config


def _run(connection) -> None:  # type: ignore[no-untyped-def]
    # Under the migration lock, so two processes (or a process and `alembic upgrade head` by hand) never migrate
    # at once; Alembic reads the revision only once the lock is held. Re-entrant when core.migrations holds it.
    with migration_lock(connection):
        context.configure(connection=connection, target_metadata=None, transaction_per_migration=True)
        with context.begin_transaction():
            context.run_migrations()


async def _run_with_new_engine(url: str) -> None:
    engine = create_async_engine(sqlalchemy_url(url))
    try:
        async with engine.connect() as connection:
            await connection.run_sync(_run)
            await connection.commit()
    finally:
        await engine.dispose()


def _main() -> None:
    if context.is_offline_mode():
        raise SystemExit("Offline (--sql) mode is not supported: run migrations against a database.")
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    # The migration lock is a session-level advisory lock: never through a transaction-pooling PgBouncer.
    url = (config.attributes.get("database_url") or os.environ.get("DATABASE_DIRECT_URL")
           or os.environ.get("DATABASE_URL"))
    if not url:
        raise SystemExit("Set DATABASE_URL (postgresql://user:pass@host:5432/db) to run migrations.")
    asyncio.run(_run_with_new_engine(url))


_main()
