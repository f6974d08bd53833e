"""Daily automod statistics per rule, counted in memory and written in batches (one set-based statement).

`add` never touches the database; the cog's flush loop (and `unload`) writes what was counted. A failed write
puts the counts back, so nothing is lost while the database is briefly away. The buffer has a hard limit of
(guild, rule, day) keys (`capacity`): while the database stays down, counts for new keys are dropped and
counted in `dropped` instead of growing without bound.
"""

from __future__ import annotations

import logging
from datetime import date

from cogs.automod import repo
from core.db import Executor

log = logging.getLogger(__name__)
CAPACITY = 50_000  # distinct (guild, rule, day) keys held while the database is away

Key = tuple[int, int, date]  # guild, rule, day


class StatsBuffer:
    """Pending (triggers, false positives, summed response ms) per guild, rule and day."""

    def __init__(self, capacity: int = CAPACITY) -> None:
        self.capacity = capacity
        self._counts: dict[Key, list[float]] = {}
        self.dropped = 0  # triggers and false positives not counted because the buffer was full

    def __len__(self) -> int:
        return len(self._counts)

    def add(self, guild_id: int, rule_id: int, day: date, *, triggers: int = 0, false_positives: int = 0,
            response_ms: float = 0.0) -> None:
        """Count a trigger (with its response time) or a false positive; dropped (and counted) when full."""
        key = (guild_id, rule_id, day)
        entry = self._counts.get(key)
        if entry is None:
            if len(self._counts) >= self.capacity:
                if not self.dropped:
                    log.warning("Automod: the stats buffer is full (%d keys); counts are being dropped",
                                self.capacity)
                self.dropped += triggers + false_positives
                return
            entry = self._counts[key] = [0, 0, 0.0]
        entry[0] += triggers
        entry[1] += false_positives
        entry[2] += response_ms

    async def flush(self, pool: Executor) -> int:
        """Write everything counted so far; returns the number of rows written."""
        if not self._counts:
            return 0
        taken, self._counts = self._counts, {}
        rows = [(g, r, d, int(c[0]), int(c[1]), float(c[2])) for (g, r, d), c in taken.items()]
        try:
            await repo.flush_stats(pool, rows)
        except BaseException:
            for (g, r, d), c in taken.items():
                self.add(g, r, d, triggers=int(c[0]), false_positives=int(c[1]), response_ms=c[2])
            raise
        return len(rows)
