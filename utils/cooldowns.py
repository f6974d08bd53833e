"""Per-member cooldowns for expensive commands and buttons (cards, data requests, checkout, LLM features).

One shape for every cooldown: `Cooldown(rate, per)` allows `rate` uses per `per` seconds for each key (usually
(guild id, user id, what)); `hit` raises `OnCooldown`, a `UserFacingError` that tells the member when to try
again. Time comes from the bot's clock, so tests move a `ManualClock` instead of sleeping.

Cooldowns are kept in memory, per process: a guild's interactions all reach the process that holds its shard, so
every member's uses of a guild's command are counted in one place. The table is bounded (old keys are swept), so
a flood of distinct members cannot grow it without limit.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Hashable, Iterator
from contextlib import contextmanager
from datetime import datetime

from utils.clock import Clock
from utils.errors import UserFacingError

MAX_KEYS = 50_000  # above this, keys whose window has passed are swept before a new one is added


class OnCooldown(UserFacingError):
    """A member used something too often; the message says when they may try again."""

    def __init__(self, retry_after: float, what: str = "that") -> None:
        self.retry_after = retry_after
        seconds = max(1, math.ceil(retry_after))
        wait = f"{seconds} s" if seconds < 120 else f"{math.ceil(seconds / 60)} min"
        super().__init__(f"You're doing {what} too often. Try again in {wait}.")


class Cooldown:
    """`rate` uses per `per` seconds for each key, measured on `clock`."""

    def __init__(self, rate: int, per: float, clock: Clock, *, what: str = "that") -> None:
        if rate < 1 or per <= 0:
            raise ValueError("a cooldown needs rate >= 1 and per > 0")
        self.rate = rate
        self.per = per
        self.clock = clock
        self.what = what
        self._uses: dict[Hashable, deque[datetime]] = {}

    def retry_after(self, key: Hashable) -> float:
        """Seconds until `key` may be used again (0 when it may be used now); does not count a use."""
        uses = self._recent(key, self.clock.now())
        if len(uses) < self.rate:
            return 0.0
        return max(0.0, self.per - (self.clock.now() - uses[0]).total_seconds())

    def check(self, key: Hashable) -> None:
        """Raise `OnCooldown` when `key` is used up; counts nothing (e.g. before opening a form whose submission
        will `hit`)."""
        wait = self.retry_after(key)
        if wait > 0:
            raise OnCooldown(wait, self.what)

    def hit(self, key: Hashable) -> None:
        """Count one use of `key`, or raise `OnCooldown` (and count nothing) when it is used up."""
        self.check(key)
        if key not in self._uses and len(self._uses) >= MAX_KEYS:
            self._sweep(self.clock.now())
        self._uses.setdefault(key, deque()).append(self.clock.now())

    @contextmanager
    def counting(self, key: Hashable, *, refund_on: tuple[type[BaseException], ...] = (BaseException,)
                 ) -> Iterator[None]:
        """Count one use of `key` for the block (raises `OnCooldown` when used up) and give it back when the block
        raises one of `refund_on` (by default anything: the work did not happen)."""
        self.hit(key)
        try:
            yield
        except refund_on:
            self.refund(key)
            raise

    def refund(self, key: Hashable) -> None:
        """Give back the last use of `key` (the work it paid for did not happen, e.g. the LLM was down)."""
        uses = self._uses.get(key)
        if uses:
            uses.pop()

    def _recent(self, key: Hashable, now: datetime) -> deque[datetime]:
        uses = self._uses.get(key)
        if uses is None:
            return deque()
        while uses and (now - uses[0]).total_seconds() >= self.per:
            uses.popleft()
        if not uses:
            del self._uses[key]
        return uses

    def _sweep(self, now: datetime) -> None:
        for key in list(self._uses):
            self._recent(key, now)

    def __len__(self) -> int:
        return len(self._uses)
