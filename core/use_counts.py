"""Uses of guild items (custom commands, tags …), counted in memory and written in batches by a `FlushLoop`.

The buffer holds one counter per (guild, item): it grows with the number of items used, not with uses, and has a
hard limit (`capacity`) so a database that stays down cannot make it grow without bound; a use of an item that
finds no room is dropped and counted in `dropped`. The owner gives the one set-based statement that adds a batch
(`write(executor, [(guild id, item id, uses), ...])`, in its repo), so the SQL stays with the table's owner.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from core.db import Executor

log = logging.getLogger(__name__)
CAPACITY = 50_000  # distinct (guild, item) counters held while the database is away

Key = tuple[int, int]  # guild, item id
Writer = Callable[[Executor, list[tuple[int, int, int]]], Awaitable[object]]


class UseCounts:
    """Pending use counts; `pending` includes a batch being written, so a cache reload never undercounts."""

    def __init__(self, write: Writer, what: str, capacity: int = CAPACITY) -> None:
        self.write = write
        self.what = what  # "Custom commands", "Tags": for the log
        self.capacity = capacity
        self._counts: dict[Key, int] = {}
        self._writing: dict[Key, int] = {}
        self.dropped = 0  # uses not counted because the buffer was full

    def __len__(self) -> int:
        return len(self._counts)

    def add(self, guild_id: int, item_id: int) -> None:
        """Count one use (memory only); dropped (and counted) when the buffer is full."""
        key = (guild_id, item_id)
        if key not in self._counts and len(self._counts) >= self.capacity:
            if not self.dropped:
                log.warning("%s: the use-count buffer is full (%d items); uses are being dropped",
                            self.what, self.capacity)
            self.dropped += 1
            return
        self._counts[key] = self._counts.get(key, 0) + 1

    def pending(self, guild_id: int, item_id: int) -> int:
        """Uses not yet in the database."""
        key = (guild_id, item_id)
        return self._counts.get(key, 0) + self._writing.get(key, 0)

    async def flush(self, pool: Executor) -> int:
        """Write the counts; returns the rows written. A failed write keeps the counts for the next try."""
        if not self._counts or self._writing:
            return 0
        self._writing, self._counts = self._counts, {}
        try:
            await self.write(pool, [(g, c, n) for (g, c), n in self._writing.items()])
        except BaseException:
            for key, n in self._writing.items():
                if key in self._counts or len(self._counts) < self.capacity:
                    self._counts[key] = self._counts.get(key, 0) + n
                else:
                    self.dropped += n
            raise
        finally:
            written, self._writing = len(self._writing), {}
        return written
