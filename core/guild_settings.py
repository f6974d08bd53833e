"""Per-guild settings: values in `bot_settings`, every change in `settings_history`, cached per guild.

Feature code reads a setting with `await bot.guild_settings.setting(guild_id, SPEC)`, where SPEC is the
`SettingSpec` constant its cog declares in `settings.py` (the registered default when unset); the value comes back
typed as the spec says. `get(guild_id, scope, key)` reads by name, for `/config`, whose keys come from admins.
The first read of a guild loads all its rows in one query (one for all the reads that miss at once:
`core.guild_cache.GuildCache`; one for all the guilds whose first reads start together, e.g. at start-up);
later reads are memory only, and every change invalidates the guild's cache. Each change is one transaction: the
value and its history row together.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from core.coalesced_reads import CoalescedReads
from core.db import HearthPool
from core.guild_cache import GuildCache
from core.notify import notify
from core.settings_registry import SettingSpec, SettingsRegistry
from utils.clock import Clock

T = TypeVar("T")

# The settings of the guilds whose first reads start in the same turn of the event loop, in one query.
_READ_GUILDS = ("SELECT guild_id, scope, key, value, updated_by FROM bot_settings "
                "WHERE guild_id = ANY($1::bigint[])")
READ_BATCH = 1000  # guilds per query


class UnknownSetting(LookupError):
    """scope.key is not declared in the registry."""


@dataclass(frozen=True)
class Change:
    """One applied change: the setting, and its value before and after (None = unset, the default applies)."""

    spec: SettingSpec
    old: Any
    new: Any
    history_id: int


@dataclass(frozen=True)
class HistoryEntry:
    """A row of `settings_history`."""

    id: int
    scope: str
    key: str
    old_value: Any
    new_value: Any
    value_type: str | None
    changed_by: int | None
    changed_at: datetime
    change_type: str


@dataclass(frozen=True)
class GuildValues:
    """A guild's stored values and who last set each (`bot_settings.updated_by`), cached together; replaced,
    never changed, when they change."""

    values: dict[tuple[str, str], Any]
    setters: dict[tuple[str, str], int | None]

    def value(self, spec: SettingSpec[T]) -> T:
        """The guild's value of `spec`, or its default. No check that its cog is loaded (`GuildSettings.setting`
        refuses the settings of a cog that is not): for a cog's own settings and system settings."""
        value: T = self.values.get(spec.ref, spec.default)
        return value


_LOCK_VALUE = "SELECT value FROM bot_settings WHERE guild_id = $1 AND scope = $2 AND key = $3 FOR UPDATE"
_OVERRIDES = "SELECT guild_id, value FROM bot_settings WHERE scope = $1 AND key = $2"
_DELETE_VALUE = "DELETE FROM bot_settings WHERE guild_id = $1 AND scope = $2 AND key = $3"
_UPSERT_VALUE = """
    INSERT INTO bot_settings (guild_id, scope, key, value, value_type, updated_by, updated_at)
    VALUES ($1, $2, $3, $4, $5, $6, $7)
    ON CONFLICT (guild_id, scope, key) DO UPDATE SET value = EXCLUDED.value, value_type = EXCLUDED.value_type,
        updated_by = EXCLUDED.updated_by, updated_at = EXCLUDED.updated_at
"""
_INSERT_HISTORY = """
    INSERT INTO settings_history (guild_id, scope, key, old_value, new_value, value_type, changed_by, changed_at,
                                  change_type)
    VALUES ($1, $2, $3, $4, $5::text::jsonb, $6, $7, $8, $9) RETURNING id
"""
_HISTORY_SELECT = (
    "SELECT id, scope, key, old_value, new_value, value_type, changed_by, changed_at, change_type "
    "FROM settings_history "
)
_HISTORY_BEFORE = _HISTORY_SELECT + "WHERE guild_id = $1 AND ($2::bigint IS NULL OR id < $2) ORDER BY id DESC LIMIT $3"
_HISTORY_COUNT = "SELECT count(*) FROM settings_history "
_HISTORY_FILTER = "WHERE guild_id = $1 AND ($2::text IS NULL OR scope = $2) AND ($3::text IS NULL OR key = $3) "


NOTIFY_CHANNEL = "hearth_settings"


