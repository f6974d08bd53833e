"""The one in-memory cache for data the hot path reads: loaded once per key, dropped when the data changes.

Guild settings, who has premium, automod rules, custom commands and the open verification channels all use
`GuildCache`; nothing else keeps a per-guild cache of its own. A key is usually a guild id (any hashable
works: a (user, guild) pair, a (guild, channel) pair).

```python
cache = GuildCache(load_rules)                       # load_rules(guild_id) -> value, one query
# (or GuildCache(CoalescedReads(load_many, batch=…)): the misses of one loop turn in one query, core/coalesced_reads.py)
await notify.subscribe(bot, "hearth_automod", cache.invalidate_payload, cache.mark_stale)  # in load()
await notify.unsubscribe(bot, "hearth_automod")      # in unload()
rules = await cache.get(guild_id)                    # memory after the first load
```

What every user relies on:

- **Single flight.** Concurrent misses of one key share one load (one query): a burst of events on a cold
  guild waits for the same answer. The load runs in a task of its own, so a waiter that is cancelled does not
  cancel it for the others. A failed load is not cached: its waiters get the error, the next `get` loads again.
- **The generation rule.** A load that started before an invalidation of its key hands its answer to its
  waiters but keeps it out of the cache, so a change is never hidden by a stale read.
- **Invalidation** of one key, of the keys matching a test, or of all; `invalidate_payload` takes a NOTIFY
  payload (a guild id, or "*").
- **A lost LISTEN connection** (`core/notify.py` calls the reconnect callback when it is lost and when it is
  back): `mark_stale` drops everything too, but keeps the values as a fallback that answers a reload failing
  because the database is down (stale data beats failing every message through an outage). An explicit
  invalidation (a change we know of) drops the fallback as well.
- **Told of changes** (`on_change`): a value stored or dropped because it changed, for what is derived from
  the values elsewhere (the message pipeline leaves automod out of a guild without rules).
- **Optional expiry** (`ttl` seconds) for data that may change without a notification (premium lapsing),
  and an optional `max_entries` bound (the cache starts over when it is full).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Hashable
from functools import partial
from typing import Any, Generic, TypeVar

from utils.errors import DATABASE_ERRORS

log = logging.getLogger(__name__)

V = TypeVar("V")
_MISSING: Any = object()


class GuildCache(Generic[V]):
    """Values per key (usually a guild id), loaded on first use with one load per key at a time, kept until
    invalidated (by this process or a NOTIFY) or, with `ttl`, until they expire."""

    def __init__(self, load: Callable[[Any], Awaitable[V]], *, ttl: float | None = None,
                 max_entries: int | None = None, clock: Callable[[], float] = time.monotonic,
                 on_change: Callable[[Hashable | None], None] | None = None) -> None:
        self._load = load
        # Told the key (None: every key) when a value is stored or dropped because it changed, for what is derived
        # from the values elsewhere (the message pipeline's plans). Not told of expiry (`ttl`) or of values dropped
        # to keep within `max_entries`: those were not changes.
        self.on_change = on_change
        self.ttl = ttl
        self.max_entries = max_entries
        self._clock = clock  # monotonic seconds, for `ttl` (tests pass their own)
        self._values: dict[Hashable, V] = {}
        self._expires: dict[Hashable, float] = {}  # only with a ttl
        self._fallback: dict[Hashable, V] = {}  # last known values after a lost LISTEN connection
        # The load under way per key. An invalidation takes it out of here: when it lands, it is no longer the
        # key's current load, so its answer stays out of the cache (the generation rule).
        self._flights: dict[Hashable, asyncio.Task[tuple[V, bool]]] = {}
        self.loads = 0  # loads started so far (for tests and benchmarks)
        self.fallbacks = 0  # loads answered from the fallback because the database was unreachable

    def __len__(self) -> int:
        return len(self._values)

    def peek(self, key: Hashable) -> V | None:
        """The cached value, without loading (None when not cached or expired)."""
        if self.ttl is not None and self._expires.get(key, 0.0) <= self._clock():
            return None
        return self._values.get(key)

    def items(self) -> list[tuple[Hashable, V]]:
        """The cached (key, value) pairs (expired ones included), e.g. to pick keys to invalidate by value."""
        return list(self._values.items())

    async def get(self, key: Hashable) -> V:
        """The key's value: from memory, or from the load under way, or loaded now (once for all callers)."""
        value = self._values.get(key, _MISSING)
        if value is not _MISSING and (self.ttl is None or self._expires[key] > self._clock()):
            return value
        flight = self._flights.get(key)
        if flight is None:
            flight = self._start(key)
        # shield: a caller that is cancelled leaves the load running for the others (and for the cache).
        value, _fresh = await asyncio.shield(flight)
        return value

    def put(self, key: Hashable, value: V) -> None:
        """Store a value known to be current (the caller just wrote it); a load under way no longer counts."""
        self._flights.pop(key, None)
        self._fallback.pop(key, None)
        self._store(key, value, self._clock())

    def invalidate(self, key: Hashable | None = None) -> None:
        """Forget one key's value (or every key's), with its fallback; loads under way are not kept."""
        if key is None:
            self._values.clear()
            self._expires.clear()
            self._fallback.clear()
            self._flights.clear()
        else:
            self._values.pop(key, None)
            self._expires.pop(key, None)
            self._fallback.pop(key, None)
            self._flights.pop(key, None)
        if self.on_change is not None:
            self.on_change(key)

    def invalidate_where(self, test: Callable[[Any], bool]) -> None:
        """Forget every key for which `test(key)` is true (e.g. every key of one user)."""
        for key in [key for key in (*self._values, *self._flights, *self._fallback) if test(key)]:
            self.invalidate(key)

    def mark_stale(self, key: Hashable | None = None) -> None:
        """Reload one key (or every key, after a lost LISTEN connection) on next use, but fall back on the
        current values while the database cannot be reached."""
        if key is None:
            fallback = {**self._fallback, **self._values}
            self.invalidate()
            self._fallback = fallback
            return
        value = self._values.get(key, self._fallback.get(key, _MISSING))
        self.invalidate(key)
        if value is not _MISSING:
            self._fallback[key] = value

    def invalidate_payload(self, payload: str) -> None:
        """A NOTIFY payload: a guild id, or "*" for every guild."""
        if payload.strip() == "*":
            self.invalidate()
            return
        try:
            self.invalidate(int(payload))
        except ValueError:
            log.warning("Ignoring a notification with payload %r", payload)

    # --- internals ---------------------------------------------------------------------------------------

    def _start(self, key: Hashable) -> asyncio.Task[tuple[V, bool]]:
        self.loads += 1
        flight = asyncio.ensure_future(self._fetch(key))
        self._flights[key] = flight
        # Registered before any waiter's shield: the value is stored before the waiters resume.
        flight.add_done_callback(partial(self._landed, key, self._clock()))
        return flight

    async def _fetch(self, key: Hashable) -> tuple[V, bool]:
        """(value, fresh): the loaded value, or the fallback when the database cannot be reached."""
        try:
            return await self._load(key), True
        except DATABASE_ERRORS:
            stale = self._fallback.get(key, _MISSING)
            if stale is _MISSING:
                raise
            self.fallbacks += 1
            return stale, False

    def _landed(self, key: Hashable, started: float, flight: asyncio.Task[tuple[V, bool]]) -> None:
        failed = flight.cancelled() or flight.exception() is not None  # retrieved: waiters re-raise it themselves
        if self._flights.get(key) is not flight:
            return  # overtaken by an invalidation: the waiters have the answer, the cache does not keep it
        del self._flights[key]
        if failed:
            return
        value, fresh = flight.result()
        if fresh:
            self._fallback.pop(key, None)
            self._store(key, value, started)

    def _store(self, key: Hashable, value: V, started: float) -> None:
        if self.max_entries is not None and len(self._values) >= self.max_entries and key not in self._values:
            self._values.clear()  # full: start over (the values are reloaded on demand)
            self._expires.clear()
        self._values[key] = value
        if self.ttl is not None:
            self._expires[key] = started + self.ttl
        if self.on_change is not None:
            self.on_change(key)
