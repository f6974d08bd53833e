"""The generic counter buffer (core/counter_buffer.py) as the XP buffer uses it: aggregated per member, bounded,
a failed batch merged back in front of newer gains, forgetting a member or a guild."""

from __future__ import annotations

from cogs.levels.buffer import Gain, xp_buffer


def test_gains_aggregate_per_member_and_keep_the_latest_channel() -> None:
    buffer = xp_buffer()
    buffer.add((1, 10), Gain(20, messages=1, channel_id=100))
    buffer.add((1, 10), Gain(15, messages=1, channel_id=200))
    buffer.add((1, 10), Gain(30, voice_minutes=3))  # voice: no channel to announce in
    buffer.add((1, 11), Gain(25, messages=1, channel_id=100))
    assert len(buffer) == 2 and buffer.get((1, 10)) == Gain(65, 2, 3, 200)


def test_the_buffer_is_bounded_and_a_failed_batch_is_merged_back() -> None:
    buffer = xp_buffer(capacity=2)
    buffer.add((1, 10), Gain(20, messages=1))
    buffer.add((1, 11), Gain(20, messages=1))
    assert buffer.pressure
    assert not buffer.add((1, 12), Gain(20, messages=1))  # full: a new member's gain is dropped and counted
    assert buffer.add((1, 10), Gain(5))  # a member already held still adds up
    assert buffer.dropped == 1
    failed = buffer.take()
    assert len(buffer) == 0
    buffer.add((1, 10), Gain(7, channel_id=300))
    buffer.add((1, 13), Gain(9))
    buffer.put_back(failed)  # the failed batch first, newer gains merged in; the limit still holds
    assert buffer.take() == {(1, 10): Gain(32, 1, 0, 300), (1, 11): Gain(20, 1)}
    assert buffer.dropped == 2


def test_forgetting_a_member_or_a_guild() -> None:
    buffer = xp_buffer()
    for key in ((1, 10), (1, 11), (2, 10)):
        buffer.add(key, Gain(5))
    assert buffer.forget(lambda key: key[1] == 10) == 2
    assert list(buffer) == [(1, 11)]
    assert buffer.forget(lambda key: key[0] == 1) == 1 and not buffer
