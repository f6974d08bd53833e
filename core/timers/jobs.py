"""What the timers service hands around: a claimed job, a registered kind of job, what became of an attempt,
and the report of a `run_due` call."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from core.settings_registry import SettingSpec

log = logging.getLogger(__package__)  # the service's one logger, "core.timers"

LEASE = timedelta(minutes=2)  # the shortest lease; a kind with a longer timeout gets timeout + LEASE_MARGIN
LEASE_MARGIN = timedelta(minutes=1)  # covers computing the next occurrence and writing the outcome


@dataclass(frozen=True)
class Job:
    """A claimed job, handed to its handler."""

    id: int
    guild_id: int
    kind: str
    key: str
    due_at: datetime
    payload: dict[str, Any]
    attempts: int
    late_by: timedelta  # how long after due_at it runs (0 when on time)


# A kind's coroutine function for one job (`run`, `on_skip`, `next_occurrence`): the job's next due time, or None.
Handler = Callable[[Job], Awaitable[datetime | None]]
Describe = Callable[[Job], str]


@dataclass(frozen=True)
class Kind:
    """A registered kind of job: its handlers, how long one attempt may take, and its policy after the last
    failed attempt (see `TimerService.register`)."""

    run: Handler
    on_skip: Handler | None
    describe: Describe | None
    timeout: timedelta
    next_occurrence: Handler | None
    give_up: bool
    switch: SettingSpec[bool] | None = None  # the module switch its jobs wait on while off (core/modules.py)

    @property
    def lease(self) -> timedelta:
        """How long a claimed job of this kind stays reserved: past its timeout, so it never runs twice."""
        return max(LEASE, self.timeout + LEASE_MARGIN)

    def line(self, job: Job) -> str:
        """One line naming `job` for a guild's log channel."""
        if self.describe is not None:
            try:
                return self.describe(job)
            except Exception:  # a line for a report must never stop the job itself
                log.exception("Timers: describing %s/%s failed", job.kind, job.key)
        return f"{job.kind} {job.key}"


@dataclass(frozen=True)
class Outcome:
    """What becomes of an attempted job: deleted (`due_at` None) or moved to `due_at` (`reset`: its attempts
    start afresh; otherwise it is a retry), and what its guild's log channel is told (`notice`), if anything."""

    due_at: datetime | None
    reset: bool = True
    notice: str | None = None


@dataclass
class RunReport:
    """What the jobs claimed by one `run_due` call did."""

    ran: int = 0
    skipped: dict[int, list[str]] = field(default_factory=dict)
    failed: int = 0
