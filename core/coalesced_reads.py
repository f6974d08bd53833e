"""A loader of many keys used as a loader of one: the keys asked for in the same turn of the event loop are loaded
together, by one call of `load_many` per `batch` keys.

At start-up every guild's GUILD_CREATE wakes listeners that read per-guild data (a module switch, a setting):
thousands of cold guilds at once, which must not queue thousands of one-row queries on a pool of a few
connections. Give a `GuildCache` a `CoalescedReads` as its loader and those misses become a handful of queries:

    reads = CoalescedReads(load_rules_of_guilds, batch=1000)   # load_rules_of_guilds(ids) -> {id: rules}
    cache = GuildCache(reads)

`load_many` must answer every key it is given. A failed call fails the waiters of its batch (the cache then loads
again at the next `get`); a waiter that is cancelled does not cancel the load for the others.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class CoalescedReads(Generic[K, V]):
    """`await reads(key)`: the value of `key`, loaded with the other keys asked for in the same loop turn."""

    def __init__(self, load_many: Callable[[list[K]], Awaitable[dict[K, V]]], *, batch: int) -> None:
        self._load_many = load_many
        self._batch = batch
        self._pending: dict[K, asyncio.Future[V]] = {}  # keys to load in the next turn
        self._loads: set[asyncio.Task[None]] = set()

    async def __call__(self, key: K) -> V:
        future = self._pending.get(key)
        if future is None:
            loop = asyncio.get_running_loop()
            future = self._pending[key] = loop.create_future()
            if len(self._pending) == 1:
                loop.call_soon(self._start_loads)
        return await asyncio.shield(future)

    def _start_loads(self) -> None:
        pending, self._pending = self._pending, {}
        keys = list(pending)
        for start in range(0, len(keys), self._batch):
            chunk = {key: pending[key] for key in keys[start:start + self._batch]}
            task = asyncio.ensure_future(self._load(chunk))
            self._loads.add(task)
            task.add_done_callback(self._loads.discard)

    async def _load(self, chunk: dict[K, asyncio.Future[V]]) -> None:
        try:
            found = await self._load_many(list(chunk))
        except BaseException as exc:  # every waiter gets the error (or the cancellation)
            for future in chunk.values():
                if future.done():
                    continue
                if isinstance(exc, asyncio.CancelledError):
                    future.cancel()
                else:
                    future.set_exception(exc)
                    future.exception()  # retrieved: a waiter that went away must not log it
            if isinstance(exc, asyncio.CancelledError):
                raise
            return
        for key, future in chunk.items():
            if not future.done():
                future.set_result(found[key])
