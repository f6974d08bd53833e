"""The one invalidating cache (core/guild_cache.py): single-flight loading, the generation rule, failed loads not
kept, expiry, the fallback after a lost LISTEN connection — asserted on load counts and values."""

from __future__ import annotations

import asyncio

import asyncpg
import pytest

from core.guild_cache import GuildCache


class Loader:
    """A load function that counts its calls, answers `answer` (a list, so each load is a new object) and can
    be held at a gate or made to fail."""

    def __init__(self) -> None:
        self.calls: list[int] = []
        self.gate = asyncio.Event()
        self.gate.set()
        self.started = asyncio.Event()  # set when a load begins
        self.error: BaseException | None = None
        self.answer = "v1"

    async def __call__(self, key: int) -> list[str]:
        self.calls.append(key)
        self.started.set()
        answer = self.answer  # what the database holds when the read starts
        await self.gate.wait()
        if self.error is not None:
            raise self.error
        return [answer]


async def test_concurrent_misses_of_one_key_share_one_load() -> None:
    load = Loader()
    load.gate.clear()
    cache: GuildCache[list[str]] = GuildCache(load)
    waiters = [asyncio.ensure_future(cache.get(7)) for _ in range(20)]
    await asyncio.sleep(0)
    load.gate.set()
    values = await asyncio.gather(*waiters)
    assert load.calls == [7] and cache.loads == 1
    assert all(value is values[0] for value in values) and values[0] == ["v1"]
    assert await cache.get(7) is values[0] and load.calls == [7]  # memory from now on
    await cache.get(8)
    assert load.calls == [7, 8]  # another key has its own load


async def test_a_load_overtaken_by_an_invalidation_is_not_kept() -> None:
    load = Loader()
    load.gate.clear()
    cache: GuildCache[list[str]] = GuildCache(load)
    first = asyncio.ensure_future(cache.get(1))
    second = asyncio.ensure_future(cache.get(1))
    await load.started.wait()  # the load has started reading
    load.started.clear()
    cache.invalidate(1)  # the data changed while the load was reading it
    load.answer = "v2"
    third = asyncio.ensure_future(cache.get(1))  # after the change: a new load, not the old one
    await load.started.wait()
    load.gate.set()
    assert await first == ["v1"] and await second == ["v1"]  # the waiters of the old load get its answer
    assert await third == ["v2"] and load.calls == [1, 1]
    assert cache.peek(1) == ["v2"]  # only the load that started after the change was kept
    assert await cache.get(1) == ["v2"] and len(load.calls) == 2


async def test_invalidating_every_key_keeps_loads_under_way_out_too() -> None:
    load = Loader()
    load.gate.clear()
    cache: GuildCache[list[str]] = GuildCache(load)
    pending = asyncio.ensure_future(cache.get(3))
    await asyncio.sleep(0)
    cache.invalidate_payload("*")
    load.gate.set()
    assert await pending == ["v1"]
    assert cache.peek(3) is None
    load.answer = "v2"
    assert await cache.get(3) == ["v2"] and load.calls == [3, 3]


async def test_a_failed_load_is_not_cached_and_only_its_waiters_see_the_error() -> None:
    load = Loader()
    load.gate.clear()
    load.error = RuntimeError("database said no")
    cache: GuildCache[list[str]] = GuildCache(load)
    waiters = [asyncio.ensure_future(cache.get(5)) for _ in range(5)]
    await asyncio.sleep(0)
    load.gate.set()
    results = await asyncio.gather(*waiters, return_exceptions=True)
    assert [str(result) for result in results] == ["database said no"] * 5
    assert load.calls == [5] and cache.peek(5) is None
    load.error = None
    assert await cache.get(5) == ["v1"] and load.calls == [5, 5]  # the next read loads again, and succeeds
    assert await cache.get(5) == ["v1"] and load.calls == [5, 5]


async def test_a_cancelled_waiter_does_not_cancel_the_load_of_the_others() -> None:
    load = Loader()
    load.gate.clear()
    cache: GuildCache[list[str]] = GuildCache(load)
    impatient = asyncio.ensure_future(cache.get(9))
    await asyncio.sleep(0)
    patient = asyncio.ensure_future(cache.get(9))
    await asyncio.sleep(0)
    impatient.cancel()
    await asyncio.sleep(0)
    load.gate.set()
    assert await patient == ["v1"] and impatient.cancelled()
    assert load.calls == [9] and cache.peek(9) == ["v1"]


async def test_values_expire_after_the_ttl() -> None:
    now = [100.0]
    load = Loader()
    cache: GuildCache[list[str]] = GuildCache(load, ttl=60.0, clock=lambda: now[0])
    assert await cache.get(1) == ["v1"]
    now[0] = 159.0
    load.answer = "v2"
    assert await cache.get(1) == ["v1"] and load.calls == [1]
    now[0] = 160.0
    assert cache.peek(1) is None
    assert await cache.get(1) == ["v2"] and load.calls == [1, 1]


async def test_after_a_lost_listen_connection_the_last_values_answer_while_the_database_is_down() -> None:
    load = Loader()
    cache: GuildCache[list[str]] = GuildCache(load)
    assert await cache.get(1) == ["v1"]
    cache.mark_stale()  # the LISTEN connection was lost: reload on next use
    assert cache.peek(1) is None
    load.error = asyncpg.PostgresConnectionError("down")
    assert await cache.get(1) == ["v1"] and cache.fallbacks == 1 and load.calls == [1, 1]
    assert cache.peek(1) is None  # a fallback answer is not cached: the next read tries the database again
    load.error = None
    load.answer = "v2"
    assert await cache.get(1) == ["v2"] and load.calls == [1, 1, 1]
    cache.mark_stale()
    cache.invalidate(1)  # a change we know of: the old value must not come back even through an outage
    load.error = asyncpg.PostgresConnectionError("down")
    with pytest.raises(asyncpg.PostgresConnectionError):
        await cache.get(1)


async def test_invalidate_where_and_put() -> None:
    load = Loader()
    cache: GuildCache[list[str]] = GuildCache(load)
    for key in (1, 2, 3):
        await cache.get(key)
    cache.invalidate_where(lambda key: key != 2)
    assert (cache.peek(1), cache.peek(2), cache.peek(3)) == (None, ["v1"], None)
    assert cache.items() == [(2, ["v1"])]
    load.gate.clear()
    pending = asyncio.ensure_future(cache.get(4))
    await asyncio.sleep(0)
    cache.put(4, ["written"])  # the writer knows the new value: the read under way no longer counts
    load.gate.set()
    assert await pending == ["v1"]
    assert cache.peek(4) == ["written"] and load.calls == [1, 2, 3, 4]


async def test_a_full_cache_starts_over() -> None:
    load = Loader()
    cache: GuildCache[list[str]] = GuildCache(load, max_entries=2)
    await cache.get(1)
    await cache.get(2)
    await cache.get(3)
    assert len(cache) == 1 and cache.peek(3) == ["v1"] and cache.peek(1) is None
