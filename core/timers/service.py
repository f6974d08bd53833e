"""The timers service as cogs use it: registering kinds of job, scheduling and cancelling jobs, and the shards
whose guilds' jobs this process runs. Running them is the dispatcher's part (`Dispatcher`)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from core.db import Executor
from core.settings_registry import SettingSpec
from core.timers.dispatcher import Dispatcher
from core.timers.jobs import Describe, Handler, Kind
from core.timers.repo import (
    delete_jobs,
    guild_jobs,
    job_due_at,
    keyed_jobs,
    queued_counts,
    resume_jobs,
    upsert_job,
)

DEFAULT_TIMEOUT = timedelta(seconds=60)


class TimerService(Dispatcher):
    """Schedules jobs and runs them when due, exactly once across processes; with several processes each runs
    only the jobs of guilds on its own shards (`set_shards`).

    `grace(guild_id)`: how late a job of the guild may run (default `DEFAULT_GRACE`); `report_skipped` and
    `report_failure` tell a guild's log channel about skipped jobs and jobs that keep failing; `concurrency`:
    the most jobs the process runs at once.
    """

    # --- shards --------------------------------------------------------------------------------------------

    def set_shards(self, shard_count: int, shard_ids: list[int]) -> None:
        """Run only jobs of guilds on `shard_ids` (of `shard_count`): the process's shards, known at on_ready.

        A process holding every shard runs every job (no filter)."""
        ids = sorted(set(shard_ids))
        if shard_count < 1 or not ids or not all(0 <= shard < shard_count for shard in ids):
            raise ValueError(f"shards {ids} do not exist with a shard count of {shard_count}")
        self.shards = None if ids == list(range(shard_count)) else (shard_count, ids)
        self.rearm()

    def holds(self, guild_id: int) -> bool:
        """Whether this process runs the guild's jobs (it holds the guild's shard; guild 0 is on shard 0)."""
        return self.shards is None or (guild_id >> 22) % self.shards[0] in self.shards[1]

    def on_notification(self, payload: str) -> None:
        """A job was scheduled by some process (LISTEN/NOTIFY, payload the guild id): if this process runs that
        guild's jobs, re-read the earliest due time (the new job may be earlier than what it sleeps until)."""
        try:
            ours = self.holds(int(payload))
        except ValueError:
            ours = True  # not ours to judge: one extra query is cheap
        if ours:
            self.rearm()

    # --- registration --------------------------------------------------------------------------------------

    def register(self, kind: str, run: Handler, *, on_skip: Handler | None = None,
                 describe: Describe | None = None, timeout: timedelta = DEFAULT_TIMEOUT,
                 next_occurrence: Handler | None = None, give_up: bool = False,
                 switch: SettingSpec[bool] | None = None) -> None:
        """Handle jobs of `kind` (from a cog's `load()`); `on_skip` runs instead of `run` for stale jobs.

        `timeout`: how long one attempt may take (on the bot's clock) before it is cancelled and retried.
        What happens after `MAX_ATTEMPTS` failed attempts is the kind's policy, and the guild is told once:
        - `next_occurrence` (recurring kinds): the job moves to the time it returns, its attempts start afresh
          (None: the job has no next occurrence and is deleted);
        - `give_up=True` (losing the job is acceptable): the job is deleted;
        - neither (the default: the job must happen): it keeps being retried, at most `MAX_BACKOFF` apart.

        `switch`: the kind's module switch (core/modules.py); while it is off on a guild, that guild's jobs of
        the kind wait, and `resume` makes them due when it is turned on again.
        """
        if next_occurrence is not None and give_up:
            raise ValueError(f"timer kind {kind!r}: a job either moves to its next occurrence or is given up")
        if timeout <= timedelta(0):
            raise ValueError(f"timer kind {kind!r}: the timeout must be positive")
        self._kinds[kind] = Kind(run, on_skip, describe, timeout, next_occurrence, give_up, switch)
        self.rearm()

    def unregister(self, kind: str) -> None:
        """Stop handling `kind` (from a cog's `unload()`); its jobs wait in the table."""
        self._kinds.pop(kind, None)

    async def resume(self, guild_id: int, switch: SettingSpec[bool]) -> int:
        """The module of `switch` was turned on in the guild: its jobs that fell due meanwhile are due now
        (they waited; they are not late). Returns how many."""
        kinds = [name for name, kind in self._kinds.items() if kind.switch == switch]
        if not kinds:
            return 0
        moved = await resume_jobs(self.pool, guild_id, kinds, self.clock.now())
        if moved:
            self.rearm()
        return moved

    # --- scheduling ----------------------------------------------------------------------------------------

    async def schedule(self, guild_id: int, kind: str, key: str, due_at: datetime,
                       payload: dict[str, Any] | None = None, *, conn: Executor = None) -> int:
        """Create or move the job (kind, key). With `conn` it joins the caller's transaction: the caller then
        calls `rearm()` after the commit (the dispatcher cannot see the job before)."""
        job_id = await upsert_job(conn or self.pool, guild_id, kind, key, due_at, payload or {})
        if conn is None:
            self.rearm()
        return job_id

    async def cancel(self, kind: str, key: str, *, prefix: bool = False, conn: Executor = None) -> int:
        """Delete the job (kind, key), or every job of `kind` whose key starts with `key`; returns how many."""
        return await delete_jobs(conn or self.pool, kind, key, prefix=prefix)

    async def due_at(self, kind: str, key: str) -> datetime | None:
        """When (kind, key) is due, or None if there is no such job."""
        return await job_due_at(self.pool, kind, key)

    async def jobs_keyed(self, kinds: list[str], key: str, *, conn: Any = None) -> list[Any]:
        """The pending jobs (`kind`, `key`, `due_at`, `payload`) of any of `kinds` under `key`, e.g. to schedule
        them again under another guild (pass the caller's `conn` to read inside its transaction)."""
        return await keyed_jobs(conn or self.pool, kinds, key)

    async def jobs_of_guild(self, kind: str, guild_id: int) -> dict[str, datetime]:
        """Key → due time of every `kind` job of a guild (one query, for listings)."""
        return await guild_jobs(self.pool, kind, guild_id)

    async def queued(self, guild_id: int) -> dict[str, int]:
        """Jobs due now and in the future, for the guild and overall (`guild_due`, `guild_future`, `all_due`,
        `all_future`; for /status)."""
        return await queued_counts(self.pool, guild_id, self.clock.now())
