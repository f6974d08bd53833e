"""A bounded in-memory buffer of values aggregated by key, for counters written in batches by `core.flush_loop`.

The hot path adds to it (no database round trip); the writer `take()`s everything at once, writes it with one
set-based statement, and `put_back()`s a batch whose write failed, merged in front of what arrived meanwhile, so
nothing is lost while the database blips. It grows with the number of distinct keys (a member's 300 messages are
one entry), never with events, and holds at most `capacity` keys: while the database stays down, values for new
keys are dropped and counted in `dropped` instead of growing without bound.

This is the engagement buffer's rule for its counters (`cogs/engagement/buffer.py`: aggregate by key, a hard key
limit, merge a failed batch back), made generic over the key and the value so another feature's counters (XP,
`cogs/levels`) reuse it rather than copy it:

```python
buffer = CounterBuffer[tuple[int, int], int](merge=operator.add, capacity=100_000)
buffer.add((guild_id, user_id), 1)                 # memory only
batch = buffer.take()                              # {key: value}, the buffer starts afresh
try:
    await write(batch)
except BaseException:
    buffer.put_back(batch)                         # nothing lost
    raise
```
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Hashable, Iterator
from typing import Generic, TypeVar

log = logging.getLogger(__name__)

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class CounterBuffer(Generic[K, V]):
    """Pending values by key with a hard limit on keys; `merge(older, newer)` combines two values of one key."""

    def __init__(self, *, merge: Callable[[V, V], V], capacity: int = 200_000, name: str = "counter") -> None:
        if capacity < 1:
            raise ValueError("a counter buffer needs room for at least one key")
        self.merge = merge
        self.capacity = capacity
        self.name = name  # for the log line when it first drops something
        self._values: dict[K, V] = {}
        self.dropped = 0  # values not kept because the buffer was full

    def __len__(self) -> int:
        return len(self._values)

    def __bool__(self) -> bool:
        return bool(self._values)

    def __iter__(self) -> Iterator[K]:
        return iter(self._values)

    @property
    def pressure(self) -> bool:
        """Half full: the writer should not wait for its next turn."""
        return len(self._values) * 2 >= self.capacity

    def get(self, key: K) -> V | None:
        """The value pending for `key` (None when nothing is)."""
        return self._values.get(key)

    def add(self, key: K, value: V) -> bool:
        """Merge `value` into `key`'s pending value; False (and counted in `dropped`) when the buffer is full."""
        pending = self._values.get(key)
        if pending is not None:
            self._values[key] = self.merge(pending, value)
            return True
        if len(self._values) >= self.capacity:
            if not self.dropped:
                log.warning("The %s buffer is full (%d keys); new values are being dropped", self.name,
                            self.capacity)
            self.dropped += 1
            return False
        self._values[key] = value
        return True

    def take(self) -> dict[K, V]:
        """Hand over everything pending and start afresh."""
        taken, self._values = self._values, {}
        return taken

    def put_back(self, batch: dict[K, V]) -> None:
        """Merge a batch whose write failed back in front of what arrived meanwhile (the limit still applies to
        keys that only the newer values hold)."""
        newer, self._values = self._values, dict(batch)
        for key, value in newer.items():
            self.add(key, value)

    def forget(self, test: Callable[[K], bool]) -> int:
        """Drop the pending values whose key passes `test` (a GDPR erasure, a reset); returns how many."""
        doomed = [key for key in self._values if test(key)]
        for key in doomed:
            del self._values[key]
        return len(doomed)
