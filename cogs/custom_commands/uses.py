"""Uses of custom commands, counted in memory and added to `custom_commands.uses` in batches."""

from __future__ import annotations

from typing import Any

from cogs.custom_commands import repo

Key = tuple[int, int]  # guild, command id


class UsesBuffer:
    """Pending use counts; `pending` includes a batch being written, so a cache reload never undercounts."""

    def __init__(self) -> None:
        self._counts: dict[Key, int] = {}
        self._writing: dict[Key, int] = {}

    def __len__(self) -> int:
        return len(self._counts)

    def add(self, guild_id: int, command_id: int) -> None:
        """Count one use (memory only)."""
        key = (guild_id, command_id)
        self._counts[key] = self._counts.get(key, 0) + 1

    def pending(self, guild_id: int, command_id: int) -> int:
        """Uses not yet in the database."""
        key = (guild_id, command_id)
        return self._counts.get(key, 0) + self._writing.get(key, 0)

    async def flush(self, pool: Any) -> int:
        """Write the counts; returns the rows written. A failed write keeps the counts for the next try."""
        if not self._counts or self._writing:
            return 0
        self._writing, self._counts = self._counts, {}
        try:
            await repo.add_uses(pool, [(g, c, n) for (g, c), n in self._writing.items()])
        except BaseException:
            for key, n in self._writing.items():
                self._counts[key] = self._counts.get(key, 0) + n
            raise
        finally:
            written, self._writing = len(self._writing), {}
        return written
