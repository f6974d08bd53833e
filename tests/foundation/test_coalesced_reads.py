"""core/coalesced_reads.py: the keys asked for in one turn of the event loop are loaded by one call per batch; a
failed call fails only its batch's waiters, and the next read loads again."""

from __future__ import annotations

import asyncio

import pytest

from core.coalesced_reads import CoalescedReads


async def test_one_turns_keys_are_loaded_in_batches_and_a_failure_stays_with_its_batch() -> None:
    calls: list[list[int]] = []
    failing: set[int] = set()

    async def load_many(keys: list[int]) -> dict[int, str]:
        calls.append(keys)
        if failing & set(keys):
            raise ConnectionError("database away")
        return {key: f"v{key}" for key in keys}

    reads: CoalescedReads[int, str] = CoalescedReads(load_many, batch=3)
    assert await asyncio.gather(*(reads(key) for key in (1, 2, 3, 4, 2))) == ["v1", "v2", "v3", "v4", "v2"]
    assert calls == [[1, 2, 3], [4]]  # one turn: two batches, the repeated key asked for once

    failing.add(6)
    results = await asyncio.gather(*(reads(key) for key in (5, 6, 7, 8)), return_exceptions=True)
    assert [type(r).__name__ if isinstance(r, Exception) else r for r in results] == [
        "ConnectionError", "ConnectionError", "ConnectionError", "v8"]
    failing.clear()
    assert await reads(6) == "v6" and calls[-1] == [6]  # not remembered: loaded again


async def test_a_cancelled_waiter_does_not_cancel_the_load_for_the_others() -> None:
    started = asyncio.Event()
    release = asyncio.Event()

    async def load_many(keys: list[int]) -> dict[int, int]:
        started.set()
        await release.wait()
        return {key: key * 10 for key in keys}

    reads: CoalescedReads[int, int] = CoalescedReads(load_many, batch=10)
    first = asyncio.ensure_future(reads(1))
    second = asyncio.ensure_future(reads(1))
    await started.wait()
    first.cancel()
    release.set()
    with pytest.raises(asyncio.CancelledError):
        await first
    assert await second == 10
