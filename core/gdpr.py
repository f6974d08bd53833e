"""The GDPR protocol: every feature that stores something about a user exports and erases it, whether or not its
cog is loaded.

A feature takes part with a module `cogs/<feature>/gdpr.py` (found by name, like the cogs themselves, and
imported whether or not the cog is loaded) that defines

    TABLES: dict[str, tuple[str, ...]]                       # every table it answers for → the user columns it
                                                             # finds the user by (tests check coverage, indexes)
    async def export(conn, user_id) -> dict[str, list[dict]]  # table → rows, JSON-ready (`rows_of`, `staff_rows`)
    async def erase(conn, user_id) -> ErasureReport           # in the caller's transaction

A module touches only its own tables through the connection it is given: no cog object, no Discord. What an
erasure needs beyond the database it names in its report: timers jobs to cancel (`jobs`, cancelled in the same
transaction) and Discord channels that hold the user's data (`channels`, deleted after the commit).

`export_everything` runs every export on one connection in one read-only snapshot. `erase_everything` runs every
erasure in ONE transaction (all or nothing), then deletes the channels and tells every loaded cog — in this
process directly, in the others through NOTIFY (every bot listens, see HearthBot.prepare) — to drop what it
holds in memory about the user, so a buffer flush cannot write the data back. The answer names exactly what
could not be erased.

A loaded cog that keeps user data in memory takes part with either or both of

    async def flush_for_gdpr(self) -> None                    # write what is buffered (before export / erasure)
    async def forget_erased_user(self, user_id: int) -> None  # drop what it holds (after the erasure committed)
"""

from __future__ import annotations

import importlib
import importlib.util
import logging
import os
import re
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from types import ModuleType
from typing import Any
from uuid import UUID

import asyncpg
import discord

from core.cog_discovery import discover_cogs
from core.db import Executor, TransactionPool
from core.notify import notify

log = logging.getLogger(__name__)

ERASED_CHANNEL = "hearth_user_erased"  # NOTIFY payload "<user id> <origin>": every process forgets the user
MODULE = "gdpr"  # cogs/<feature>/gdpr.py
# Two erasures (or an erasure and a buffer flush) can deadlock on rows of the same tables: one retry.
RETRYABLE = (asyncpg.DeadlockDetectedError, asyncpg.SerializationError)


@dataclass
class ErasureReport:
    """What an erasure did: rows deleted or anonymised per table, what it kept with the reason, and what is left
    to do outside the database (timers jobs to cancel in the transaction, channels to delete after it)."""

    deleted: dict[str, int] = field(default_factory=dict)
    anonymised: dict[str, int] = field(default_factory=dict)
    kept: dict[str, str] = field(default_factory=dict)  # table → why it is kept
    jobs: list[tuple[str, str]] = field(default_factory=list)  # timers (kind, key) that served erased rows
    channels: list[tuple[int, int]] = field(default_factory=list)  # (guild id, channel id) holding the user's data

    def merge(self, other: ErasureReport) -> None:
        """Add another report's figures to this one."""
        for source, target in ((other.deleted, self.deleted), (other.anonymised, self.anonymised)):
            for table, count in source.items():
                target[table] = target.get(table, 0) + count
        self.kept.update(other.kept)
        self.jobs.extend(other.jobs)
        self.channels.extend(other.channels)


@dataclass
class Erasure:
    """The outcome of a request: the committed report (empty when nothing was erased) and exactly what was not."""

    report: ErasureReport
    committed: bool
    not_erased: list[str] = field(default_factory=list)


Export = Callable[[Any, int], Awaitable[dict[str, list[dict[str, Any]]]]]
Erase = Callable[[Any, int], Awaitable[ErasureReport]]


@dataclass(frozen=True)
class Part:
    """One feature's GDPR module."""

    feature: str
    tables: Mapping[str, tuple[str, ...]]
    export: Export
    erase: Erase


def _part(feature: str, module: ModuleType) -> Part:
    tables, export, erase = (getattr(module, name, None) for name in ("TABLES", "export", "erase"))
    if not isinstance(tables, Mapping) or not callable(export) or not callable(erase):
        raise TypeError("it must define TABLES (a dict), export(conn, user_id) and erase(conn, user_id)")
    return Part(feature, tables, export, erase)


