"""The counting buffer: every counted message and reaction is added here in memory (no database round trip),
and the cog writes it with one set-based statement per table every few seconds and at shutdown.

Counters are aggregated by key as they arrive (a member's 300 messages of the day are one row with 300), so
the write is as large as the number of distinct members, not messages. Only the per-message index of the
weekly awards (`engagement_weekly_messages`) grows with messages; it has a hard limit (`message_capacity`)
and, like the counters (`key_capacity`), drops and counts what does not fit rather than growing without
bound while the database is down. A batch whose write failed is merged back, so nothing is lost when the
database blips.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from datetime import date, datetime

# One counted message, as written to engagement_weekly_messages.
MessageRow = tuple[int, int, int, int, datetime, bool]  # guild_id, message_id, channel_id, user_id, at, has_image


@dataclass
class StreakMark:
    """The days a member wrote on within one flush window: the last day, and where its unbroken run starts."""

    run_start: date
    last_day: date

    def see(self, day: date) -> None:
        """A message on `day` (days arrive in order; an older day — a clock or time-zone change — is ignored)."""
        if day <= self.last_day:
            return
        if (day - self.last_day).days == 1:
            self.last_day = day
        else:  # a gap inside the window: the streak restarts at `day`
            self.run_start = self.last_day = day

    def merge_after(self, later: StreakMark) -> None:
        """Combine with a later window (when a failed batch is merged back in front of newer data)."""
        if later.run_start <= self.last_day + (date.resolution):
            self.last_day = max(self.last_day, later.last_day)
        else:
            self.run_start, self.last_day = later.run_start, later.last_day


@dataclass
class Participation:
    """A member's messages in a challenge, and Discord's id of the first one: snowflakes grow with time, so it
    records who started first (the tie-break) whatever order the rows are written in."""

    messages: int
    first_message_id: int

    def merge(self, other: Participation) -> None:
        """Add another count of the same member in the same challenge."""
        self.messages += other.messages
        self.first_message_id = min(self.first_message_id, other.first_message_id)


@dataclass
class Batch:
    """Everything buffered at one moment, to be written in one transaction."""

    daily: dict[tuple[int, int, date], int] = field(default_factory=dict)  # (guild, user, local day) → messages
    streaks: dict[tuple[int, int], StreakMark] = field(default_factory=dict)  # (guild, user) → days seen
    # (guild, challenge, user) → messages and the first one
    participants: dict[tuple[int, int, int], Participation] = field(default_factory=dict)
    messages: deque[MessageRow] = field(default_factory=deque)
    reactions: dict[tuple[int, int], int] = field(default_factory=dict)  # (guild, message) → reaction delta

    def __bool__(self) -> bool:
        return bool(self.daily or self.streaks or self.participants or self.messages or self.reactions)

    @property
    def increments(self) -> int:
        """Messages counted in this batch (the sum of the daily counters)."""
        return sum(self.daily.values())


class EngagementBuffer:
    """Pending counts with hard limits; `take()` hands the whole content to the writer and starts afresh."""

    def __init__(self, *, message_capacity: int = 200_000, key_capacity: int = 200_000) -> None:
        self.message_capacity = message_capacity
        self.key_capacity = key_capacity
        self._batch = Batch()
        self.dropped_messages = 0  # per-message index rows dropped while full (the counters still counted them)
        self.dropped_increments = 0  # counter increments dropped while full
        self.dropped_reactions = 0  # reaction changes dropped while full

    def __len__(self) -> int:
        return len(self._batch.messages)

    @property
    def pending_increments(self) -> int:
        """Messages counted and not yet written."""
        return self._batch.increments

    @property
    def keys(self) -> int:
        """Distinct counter keys held (the memory that does not grow with messages)."""
        b = self._batch
        return len(b.daily) + len(b.streaks) + len(b.participants) + len(b.reactions)

    @property
    def pressure(self) -> bool:
        """Half full: the writer should not wait for its next turn."""
        return len(self._batch.messages) * 2 >= self.message_capacity or self.keys * 2 >= self.key_capacity

    def add_message(self, guild_id: int, user_id: int, channel_id: int, message_id: int, at: datetime, day: date,
                    has_image: bool, challenge_id: int | None, *, index: bool = True) -> bool:
        """Count one message; never blocks, never touches the database. True when this message brought the buffer
        to half full (`pressure`): the writer should not wait for its next turn."""
        b = self._batch
        key = (guild_id, user_id, day)
        grew = False  # a new key: only then can the keys have reached half the capacity
        if key in b.daily:
            b.daily[key] += 1
        elif self.keys < self.key_capacity:
            b.daily[key] = 1
            grew = True
        else:
            self.dropped_increments += 1
            return True
        mark = b.streaks.get((guild_id, user_id))
        if mark is None:
            b.streaks[(guild_id, user_id)] = StreakMark(day, day)
            grew = True
        else:
            mark.see(day)
        if challenge_id is not None:
            pkey = (guild_id, challenge_id, user_id)
            joined = b.participants.get(pkey)
            if joined is None:
                b.participants[pkey] = Participation(1, message_id)
                grew = True
            else:
                joined.merge(Participation(1, message_id))
        messages = b.messages
        if index:
            if len(messages) >= self.message_capacity:
                messages.popleft()
                self.dropped_messages += 1
            messages.append((guild_id, message_id, channel_id, user_id, at, has_image))
        return len(messages) * 2 >= self.message_capacity or (grew and self.keys * 2 >= self.key_capacity)

    def add_reaction(self, guild_id: int, message_id: int, delta: int) -> None:
        """A reaction added (+1) or removed (−1) on a counted message."""
        reactions = self._batch.reactions
        key = (guild_id, message_id)
        if key in reactions or self.keys < self.key_capacity:
            reactions[key] = reactions.get(key, 0) + delta
            if reactions[key] == 0:
                del reactions[key]
        else:
            self.dropped_reactions += 1

    def take(self) -> Batch:
        """Hand over everything buffered and start an empty buffer."""
        batch, self._batch = self._batch, Batch()
        return batch

    def put_back(self, batch: Batch) -> None:
        """Merge a batch whose write failed back in front of what arrived meanwhile (limits still apply)."""
        newer, self._batch = self._batch, batch
        # Keys new to the failed batch only fit while there is room (`self.keys` now counts `batch`).
        for key, count in newer.daily.items():
            if key in batch.daily or self.keys < self.key_capacity:
                batch.daily[key] = batch.daily.get(key, 0) + count
            else:
                self.dropped_increments += count
        for key, mark in newer.streaks.items():
            if key in batch.streaks:
                batch.streaks[key].merge_after(mark)
            elif self.keys < self.key_capacity:
                batch.streaks[key] = mark
        for key, joined in newer.participants.items():
            if key in batch.participants:
                batch.participants[key].merge(joined)
            elif self.keys < self.key_capacity:
                batch.participants[key] = joined
        for key, delta in newer.reactions.items():
            if key in batch.reactions or self.keys < self.key_capacity:
                batch.reactions[key] = batch.reactions.get(key, 0) + delta
            else:
                self.dropped_reactions += 1
        batch.messages.extend(newer.messages)
        while len(batch.messages) > self.message_capacity:
            batch.messages.popleft()
            self.dropped_messages += 1

    def forget_user(self, user_id: int) -> None:
        """Drop whatever is buffered about one user (GDPR erasure)."""
        b = self._batch
        b.daily = {k: v for k, v in b.daily.items() if k[1] != user_id}
        b.streaks = {k: v for k, v in b.streaks.items() if k[1] != user_id}
        b.participants = {k: v for k, v in b.participants.items() if k[2] != user_id}
        b.messages = deque(row for row in b.messages if row[3] != user_id)

    def forget_guild(self, guild_id: int) -> None:
        """Drop whatever is buffered about one guild (the bot left it)."""
        b = self._batch
        b.daily = {k: v for k, v in b.daily.items() if k[0] != guild_id}
        b.streaks = {k: v for k, v in b.streaks.items() if k[0] != guild_id}
        b.participants = {k: v for k, v in b.participants.items() if k[0] != guild_id}
        b.messages = deque(row for row in b.messages if row[0] != guild_id)
        b.reactions = {k: v for k, v in b.reactions.items() if k[0] != guild_id}
