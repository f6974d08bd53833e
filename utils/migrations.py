"""Applying Alembic migrations from the bot and the tests, and refusing databases from the future."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class UnknownRevisionError(RuntimeError):
    """The database carries a migration revision this code does not know."""


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


async def current_revision(database_url: str) -> str | None:
    """The revision the database is at, or None for a database Alembic never touched."""
    engine = create_async_engine(sqlalchemy_url(database_url))
    try:
        async with engine.connect() as connection:
            return await connection.run_sync(_read_revision)
    finally:
        await engine.dispose()


def _read_revision(connection) -> str | None:  # type: ignore[no-untyped-def]
    from alembic.runtime.migration import MigrationContext

    return MigrationContext.configure(connection).get_current_revision()


async def run_alembic(database_url: str, action: str, revision: str) -> None:
    """Run `alembic <action> <revision>` (upgrade/downgrade) on `database_url` inside this event loop."""
    config = alembic_config()
    engine = create_async_engine(sqlalchemy_url(database_url))

    def _do(connection) -> None:  # type: ignore[no-untyped-def]
        config.attributes["connection"] = connection
        getattr(command, action)(config, revision)

    try:
        async with engine.connect() as connection:
            await connection.run_sync(_do)
            await connection.commit()
    finally:
        await engine.dispose()


async def upgrade_to_head(database_url: str) -> str:
    """Migrate the database to head (idempotent) and return the revision; refuse unknown revisions."""
    known = {script.revision for script in ScriptDirectory.from_config(alembic_config()).walk_revisions()}
    current = await current_revision(database_url)
    if current is not None and current not in known:
        raise UnknownRevisionError(
            f"The database is at migration revision {current!r}, which this version of Hearth does not know. "
            "It was probably migrated by a newer Hearth: run that version, or restore a backup."
        )
    head = head_revision()
    if current != head:
        await run_alembic(database_url, "upgrade", "head")
    return head
