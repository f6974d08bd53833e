"""The daily counters of the insight cog, in memory: a message, a join or a leave adds 1 to its guild's UTC day
(no database round trip); the cog's flush loop adds the batch to `guild_daily_stats` with one statement.

Built on `core.counter_buffer.CounterBuffer` (a hard limit of keys, a failed batch merged back in front)."""

from __future__ import annotations

from datetime import date

from cogs.insight import repo
from core.counter_buffer import CounterBuffer
from core.db import Executor

CAPACITY = 100_000  # distinct (guild, day) counters held while the database is away
MESSAGES, JOINS, LEAVES = 0, 1, 2

Counts = tuple[int, int, int]  # messages, joins, leaves
_ONE: tuple[Counts, Counts, Counts] = ((1, 0, 0), (0, 1, 0), (0, 0, 1))  # one message, join or leave


def _merge(older: Counts, newer: Counts) -> Counts:
    return (older[0] + newer[0], older[1] + newer[1], older[2] + newer[2])


class DailyCounts:
    """Pending (messages, joins, leaves) per (guild, day)."""

    def __init__(self, capacity: int = CAPACITY) -> None:
        self._counts: CounterBuffer[tuple[int, date], Counts] = CounterBuffer(
            merge=_merge, capacity=capacity, name="server stats")

    def __len__(self) -> int:
        return len(self._counts)

    @property
    def dropped(self) -> int:
        """Counts not kept because the buffer was full."""
        return self._counts.dropped

    def add(self, guild_id: int, day: date, what: int) -> None:
        """Count one message, join or leave (memory only)."""
        self._counts.add((guild_id, day), _ONE[what])

    async def flush(self, executor: Executor) -> int:
        """Add everything counted to the table; a failed write keeps the counts for the next try."""
        batch = self._counts.take()
        if not batch:
            return 0
        try:
            await repo.add(executor, [(g, d, m, j, le) for (g, d), (m, j, le) in batch.items()])
        except BaseException:
            self._counts.put_back(batch)
            raise
        return len(batch)
