"""What a guild's log channel is told about its scheduled jobs (a job that keeps failing, jobs skipped after
downtime), and telling it in the background."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Coroutine
from datetime import timedelta
from typing import Any

from core.timers.deadline import JobTimedOut

log = logging.getLogger(__package__)  # the service's one logger, "core.timers"

SkipReporter = Callable[[int, list[str]], Awaitable[None]]  # (guild id, one line per skipped job)
FailureReporter = Callable[[int, str], Awaitable[None]]  # (guild id, the notice)


def failure_notice(what: str, attempts: int, error: BaseException, next_step: str) -> str:
    """The log-channel message for a job that failed its last attempt: what, why, and what happens next."""
    reason = str(error) if isinstance(error, JobTimedOut) else type(error).__name__
    return (f"⚠️ A scheduled job keeps failing: {what} — {attempts} attempts in a row (last: {reason}). "
            f"{next_step}")


def skipped_summary(lines: list[str], grace: timedelta, shown: int = 20) -> str:
    """The log-channel message listing jobs skipped after downtime."""
    listed = "\n".join(f"• {line}" for line in lines[:shown])
    more = f"\n… and {len(lines) - shown} more" if len(lines) > shown else ""
    minutes = int(grace.total_seconds() // 60)
    return (f"⏰ While I was offline, {len(lines)} scheduled post(s) became more than {minutes} minutes late "
            f"and were skipped:\n{listed}{more}")


def how_often(delta: timedelta) -> str:
    """A retry interval in words ("once an hour", "once every 30 minutes")."""
    minutes = int(delta.total_seconds() // 60)
    return "once an hour" if minutes == 60 else f"once every {minutes} minutes"


class GuildNotices:
    """Reports to guilds' log channels, each sent in its own task: a slow Discord must hold neither a job's slot
    nor the dispatcher. Skipped jobs are collected and summarised once per guild."""

    def __init__(self, report_skipped: SkipReporter | None, report_failure: FailureReporter | None) -> None:
        self._report_skipped = report_skipped
        self._report_failure = report_failure
        self._skipped: dict[int, list[str]] = {}  # skipped job lines per guild, not yet reported
        self.tasks: set[asyncio.Task[None]] = set()  # reports under way

    def failure(self, guild_id: int, text: str) -> None:
        """Tell the guild that one of its jobs keeps failing."""
        if self._report_failure is not None:
            self._send(self._report_failure(guild_id, text))

    def skipped(self, guild_id: int, line: str) -> None:
        """Note a job of the guild that was skipped (reported by the next `report_skipped`)."""
        self._skipped.setdefault(guild_id, []).append(line)

    def report_skipped(self) -> None:
        """Send each guild the summary of its jobs skipped since the last call."""
        skipped, self._skipped = self._skipped, {}
        if self._report_skipped is not None:
            for guild_id, lines in skipped.items():
                self._send(self._report_skipped(guild_id, lines))

    def _send(self, call: Coroutine[Any, Any, None]) -> None:
        async def guarded() -> None:
            try:
                await call
            except Exception:
                log.exception("Timers: a report to a guild failed")

        task = asyncio.create_task(guarded(), name="timers-report")
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)
