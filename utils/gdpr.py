"""The GDPR protocol: every cog that stores something about a user exports and erases it itself.

A cog takes part by defining

    gdpr_tables: ClassVar[tuple[str, ...]]          # the tables it answers for (checked by a test against
                                                      # every table with a user column)
    async def export_user_data(self, user_id: int) -> dict[str, list[dict]]   # table → rows (JSON-able)
    async def erase_user_data(self, user_id: int) -> ErasureReport

`export_everything` / `erase_everything` fan out to all loaded cogs that declare tables, and report any cog
that failed or did not answer in time, so a request is never silently incomplete.
"""

from __future__ import annotations

import asyncio
import logging
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any, Protocol, runtime_checkable
from uuid import UUID

log = logging.getLogger(__name__)

ANSWER_TIMEOUT = 10.0  # seconds a cog gets to export or erase


@dataclass
class ErasureReport:
    """What a cog did: rows deleted or anonymised per table, and what it kept with the reason."""

    deleted: dict[str, int] = field(default_factory=dict)
    anonymised: dict[str, int] = field(default_factory=dict)
    kept: dict[str, str] = field(default_factory=dict)  # table → why it is kept

    def merge(self, other: ErasureReport) -> None:
        """Add another report's figures to this one."""
        for source, target in ((other.deleted, self.deleted), (other.anonymised, self.anonymised)):
            for table, count in source.items():
                target[table] = target.get(table, 0) + count
        self.kept.update(other.kept)


@runtime_checkable
class GDPRParticipant(Protocol):
    """A cog holding user data."""

    gdpr_tables: tuple[str, ...]

    async def export_user_data(self, user_id: int) -> dict[str, list[dict[str, Any]]]: ...

    async def erase_user_data(self, user_id: int) -> ErasureReport: ...


def participants(bot: Any) -> dict[str, GDPRParticipant]:
    """Loaded cogs that declare GDPR tables, by cog name."""
    return {name: cog for name, cog in bot.cogs.items()
            if getattr(cog, "gdpr_tables", ()) and isinstance(cog, GDPRParticipant)}


def jsonable(row: Any) -> dict[str, Any]:
    """A database row as JSON-ready values (dates as ISO text, ids as numbers)."""
    return {key: _plain(value) for key, value in dict(row).items()}


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    return value


def rows_affected(status: str) -> int:
    """The count in an asyncpg status string such as 'DELETE 3' or 'UPDATE 1'."""
    return int(status.split()[-1])


async def export_everything(bot: Any, user_id: int) -> tuple[dict[str, dict[str, list]], list[str]]:
    """Every cog's export (cog → table → rows) and the cogs that did not answer."""
    results: dict[str, dict[str, list]] = {}
    failed: list[str] = []
    for name, cog in participants(bot).items():
        try:
            results[name] = await asyncio.wait_for(cog.export_user_data(user_id), ANSWER_TIMEOUT)
        except Exception:
            log.exception("GDPR export: cog %s did not answer for user %s", name, user_id)
            failed.append(name)
    return results, failed


async def erase_everything(bot: Any, user_id: int) -> tuple[ErasureReport, list[str]]:
    """Ask every cog to erase the user; the merged report and the cogs that did not answer."""
    total = ErasureReport()
    failed: list[str] = []
    for name, cog in participants(bot).items():
        try:
            total.merge(await asyncio.wait_for(cog.erase_user_data(user_id), ANSWER_TIMEOUT))
        except Exception:
            log.exception("GDPR erasure: cog %s did not answer for user %s", name, user_id)
            failed.append(name)
    return total, failed


_ACCEPTED = "SELECT accepted = 1 FROM gdpr_acceptance WHERE guild_id = $1 AND user_id = $2"


async def has_accepted(executor: Any, guild_id: int, user_id: int) -> bool:
    """Whether the member clicked "I Agree" on the guild's GDPR agreement (see the gdpr cog)."""
    return bool(await executor.fetchval(_ACCEPTED, guild_id, user_id))


async def acceptance_required(bot: Any, guild_id: int) -> bool:
    """Whether the guild requires the GDPR agreement before onboarding and other features (`gdpr.required`)."""
    if bot.settings_registry.get("gdpr", "required") is None:
        return False  # the gdpr cog is not loaded
    return bool(await bot.guild_settings.get(guild_id, "gdpr", "required"))


# --- helpers for the common cases: rows found by a user column, then deleted or anonymised --------------------

_IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def _ident(name: str) -> str:
    """Table and column names come from code, never from users; refuse anything unusual all the same."""
    if not _IDENTIFIER.match(name):
        raise ValueError(f"not a plain identifier: {name!r}")
    return name


async def rows_of(executor: Any, table: str, column: str, user_id: int) -> list[dict[str, Any]]:
    """Every row of `table` whose `column` is the user, JSON-ready (for exports)."""
    sql = "SELECT * FROM " + _ident(table) + " WHERE " + _ident(column) + " = $1"
    return [jsonable(row) for row in await executor.fetch(sql, user_id)]


async def delete_rows(executor: Any, table: str, column: str, user_id: int) -> int:
    """Delete the rows of `table` whose `column` is the user; returns how many."""
    return rows_affected(await executor.execute(
        "DELETE FROM " + _ident(table) + " WHERE " + _ident(column) + " = $1", user_id))


async def forget_user(executor: Any, table: str, column: str, user_id: int, *, replacement: Any = None) -> int:
    """Keep the rows but replace the user in `column` (NULL, or e.g. 0 for NOT NULL columns); returns how many."""
    return rows_affected(await executor.execute(
        "UPDATE " + _ident(table) + " SET " + _ident(column) + " = $2 WHERE " + _ident(column) + " = $1",
        user_id, replacement))
