"""Uses of guild items (custom commands, tags …), counted in memory and written in batches by a `FlushLoop`.

The buffer holds one counter per (guild, item) in a `core.counter_buffer.CounterBuffer`: it grows with the number of
items used, not with uses, and has a hard limit (`capacity`) so a database that stays down cannot make it grow
without bound; a use of an item that finds no room is dropped and counted in `dropped`. The owner gives the one set-
based statement that adds a batch (`write(executor, [(guild id, item id, uses), ...])`, in its repo), so the SQL
stays with the table's owner.
"""

from __future__ import annotations

import operator
from collections.abc import Awaitable, Callable

from core.counter_buffer import CounterBuffer
from core.db import Executor

CAPACITY = 50_000  # distinct (guild, item) counters held while the database is away

Key = tuple[int, int]  # guild, item id
Writer = Callable[[Executor, list[tuple[int, int, int]]], Awaitable[object]]


class UseCounts:
    """Pending use counts (a `core.counter_buffer.CounterBuffer` of uses per item) and the batch being written:
    `pending` includes that batch, so a cache reload never undercounts."""

    def __init__(self, write: Writer, what: str, capacity: int = CAPACITY) -> None:
        self.write = write
        self.what = what  # "Custom commands", "Tags": for the log
        self._counts: CounterBuffer[Key, int] = CounterBuffer(merge=operator.add, capacity=capacity,
                                                              name=f"{what} use-count")
        self._writing: dict[Key, int] = {}

    def __len__(self) -> int:
        return len(self._counts)

    @property
    def capacity(self) -> int:
        """The most items counted at once."""
        return self._counts.capacity

    @property
    def dropped(self) -> int:
        """Uses (or merged batches) not counted because the buffer was full."""
        return self._counts.dropped

    def add(self, guild_id: int, item_id: int) -> None:
        """Count one use (memory only); dropped (and counted) when the buffer is full."""
        self._counts.add((guild_id, item_id), 1)

    def pending(self, guild_id: int, item_id: int) -> int:
        """Uses not yet in the database."""
        key = (guild_id, item_id)
        return (self._counts.get(key) or 0) + self._writing.get(key, 0)

    async def flush(self, pool: Executor) -> int:
        """Write the counts; returns the rows written. A failed write keeps the counts for the next try."""
        if not self._counts or self._writing:
            return 0
        self._writing = self._counts.take()
        try:
            await self.write(pool, [(g, c, n) for (g, c), n in self._writing.items()])
        except BaseException:
            self._counts.put_back(self._writing)
            raise
        finally:
            written, self._writing = len(self._writing), {}
        return written