class GuildSettings:
    """Read and change guild settings through the registry, with a per-guild cache."""

    def __init__(self, registry: SettingsRegistry, pool: HearthPool, clock: Clock,
                 on_change: Callable[[int, list[tuple[str, str]]], None] | None = None) -> None:
        self.registry = registry
        self.pool = pool
        self.clock = clock
        self.on_change = on_change  # told (guild id, changed scope/key pairs) after each committed change
        self.instance = uuid.uuid4().hex[:12]  # tells this process's own notifications from other processes' ones
        # One load per guild even when a burst of events misses at once; a read overtaken by a change is not
        # kept; after a lost LISTEN connection the last known rows answer while the database is unreachable.
        self._rows: GuildCache[GuildValues] = GuildCache(CoalescedReads(self._read_guilds, batch=READ_BATCH))

    def spec(self, scope: str, key: str) -> SettingSpec:
        """The declared setting, or `UnknownSetting`."""
        spec = self.registry.get(scope, key)
        if spec is None:
            raise UnknownSetting(f"{scope}.{key}")
        return spec

    async def stored(self, guild_id: int) -> dict[tuple[str, str], Any]:
        """Every value stored for the guild (not the defaults), from the cache when possible."""
        return (await self.values(guild_id)).values

    @property
    def fallbacks(self) -> int:
        """Reads answered from the last known rows because the database was unreachable."""
        return self._rows.fallbacks

    async def values(self, guild_id: int) -> GuildValues:
        """The guild's stored values and who set each (`GuildValues`, for reading several of them), from the cache
        when possible."""
        cached = self._rows.peek(guild_id)  # the hot path: no coroutine beyond this one
        return cached if cached is not None else await self._rows.get(guild_id)

    async def _read_guilds(self, guild_ids: list[int]) -> dict[int, GuildValues]:
        """The rows of these guilds, in one query (`CoalescedReads` gathers the guilds whose first reads start in
        the same turn of the event loop, e.g. every guild at start-up)."""
        rows = await self.pool.fetch(_READ_GUILDS, guild_ids)
        found: dict[int, GuildValues] = {guild_id: GuildValues({}, {}) for guild_id in guild_ids}
        for row in rows:
            rows_of = found[row["guild_id"]]
            rows_of.values[(row["scope"], row["key"])] = row["value"]
            rows_of.setters[(row["scope"], row["key"])] = row["updated_by"]
        return found

    async def setter(self, guild_id: int, scope: str, key: str) -> int | None:
        """Who last set the stored value of scope.key (None: not stored, or the setter's data was erased).

        Role-granting features check the role against this member each time they give it."""
        self.spec(scope, key)
        return (await self.values(guild_id)).setters.get((scope, key))

    async def get(self, guild_id: int, scope: str, key: str) -> Any:
        """The guild's value of scope.key, or its registered default."""
        spec = self.spec(scope, key)
        values = await self.stored(guild_id)
        return values.get((scope, key), spec.default)

    def in_memory(self, guild_id: int) -> GuildValues | None:
        """The guild's settings as held in memory, an object replaced (never changed) whenever they change; None
        when they are not in memory. Lets a hot path keep what it derived from them until they change."""
        return self._rows.peek(guild_id)

    async def setting(self, guild_id: int, spec: SettingSpec[T]) -> T:
        """The guild's value of a declared setting, or its registered default; `UnknownSetting` when the spec's
        cog is not loaded (its scope is not registered). Read on every message by several stages: two dict
        lookups once the guild's settings are in memory."""
        key = (spec.scope, spec.key)
        registered = self.registry.get(*key)
        if registered is None:
            raise UnknownSetting(f"{spec.scope}.{spec.key}")
        rows = self._rows.peek(guild_id)
        if rows is None:
            rows = await self._rows.get(guild_id)
        value: T = rows.values.get(key, registered.default)
        return value

    async def overrides(self, scope: str, key: str) -> dict[int, Any]:
        """Every guild that set scope.key itself, with its value (for jobs over all guilds, e.g. retention);
        the other guilds have the registered default. Always read from the database, never the cache."""
        self.spec(scope, key)
        rows = await self.pool.fetch(_OVERRIDES, scope, key)
        return {row["guild_id"]: row["value"] for row in rows}

    def invalidate(self, guild_id: int | None = None) -> None:
        """Forget cached values of one guild (or all guilds)."""
        self._rows.invalidate(guild_id)

    def mark_stale(self, guild_id: int | None = None) -> None:
        """Re-read one guild (or every guild, after a lost LISTEN connection) on next use, but serve the last
        known values while the database cannot be reached (stale settings beat failing every message)."""
        self._rows.mark_stale(guild_id)

    async def set(self, guild_id: int, scope: str, key: str, value: Any, *, changed_by: int | None,
                  change_type: str | None = None) -> Change:
        """Store a (validated) value and its history row in one transaction."""
        changes = await self.apply(guild_id, [(self.spec(scope, key), value)], changed_by=changed_by,
                                   change_type=change_type)
        return changes[0]

    async def reset(self, guild_id: int, scope: str, key: str, *, changed_by: int | None) -> Change | None:
        """Remove the stored value (the default applies again); None if nothing was stored."""
        spec = self.spec(scope, key)
        if (scope, key) not in await self.stored(guild_id):
            return None
        changes = await self.apply(guild_id, [(spec, None)], changed_by=changed_by, change_type="deleted")
        return changes[0]

    async def apply(self, guild_id: int, items: Iterable[tuple[SettingSpec, Any]], *, changed_by: int | None,
                    change_type: str | None = None) -> list[Change]:
        """Apply several changes atomically; a None value deletes the stored row. Returns what changed."""
        now = self.clock.now()
        applied: list[Change] = []
        try:
            async with self.pool.acquire() as conn, conn.transaction():
                for spec, value in items:
                    old_row = await conn.fetchrow(_LOCK_VALUE, guild_id, spec.scope, spec.key)
                    old = old_row["value"] if old_row else None
                    if value is None:
                        await conn.execute(_DELETE_VALUE, guild_id, spec.scope, spec.key)
                    else:
                        await conn.execute(_UPSERT_VALUE, guild_id, spec.scope, spec.key, value, spec.type.value,
                                           changed_by, now)
                    kind = change_type or ("created" if old_row is None else "updated")
                    # new_value is NOT NULL: a deletion is recorded as JSON null.
                    history_id = await conn.fetchval(_INSERT_HISTORY, guild_id, spec.scope, spec.key, old,
                                                     json.dumps(value), spec.type.value, changed_by, now, kind)
                    applied.append(Change(spec, old, value, history_id))
                # Other bot processes drop their cached copy when this transaction commits.
                keys = ";".join(f"{c.spec.scope}.{c.spec.key}" for c in applied)
                await notify(conn, NOTIFY_CHANNEL, f"{guild_id}|{self.instance}|{keys}")
        except BaseException:
            self.mark_stale(guild_id)  # rolled back (e.g. the database is down): the old values still hold
            raise
        self.invalidate(guild_id)
        if self.on_change is not None and applied:
            self.on_change(guild_id, [(c.spec.scope, c.spec.key) for c in applied])
        return applied

    def on_notification(self, payload: str) -> None:
        """A change committed by any process (LISTEN/NOTIFY): forget the guild's cached values; for another
        process's change, also tell this process's listeners (`on_change`) which settings changed."""
        guild, _, rest = payload.partition("|")
        instance, _, keys = rest.partition("|")
        if not guild.isdigit():
            return
        self.invalidate(int(guild))
        if instance != self.instance and self.on_change is not None and keys:
            self.on_change(int(guild), [tuple(key.split(".", 1)) for key in keys.split(";")])  # type: ignore[misc]

    async def history(self, guild_id: int, *, scope: str | None = None, key: str | None = None,
                      limit: int = 10, offset: int = 0) -> tuple[list[HistoryEntry], int]:
        """A page of the guild's history, newest first, and the total number of entries."""
        async with self.pool.acquire() as conn:
            total = await conn.fetchval(_HISTORY_COUNT + _HISTORY_FILTER, guild_id, scope, key)
            rows = await conn.fetch(
                _HISTORY_SELECT + _HISTORY_FILTER + "ORDER BY id DESC LIMIT $4 OFFSET $5",
                guild_id, scope, key, limit, offset,
            )
        return [HistoryEntry(**dict(row)) for row in rows], total

    async def history_before(self, guild_id: int, before: int | None, limit: int) -> list[HistoryEntry]:
        """Up to `limit` of the guild's history entries with an id below `before` (None: the newest), newest first
        (the HTTP API's cursor paging)."""
        rows = await self.pool.fetch(_HISTORY_BEFORE, guild_id, before, limit)
        return [HistoryEntry(**dict(row)) for row in rows]

    async def entry(self, guild_id: int, entry_id: int) -> HistoryEntry | None:
        """One history entry of this guild (None for another guild's id)."""
        row = await self.pool.fetchrow(_HISTORY_SELECT + "WHERE guild_id = $1 AND id = $2", guild_id, entry_id)
        return HistoryEntry(**dict(row)) if row else None

    async def rollback(self, guild_id: int, entry: HistoryEntry, *, changed_by: int | None) -> Change:
        """Give the setting back the value that `entry` set (unset, if that entry was a reset)."""
        spec = self.spec(entry.scope, entry.key)
        changes = await self.apply(guild_id, [(spec, entry.new_value)], changed_by=changed_by, change_type="rollback")
        return changes[0]
