"""Writing what became of finished jobs, in batches: one statement for every job that finished meanwhile (not one
round trip per job), and at shutdown the release of the jobs that were interrupted."""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

import asyncpg

from core.db import HearthPool
from core.timers.jobs import Outcome
from core.timers.repo import Moved, finish_jobs, move_jobs, release_leases
from utils.errors import DATABASE_ERRORS

log = logging.getLogger(__package__)  # the service's one logger, "core.timers"


@dataclass
class _Batch:
    """Finished jobs waiting to be written: deleted, or moved to a new due time (false when empty)."""

    done: list[tuple[int, uuid.UUID]] = field(default_factory=list)
    moved: list[Moved] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.done) + len(self.moved)


class OutcomeWriter:
    """Collects the outcomes of finished jobs and writes them in the background, a batch at a time; a batch the
    database refused is kept and written with the next one."""

    def __init__(self, pool: HearthPool, on_moved: Callable[[], None]) -> None:
        self.pool = pool
        self._on_moved = on_moved  # a moved job may now be the earliest: the dispatcher re-reads
        self._pending = _Batch()
        self._writer: asyncio.Task[None] | None = None

    def add(self, job_id: int, token: uuid.UUID, outcome: Outcome) -> None:
        """Queue the outcome of the job `job_id` claimed with `token` (written by the next `flush`)."""
        if outcome.due_at is None:
            self._pending.done.append((job_id, token))
        else:
            self._pending.moved.append((job_id, token, outcome.due_at, outcome.reset))

    @property
    def writing(self) -> asyncio.Task[None] | None:
        """The write under way, if any."""
        return self._writer if self._writer is not None and not self._writer.done() else None

    def flush(self) -> None:
        """Start writing pending outcomes unless a write is under way (it takes what finished meanwhile)."""
        if self._pending and self.writing is None:
            self._writer = asyncio.create_task(self._write_pending(), name="timers-outcomes")

    async def _write_pending(self) -> None:
        while self._pending:
            batch, self._pending = self._pending, _Batch()
            try:
                await self._write(batch)
            except (*DATABASE_ERRORS, asyncpg.PostgresError) as exc:
                # Kept, before what finished meanwhile: written with the next outcome or dispatcher turn.
                self._pending = _Batch(batch.done + self._pending.done, batch.moved + self._pending.moved)
                log.warning("Timers: could not record %d finished job(s) (%s); will retry", len(batch), exc)
                return

    async def _write(self, batch: _Batch) -> None:
        if batch.done:
            await finish_jobs(self.pool, batch.done)
        if batch.moved:
            await move_jobs(self.pool, batch.moved)
            self._on_moved()

    async def release(self, tokens: set[uuid.UUID], timeout: float) -> int:  # noqa: ASYNC109
        """Write what finished, and free the jobs claimed with `tokens` (interrupted by shutdown) for the next
        process at once; the interruption does not count as a failed attempt. Each step may take `timeout`
        seconds. Returns how many jobs were freed."""
        try:
            if self._writer is not None:
                await asyncio.wait_for(asyncio.shield(self._writer), timeout)
            if self._pending:
                batch, self._pending = self._pending, _Batch()
                await asyncio.wait_for(self._write(batch), timeout)
            if not tokens:
                return 0
            released = await asyncio.wait_for(release_leases(self.pool, list(tokens)), timeout)
        except (*DATABASE_ERRORS, asyncpg.PostgresError, TimeoutError) as exc:
            log.warning("Timers: could not release interrupted jobs (%s); their leases will run out", exc)
            return 0
        log.info("Timers: released %s interrupted job(s)", released)
        return released