def parts(package: str = "cogs") -> tuple[list[Part], dict[str, str]]:
    """Every feature's GDPR module under `package` (its cog loaded or not), and the features whose module could
    not be imported (feature → why)."""
    found: list[Part] = []
    broken: dict[str, str] = {}
    for feature in discover_cogs(package):  # the discovery that loads the cogs: by name, no cog import
        name = f"{package}.{feature}.{MODULE}"
        try:
            if importlib.util.find_spec(name) is None:
                continue  # the feature stores nothing about users
            found.append(_part(feature, importlib.import_module(name)))
        except Exception as exc:  # one broken module must not stop the others; the answer names it
            log.exception("GDPR: the module %s cannot be used", name)
            broken[feature] = f"{type(exc).__name__}: {exc}"
    return found, broken


def covered_columns(package: str = "cogs") -> dict[str, set[str]]:
    """Table → the user columns the GDPR modules find users by (for the coverage and index checks)."""
    found, broken = parts(package)
    if broken:
        raise RuntimeError(f"GDPR modules that cannot be imported: {broken}")
    columns: dict[str, set[str]] = {}
    for part in found:
        for table, names in part.tables.items():
            columns.setdefault(table, set()).update(names)
    return columns


# --- loaded cogs with user data in memory ---------------------------------------------------------------------


async def _each_loaded_cog(bot: Any, hook: str, *args: Any) -> list[str]:
    """Call `hook(*args)` on every loaded cog that defines it; the names of the cogs where it failed."""
    failed = []
    for name, cog in list(bot.cogs.items()):
        method = getattr(cog, hook, None)
        if method is None:
            continue
        try:
            await method(*args)
        except Exception:
            log.exception("GDPR: %s failed in cog %s", hook, name)
            failed.append(name)
    return failed


async def _flush_loaded(bot: Any) -> list[str]:
    """Let loaded cogs write what they buffer; the cogs whose flush failed."""
    return await _each_loaded_cog(bot, "flush_for_gdpr")


async def forget_in_memory(bot: Any, user_id: int) -> list[str]:
    """Tell every loaded cog of this process to drop what it holds in memory about the user; the cogs that failed."""
    return await _each_loaded_cog(bot, "forget_erased_user", user_id)


def _origin(bot: Any) -> str:
    return f"{os.getpid()}-{id(bot)}"


async def on_erased_notification(bot: Any, payload: str) -> None:
    """Another process erased a user (NOTIFY on `ERASED_CHANNEL`): drop what this process holds about them."""
    user, _, origin = payload.partition(" ")
    if origin == _origin(bot) or not user.isdigit():
        return  # our own erasure: its cogs were told already
    failed = await forget_in_memory(bot, int(user))
    if failed:
        log.error("GDPR: after an erasure in another process, cogs %s still hold data of user %s", failed, user)


# --- export ---------------------------------------------------------------------------------------------------


async def export_everything(bot: Any, pool: TransactionPool,
                            user_id: int) -> tuple[dict[str, dict[str, list]], list[str]]:
    """Every feature's export (feature → table → rows), from one snapshot, and what is missing from it."""
    found, broken = parts(bot.cog_package)
    missing = [f"{feature} (its data module cannot be loaded)" for feature in sorted(broken)]
    missing += [f"{name} (the last seconds of activity, still in memory)" for name in await _flush_loaded(bot)]
    results: dict[str, dict[str, list]] = {}
    async with pool.acquire() as conn, conn.transaction(isolation="repeatable_read", readonly=True):
        for part in found:
            try:
                async with conn.transaction():  # a savepoint: one failing part does not spoil the others
                    results[part.feature] = await part.export(conn, user_id)
            except Exception:
                log.exception("GDPR export: %s failed for user %s", part.feature, user_id)
                missing.append(part.feature)
    return results, missing


# --- erasure --------------------------------------------------------------------------------------------------


