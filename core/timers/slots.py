"""The jobs one process runs at this moment, each in its own task, at most `concurrency` at once."""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Collection, Coroutine
from typing import Any, NamedTuple

from core.timers.deadline import CANCEL_WAIT

log = logging.getLogger(__package__)  # the service's one logger, "core.timers"


class _Running(NamedTuple):
    kind: str
    token: uuid.UUID  # the job's lease, released if shutdown interrupts it


class Slots:
    """Running jobs and the bound on them. Once full, the dispatcher waits until a quarter of the slots are free
    again (`saturated`), so claims stay batched instead of one job per claim."""

    def __init__(self, concurrency: int) -> None:
        self.concurrency = concurrency
        self.saturated = False  # the dispatcher waits for running jobs to free slots
        self._running: dict[asyncio.Task[None], _Running] = {}

    def __bool__(self) -> bool:
        return bool(self._running)

    @property
    def refill(self) -> int:
        """Free slots a saturated dispatcher waits for before claiming again (claims stay batched)."""
        return max(1, self.concurrency // 4)

    def free(self) -> int:
        """How many more jobs may start now."""
        return self.concurrency - len(self._running)

    def has_room(self) -> bool:
        """Whether the dispatcher may claim now."""
        free = self.free()
        return free > 0 and (not self.saturated or free >= self.refill or not self._running)

    def start(self, run: Coroutine[Any, Any, None], kind: str, token: uuid.UUID) -> None:
        """Run a job of `kind` claimed with `token`; `run` calls `finished()` when it ends."""
        task = asyncio.create_task(run, name=f"timer {kind}")
        self._running[task] = _Running(kind, token)

    def finished(self) -> None:
        """Free the slot of the calling job's task."""
        self._running.pop(asyncio.current_task(), None)  # type: ignore[arg-type]

    def tasks(self, ignoring: Collection[str] = ()) -> list[asyncio.Task[None]]:
        """The running jobs' tasks, except those of the kinds in `ignoring`."""
        return [task for task, running in self._running.items() if running.kind not in ignoring]

    async def wait_for_refill(self) -> None:
        """Wait until at least `refill` slots are free (or nothing runs)."""
        while self._running and self.free() < self.refill:
            await asyncio.wait(list(self._running), return_when=asyncio.FIRST_COMPLETED)

    async def finish(self, also: list[asyncio.Task[None]], timeout: float) -> set[uuid.UUID]:  # noqa: ASYNC109
        """At shutdown: let the running jobs (and the tasks `also`) finish within `timeout` seconds, then cancel
        what is left; returns the lease tokens of the jobs interrupted."""
        work = [*self._running, *also]
        if not work:
            return set()
        _, pending = await asyncio.wait(work, timeout=timeout)
        if not pending:
            return set()
        jobs = [self._running[task] for task in pending if task in self._running]
        log.warning("Timers: %d job(s) still running at shutdown; interrupting them and releasing their leases",
                    len(jobs))
        for task in pending:
            task.cancel()
        await asyncio.wait(pending, timeout=CANCEL_WAIT)
        return {running.token for running in jobs}
