"""Points earned on the hot path, held in memory until the next flush (no database round trip per message).

Activity credits add up per member and day (`activity:<day>`: one ledger row that grows); one-off credits (a
level reached, a challenge won) are kept once per reference, so a hook called twice still credits once (the
ledger's unique reference makes that hold across flushes and processes too). The buffer is bounded: past
`capacity` distinct credits, new ones are dropped and counted rather than growing without limit while the
database is down. A batch whose write failed is merged back in front of what arrived meanwhile.

`ActivityGate` is the per-member cooldown of message points, in memory and bounded as well.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from cogs.points.repo import ACTIVITY, Entry

Key = tuple[int, int, str]  # guild, user, reference


@dataclass
class Credit:
    """Points waiting to be written for one (guild, user, reference)."""

    amount: int
    kind: str
    reason: str


class PointsBuffer:
    """Pending credits; `take()` hands them to the writer and starts afresh."""

    def __init__(self, *, capacity: int = 200_000) -> None:
        self.capacity = capacity
        self._credits: dict[Key, Credit] = {}
        self.dropped = 0  # points dropped while full

    def __len__(self) -> int:
        return len(self._credits)

    @property
    def pending(self) -> int:
        """Points buffered and not yet written."""
        return sum(credit.amount for credit in self._credits.values())

    @property
    def pressure(self) -> bool:
        """Half full: the writer should not wait for its next turn."""
        return len(self._credits) * 2 >= self.capacity

    def add(self, guild_id: int, user_id: int, amount: int, kind: str, reference: str, reason: str) -> None:
        """Credit `amount` points; never blocks, never touches the database."""
        key = (guild_id, user_id, reference)
        held = self._credits.get(key)
        if held is not None:
            if kind == ACTIVITY:
                held.amount += amount
            return  # a one-off credit is credited once
        if len(self._credits) >= self.capacity:
            self.dropped += amount
            return
        self._credits[key] = Credit(amount, kind, reason)

    def take(self) -> list[Entry]:
        """Hand over every buffered credit as ledger entries and start an empty buffer."""
        credits, self._credits = self._credits, {}
        return [Entry(guild_id, user_id, credit.amount, credit.kind, reference, credit.reason)
                for (guild_id, user_id, reference), credit in credits.items()]

    def put_back(self, entries: list[Entry]) -> None:
        """Merge entries whose write failed back in (the capacity still applies to new keys)."""
        newer, self._credits = self._credits, {}
        for entry in entries:
            self._credits[(entry.guild_id, entry.user_id, entry.reference)] = Credit(entry.amount, entry.kind,
                                                                                     entry.reason)
        for (guild_id, user_id, reference), credit in newer.items():
            self.add(guild_id, user_id, credit.amount, credit.kind, reference, credit.reason)

    def forget_user(self, user_id: int) -> None:
        """Drop whatever is buffered about one user (GDPR erasure)."""
        self._credits = {key: credit for key, credit in self._credits.items() if key[1] != user_id}


class ActivityGate:
    """Message points at most once per cooldown per member, in memory (a guild's messages all reach the process
    holding its shard). Bounded: past `max_keys` members, those whose last earning is older than a day (the
    longest cooldown) are swept before a new one is added."""

    def __init__(self, *, max_keys: int = 100_000) -> None:
        self.max_keys = max_keys
        self._last: dict[tuple[int, int], datetime] = {}

    def __len__(self) -> int:
        return len(self._last)

    def allow(self, guild_id: int, user_id: int, now: datetime, cooldown: int) -> bool:
        """Whether the member earns for a message now (and if so, the cooldown starts again)."""
        key = (guild_id, user_id)
        last = self._last.get(key)
        if last is not None and (now - last).total_seconds() < cooldown:
            return False
        if last is None and len(self._last) >= self.max_keys:
            self._sweep(now)
        self._last[key] = now
        return True

    def _sweep(self, now: datetime) -> None:
        cutoff = now - timedelta(days=1)
        self._last = {key: at for key, at in self._last.items() if at > cutoff}
        if len(self._last) >= self.max_keys:  # a day's worth of members: start over rather than grow
            self._last.clear()

    def forget_user(self, user_id: int) -> None:
        """Drop the member's cooldowns (GDPR erasure)."""
        self._last = {key: at for key, at in self._last.items() if key[1] != user_id}