async def erase_everything(bot: Any, pool: TransactionPool, user_id: int) -> Erasure:
    """Erase the user from every feature's tables in one transaction, then outside the database; see the module."""
    found, broken = parts(bot.cog_package)
    await _flush_loaded(bot)  # so buffered rows are erased too; what stays buffered is dropped after the commit
    report = ErasureReport()
    for attempt in (1, 2):
        current = "the database"
        try:
            report = ErasureReport()
            async with pool.acquire() as conn, conn.transaction():
                for part in found:
                    current = part.feature
                    report.merge(await part.erase(conn, user_id))
                current = "scheduled jobs"
                for kind, key in report.jobs:
                    await bot.timers.cancel(kind, key, conn=conn)
                await notify(conn, ERASED_CHANNEL, f"{user_id} {_origin(bot)}")
            break
        except Exception as exc:
            if attempt == 1 and isinstance(exc, RETRYABLE):
                log.info("GDPR erasure of user %s collided with another write; retrying once", user_id)
                continue
            log.exception("GDPR erasure of user %s failed in %s; nothing was erased", user_id, current)
            return Erasure(ErasureReport(), False, [f"everything: {current} failed ({type(exc).__name__}), so the "
                                                    "whole erasure was undone"])
    not_erased = [f"{feature}: its data module cannot be loaded (the operator has been told in the log)"
                  for feature in sorted(broken)]
    for guild_id, channel_id in report.channels:
        problem = await _delete_channel(bot, guild_id, channel_id)
        if problem:
            not_erased.append(problem)
    not_erased += [f"{name}: data held in memory (it may be written again)"
                   for name in await forget_in_memory(bot, user_id)]
    return Erasure(report, True, not_erased)


async def _delete_channel(bot: Any, guild_id: int, channel_id: int) -> str | None:
    """Delete a channel that holds the user's data; a sentence for the member when that is not possible."""
    try:
        channel = bot.get_channel(channel_id) or await bot.fetch_channel(channel_id)
        await channel.delete(reason="The member asked for their data to be erased")
    except discord.NotFound:
        return None  # gone already
    except discord.HTTPException as exc:
        log.warning("GDPR erasure: cannot delete channel %s of guild %s: %s", channel_id, guild_id, exc)
        why = "I lack the permission" if isinstance(exc, discord.Forbidden) else "Discord refused"
        guild = bot.get_guild(guild_id)
        server = f"**{guild.name}**" if guild is not None else f"server {guild_id}"
        return f"the private channel <#{channel_id}> on {server} ({why}; ask its staff to delete it)"
    return None


# --- what an export row looks like ----------------------------------------------------------------------------


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
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    return value


def rows_affected(status: str) -> int:
    """The count in an asyncpg status string such as 'DELETE 3' or 'UPDATE 1'."""
    return int(status.split()[-1])


# --- helpers for the common cases: rows found by a user column, then deleted or anonymised --------------------

_IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def _ident(name: str) -> str:
    """Table and column names come from code, never from users; refuse anything unusual all the same."""
    if not _IDENTIFIER.match(name):
        raise ValueError(f"not a plain identifier: {name!r}")
    return name


async def rows_of(executor: Executor, table: str, column: str, user_id: int) -> list[dict[str, Any]]:
    """Every row of `table` whose `column` is the user, JSON-ready (for exports of the user's own rows)."""
    sql = "SELECT * FROM " + _ident(table) + " WHERE " + _ident(column) + " = $1"
    return [jsonable(row) for row in await executor.fetch(sql, user_id)]


async def staff_rows(executor: Executor, table: str, columns: tuple[str, ...], user_id: int, *,
                     subject: str | None = None) -> list[dict[str, Any]]:
    """Rows where the user only acted on someone else's record (claimed a ticket, decided an appeal …): the row's
    id and the user's role in it (the column), nothing else of the row. Rows whose `subject` column is the user
    are theirs and belong in the export whole (`rows_of`), so they are left out here."""
    found: list[dict[str, Any]] = []
    for column in columns:
        sql = "SELECT id FROM " + _ident(table) + " WHERE " + _ident(column) + " = $1"
        if subject is not None:
            sql += " AND " + _ident(subject) + " IS DISTINCT FROM $1"
        found += [{"id": row["id"], "role": column} for row in await executor.fetch(sql + " ORDER BY id", user_id)]
    return found


async def delete_rows(executor: Executor, table: str, column: str, user_id: int) -> int:
    """Delete the rows of `table` whose `column` is the user; returns how many."""
    return rows_affected(await executor.execute(
        "DELETE FROM " + _ident(table) + " WHERE " + _ident(column) + " = $1", user_id))


async def forget_user(executor: Executor, table: str, column: str, user_id: int, *, replacement: Any = None) -> int:
    """Keep the rows but replace the user in `column` (NULL, or e.g. 0 for NOT NULL columns); returns how many."""
    return rows_affected(await executor.execute(
        "UPDATE " + _ident(table) + " SET " + _ident(column) + " = $2 WHERE " + _ident(column) + " = $1",
        user_id, replacement))
