"""Applying Alembic migrations from the bot and the tests, and refusing databases from the future.

Several processes may start at once on the same database (a fresh one, or one a new version must upgrade): the
upgrade runs under a PostgreSQL advisory lock (`migration_lock`), so one process migrates while the others wait,
then read the revision again, find it at head and start normally. `alembic upgrade head` by hand takes the same
lock (migrations/env.py).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any, TypeVar

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from core.migration_errors import UnknownRevisionError  # apart: bot.py catches it without Alembic

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# One advisory lock key for every Hearth migration ("hearthdb"; advisory keys are per database, so two Hearth
# databases on one server do not wait for each other).
MIGRATION_LOCK = int.from_bytes(b"hearthdb", "big")

log = logging.getLogger(__name__)
T = TypeVar("T")


__all__ = ["UnknownRevisionError", "current_revision", "head_revision", "migration_lock", "run_alembic",
           "sqlalchemy_url", "upgrade_to_head"]


def sqlalchemy_url(database_url: str) -> str:
    """Turn the plain `postgresql://` URL that asyncpg uses into SQLAlchemy's `postgresql+asyncpg://` form."""
    url = make_url(database_url.replace("postgres://", "postgresql://", 1))
    if url.password == "":
        url = url.set(password=None)
    return url.set(drivername="postgresql+asyncpg").render_as_string(hide_password=False)


def alembic_config() -> Config:
    """The project's Alembic configuration, independent of the current directory."""
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(PROJECT_ROOT / "migrations"))
    return config


def head_revision() -> str:
    """The newest revision in `migrations/versions`."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None, "migrations/versions holds no migration"
    return head


async def _on_connection(database_url: str, work: Callable[[Any], T]) -> T:
    """Run the synchronous `work(connection)` on a SQLAlchemy connection to `database_url`, inside this event loop
    (Alembic's commands are synchronous)."""
    engine = create_async_engine(sqlalchemy_url(database_url))
    try:
        async with engine.connect() as connection:
            return await connection.run_sync(work)
    finally:
        await engine.dispose()


async def current_revision(database_url: str) -> str | None:
    """The revision the database is at, or None for a database Alembic never touched."""
    return await _on_connection(database_url, _read_revision)


def _read_revision(connection) -> str | None:  # type: ignore[no-untyped-def]
    from alembic.runtime.migration import MigrationContext

    return MigrationContext.configure(connection).get_current_revision()


async def run_alembic(database_url: str, action: str, revision: str) -> None:
    """Run `alembic <action> <revision>` (upgrade/downgrade) on `database_url` inside this event loop."""
    config = alembic_config()

    def _do(connection) -> None:  # type: ignore[no-untyped-def]
        config.attributes["connection"] = connection
        getattr(command, action)(config, revision)
        connection.commit()

    await _on_connection(database_url, _do)


@contextmanager
def migration_lock(connection: Any) -> Iterator[None]:
    """Hold the migration advisory lock (session level) on a SQLAlchemy connection; waits while another process
    holds it. The lock is re-entrant within a session (the bot's upgrade takes it, then env.py again)."""
    lock = f"SELECT pg_try_advisory_lock({MIGRATION_LOCK})"  # a constant, never user input
    if not connection.exec_driver_sql(lock).scalar():
        log.info("Another process is migrating the database; waiting for it to finish")
        connection.exec_driver_sql(f"SELECT pg_advisory_lock({MIGRATION_LOCK})")
    connection.commit()  # a session-level lock outlives the transaction; Alembic then runs its own
    unlock = f"SELECT pg_advisory_unlock({MIGRATION_LOCK})"
    try:
        yield
    except BaseException:
        # A failed migration leaves its transaction aborted; the original error is what matters (closing the
        # connection releases the lock anyway).
        with suppress(Exception):
            if connection.in_transaction():
                connection.rollback()
            connection.exec_driver_sql(unlock)
            connection.commit()
        raise
    connection.exec_driver_sql(unlock)
    connection.commit()


async def upgrade_to_head(database_url: str) -> str:
    """Migrate the database to head (idempotent) and return the revision; refuse unknown revisions.

    Safe with several processes starting at once: the revision is read under the migration lock, so a process
    that waited for another one's upgrade finds the database at head and does nothing."""
    known = {script.revision for script in ScriptDirectory.from_config(alembic_config()).walk_revisions()}
    head = head_revision()
    config = alembic_config()

    def _upgrade(connection) -> None:  # type: ignore[no-untyped-def]
        with migration_lock(connection):
            current = _read_revision(connection)
            connection.commit()
            if current is not None and current not in known:
                raise UnknownRevisionError(
                    f"The database is at migration revision {current!r}, which this version of Hearth does not "
                    "know. It was probably migrated by a newer Hearth: run that version, or restore a backup."
                )
            if current != head:
                config.attributes["connection"] = connection
                command.upgrade(config, "head")
                connection.commit()

    await _on_connection(database_url, _upgrade)
    return head
