"""Retention of log tables: one timers job per table deletes the rows older than the table's retention.

A cog that owns a log table builds a `RetentionJob` for it, calls `start()` in `load()` and `stop()` in
`unload()`: the cog prunes only its own table, with its own pool. The job is a guild-0 timers job with a fixed
kind and key, so with several bot processes it runs once (in the process holding shard 0), and a run missed
while the bot was down still happens (housekeeping is never skipped). The first run is one period after the job
was first scheduled; then it runs once per period (a day unless told otherwise).

The retention is either
- per guild (`setting=`, an INT setting in days declared by the cog): the setting's default for every guild,
  and each guild that set its own value its own; or
- one duration for the whole table (`keep=`, from the operator's environment), for tables without guild_id.

Deletes go in batches of `BATCH` rows (short statements, short row locks); one run deletes at most `RUN_LIMIT`
rows, and when more remain it runs again `RESUME_AFTER` later instead of a period later, so a large backlog
(the first run after an upgrade) is worked off in bounded steps.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from core.settings_registry import SettingSpec
from core.timers import Job

log = logging.getLogger(__name__)

BATCH = 5_000
RUN_LIMIT = 100_000
RESUME_AFTER = timedelta(minutes=1)
DAILY = timedelta(days=1)
TIMEOUT = timedelta(minutes=5)  # one run deletes at most RUN_LIMIT rows in short batches

_IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def _ident(name: str) -> str:
    """Table and column names come from code, never from users; refuse anything unusual all the same."""
    if not _IDENTIFIER.match(name):
        raise ValueError(f"not a plain identifier: {name!r}")
    return name


@dataclass(frozen=True)
class LogTable:
    """A table pruned by age: a row goes once its `time_column` is older than the retention."""

    name: str
    time_column: str
    per_guild: bool = False  # has guild_id, and the retention may differ per guild

    def _delete(self, where: str, limit_param: int) -> str:
        table, column = _ident(self.name), _ident(self.time_column)
        # ctid = ANY(ARRAY(…LIMIT n)): a bounded batch (DELETE has no LIMIT), deleted by a TID scan.
        return (f"DELETE FROM {table} WHERE ctid = ANY(ARRAY(SELECT ctid FROM {table} WHERE "
                f"{where.format(column=column)} LIMIT ${limit_param}))")

    def delete_sql(self) -> str:
        """One batch of the whole table ($1 cutoff, $2 limit)."""
        return self._delete("{column} < $1", 2)

    def delete_except_sql(self) -> str:
        """One batch of every guild but those listed ($1 cutoff, $2 guild ids to skip, $3 limit)."""
        return self._delete("{column} < $1 AND guild_id <> ALL($2::bigint[])", 3)

    def delete_guild_sql(self) -> str:
        """One batch of one guild ($1 guild id, $2 cutoff, $3 limit)."""
        return self._delete("guild_id = $1 AND {column} < $2", 3)


@dataclass
class Pruned:
    """What one run deleted, and whether it got through everything that was due."""

    deleted: int = 0
    complete: bool = True


class RetentionJob:
    """The retention job of one log table of one cog."""

    def __init__(self, cog: Any, table: LogTable, *, kind: str, key: str = "daily",
                 setting: SettingSpec | None = None, keep: Callable[[], timedelta] | timedelta | None = None,
                 every: timedelta = DAILY) -> None:
        if (setting is None) == (keep is None):
            raise ValueError("a retention job needs exactly one of setting= (per guild) or keep= (whole table)")
        if setting is not None and not table.per_guild:
            raise ValueError(f"{table.name} has no guild_id: give it one retention with keep=")
        self.cog = cog
        self.table = table
        self.kind = kind
        self.key = key
        self.setting = setting
        self._keep = keep
        self.every = every

    @property
    def bot(self) -> Any:
        return self.cog.bot

    async def start(self) -> None:
        """Handle the job in this process, and schedule it unless some process already did (call from `load()`)."""
        # Recurring: a run that failed every attempt waits for the next period instead of being lost.
        self.bot.timers.register(self.kind, self.run, on_skip=self.run, describe=lambda job: self.describe(),
                                 timeout=TIMEOUT, next_occurrence=self.next_run)
        if await self.bot.timers.due_at(self.kind, self.key) is None:
            await self.bot.timers.schedule(0, self.kind, self.key, self.bot.clock.now() + self.every)

    def stop(self) -> None:
        """Stop handling the job here (call from `unload()`); the job stays scheduled for the other processes."""
        self.bot.timers.unregister(self.kind)

    def describe(self) -> str:
        """How the job is named in logs and in the skipped-jobs summary."""
        return f"retention of {self.table.name}"

    async def next_run(self, job: Job) -> datetime:
        """Where a run that failed every attempt goes: the next period (housekeeping, never lost)."""
        return self.bot.clock.now() + self.every

    async def run(self, job: Job | None = None) -> datetime:
        """The timers handler: prune, then come back in a period (or soon, when rows are left over)."""
        pruned = await self.prune()
        return self.bot.clock.now() + (self.every if pruned.complete else RESUME_AFTER)

    async def prune(self) -> Pruned:
        """Delete what is past its retention, at most `RUN_LIMIT` rows."""
        now = self.bot.clock.now()
        pruned = Pruned()
        if self.setting is None:
            await self._batches(pruned, self.table.delete_sql(), now - self._fixed_keep())
        else:
            spec = self.setting
            overrides = {guild: _days(value, spec.default)
                         for guild, value in (await self.bot.guild_settings.overrides(spec.scope, spec.key)).items()}
            await self._batches(pruned, self.table.delete_except_sql(), now - timedelta(days=_days(spec.default, 1)),
                                list(overrides))
            for guild_id, days in overrides.items():
                if not pruned.complete:
                    break
                await self._batches(pruned, self.table.delete_guild_sql(), guild_id, now - timedelta(days=days))
        if pruned.deleted:
            log.info("Retention: deleted %d row(s) of %s%s", pruned.deleted, self.table.name,
                     "" if pruned.complete else " (more left: continuing shortly)")
        return pruned

    def _fixed_keep(self) -> timedelta:
        return self._keep() if callable(self._keep) else self._keep  # type: ignore[return-value]

    async def _batches(self, pruned: Pruned, sql: str, *args: Any) -> None:
        while pruned.complete:
            room = RUN_LIMIT - pruned.deleted
            if room <= 0:
                pruned.complete = False
                return
            limit = min(BATCH, room)
            status = await self.cog.pool.execute(sql, *args, limit)
            count = int(status.split()[-1])
            pruned.deleted += count
            if count < limit:
                return


def _days(value: Any, fallback: int) -> int:
    """A stored retention in days (validated when set; a bad old value falls back rather than deleting more)."""
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 1 else fallback
