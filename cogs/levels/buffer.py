"""XP earned and not yet written: one `Gain` per (guild, member), aggregated in `core.counter_buffer.CounterBuffer`
(the engagement buffer's rule, shared), written by the cog's flush with one set-based statement."""

from __future__ import annotations

from dataclasses import dataclass

from core.counter_buffer import CounterBuffer

Key = tuple[int, int]  # guild id, user id
CAPACITY = 200_000  # distinct members held while the database is away


@dataclass
class Gain:
    """XP a member earned since the last flush, the messages and voice minutes behind it, and the text channel of
    their latest counted message (where a level-up is announced in `current` mode; None for voice only)."""

    xp: int
    messages: int = 0
    voice_minutes: int = 0
    channel_id: int | None = None


def merge(older: Gain, newer: Gain) -> Gain:
    """Two gains of one member: the sums, and the newer channel."""
    return Gain(older.xp + newer.xp, older.messages + newer.messages, older.voice_minutes + newer.voice_minutes,
                newer.channel_id if newer.channel_id is not None else older.channel_id)


def xp_buffer(capacity: int = CAPACITY) -> CounterBuffer[Key, Gain]:
    """An empty XP buffer."""
    return CounterBuffer(merge=merge, capacity=capacity, name="XP")
