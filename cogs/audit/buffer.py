"""A bounded in-memory buffer of audit rows: a slow or down database never delays a command.

When full, the oldest rows are dropped and counted; rows whose write failed go back to the front.
"""

from __future__ import annotations

from collections import deque
from dataclasses import astuple, dataclass
from datetime import datetime


@dataclass(frozen=True)
class AuditRecord:
    """One command use, as written to `audit_logs`."""

    guild_id: int
    user_id: int
    command_name: str
    command_type: str  # slash, context_menu or text
    success: bool
    error_message: str | None
    created_at: datetime

    def as_row(self) -> tuple:
        """Column values in `COLUMNS` order."""
        return astuple(self)


COLUMNS = ("guild_id", "user_id", "command_name", "command_type", "success", "error_message", "created_at")


class AuditBuffer:
    """FIFO of pending records with a hard size limit."""

    def __init__(self, capacity: int = 10_000) -> None:
        self.capacity = capacity
        self._rows: deque[AuditRecord] = deque()
        self.dropped = 0

    def __len__(self) -> int:
        return len(self._rows)

    def add(self, record: AuditRecord) -> None:
        """Queue a record; when full, the oldest one is dropped (and counted)."""
        if len(self._rows) >= self.capacity:
            self._rows.popleft()
            self.dropped += 1
        self._rows.append(record)

    def take(self, limit: int) -> list[AuditRecord]:
        """Remove and return up to `limit` of the oldest records."""
        return [self._rows.popleft() for _ in range(min(limit, len(self._rows)))]

    def forget_user(self, user_id: int) -> None:
        """Drop every buffered record of one user (GDPR erasure)."""
        self._rows = deque(record for record in self._rows if record.user_id != user_id)

    def put_back(self, records: list[AuditRecord]) -> None:
        """Return records whose write failed to the front, keeping the size limit."""
        room = self.capacity - len(self._rows)
        keep = records[-room:] if room > 0 else []
        self.dropped += len(records) - len(keep)
        self._rows.extendleft(reversed(keep))
