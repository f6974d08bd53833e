"""The premium guard: who has premium where, asked by every premium-gated feature.

A subscription (`premium_subs`, one active per user) applies to one guild. Answers are cached for a minute;
the premium cog invalidates the cache whenever a webhook changes a subscription.
"""

from __future__ import annotations

import time
from typing import Any

from utils.clock import Clock
from utils.db import HearthPool

CACHE_SECONDS = 60.0
TIERS = ("monthly", "yearly", "lifetime")

_ACTIVE = "status = 'active' AND (expires_at IS NULL OR expires_at > $2)"
_USER_TIER = "SELECT tier FROM premium_subs WHERE user_id = $1 AND guild_id = $3 AND " + _ACTIVE
_GUILD_ANY = "SELECT EXISTS (SELECT 1 FROM premium_subs WHERE guild_id = $1 AND " + _ACTIVE + ")"


class PremiumGuard:
    """`tier`, `is_premium` and `guild_has_premium`, cached briefly."""

    def __init__(self, pool: HearthPool, clock: Clock) -> None:
        self.pool = pool
        self.clock = clock
        self._cache: dict[tuple[str, int, int], tuple[float, Any]] = {}
        self._generation = 0  # bumped by invalidate(): a read that started before keeps its answer out of the cache

    async def tier(self, user_id: int, guild_id: int) -> str | None:
        """The user's active premium tier in this guild (monthly, yearly, lifetime), or None (free)."""
        return await self._cached(("tier", user_id, guild_id), lambda: self.pool.fetchval(
            _USER_TIER, user_id, self.clock.now(), guild_id))

    async def is_premium(self, user_id: int, guild_id: int) -> bool:
        """Whether the user has active premium in this guild."""
        return await self.tier(user_id, guild_id) is not None

    async def guild_has_premium(self, guild_id: int) -> bool:
        """Whether any member's active premium applies to this guild."""
        return await self._cached(("guild", 0, guild_id), lambda: self.pool.fetchval(
            _GUILD_ANY, guild_id, self.clock.now()))

    def invalidate(self) -> None:
        """Forget every cached answer (a subscription changed)."""
        self._cache.clear()
        self._generation += 1

    async def _cached(self, key: tuple[str, int, int], load: Any) -> Any:
        hit = self._cache.get(key)
        now = time.monotonic()
        if hit is not None and hit[0] > now:
            return hit[1]
        generation = self._generation
        value = await load()
        if generation == self._generation:
            self._cache[key] = (now + CACHE_SECONDS, value)
        return value
