"""The audit buffer stays bounded and keeps failed writes; flushing writes what was recorded."""

from __future__ import annotations

from datetime import UTC, datetime

from cogs.audit.buffer import AuditBuffer, AuditRecord

WHEN = datetime(2026, 11, 21, 12, tzinfo=UTC)


def record(n: int) -> AuditRecord:
    return AuditRecord(1, n, f"cmd {n}", "slash", True, None, WHEN)


def test_full_buffer_drops_the_oldest_and_counts() -> None:
    buffer = AuditBuffer(capacity=3)
    for n in range(5):
        buffer.add(record(n))
    assert (len(buffer), buffer.dropped) == (3, 2)
    assert [r.user_id for r in buffer.take(10)] == [2, 3, 4]


def test_put_back_keeps_order_and_limit() -> None:
    buffer = AuditBuffer(capacity=4)
    for n in range(4):
        buffer.add(record(n))
    batch = buffer.take(3)  # 0, 1, 2 are being written
    buffer.add(record(4))
    buffer.add(record(5))  # the buffer now holds 3, 4, 5
    buffer.put_back(batch)  # the write failed: only one slot is left, the newest failed row keeps it
    assert buffer.dropped == 2
    assert [r.user_id for r in buffer.take(10)] == [2, 3, 4, 5]
