"""The premium guard: who has premium where, asked by every premium-gated feature.

A subscription (`premium_subs`, one active per user) applies to one guild. Answers are cached for a minute per
process. Whoever changes a user's subscriptions calls `announce_change(conn, user_ids)` inside the change's
transaction: on commit, PostgreSQL notifies every bot process (channel `hearth_premium`, `core/notify.py`), and
each one's guard drops that user's cached answers (`on_notification`). While the LISTEN connection is down,
nothing is heard, so the whole cache is dropped when it is lost and again when it is back (`invalidate`).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from typing import Any

from core.db import HearthPool
from core.notify import notify
from utils.clock import Clock

log = logging.getLogger(__name__)

NOTIFY_CHANNEL = "hearth_premium"
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
        """Forget every cached answer (a subscription changed; or notifications may have been missed)."""
        self._cache.clear()
        self._generation += 1

    def forget_users(self, user_ids: Iterable[int]) -> None:
        """Forget the users' cached tiers, and every guild's "has premium" answer (a subscription can move
        between guilds, so any guild may have changed)."""
        users = set(user_ids)
        for key in [key for key in self._cache if key[0] == "guild" or key[1] in users]:
            del self._cache[key]
        self._generation += 1  # a read already under way (of any user) keeps its answer out of the cache

    def on_notification(self, payload: str) -> None:
        """A subscription change committed by any process (LISTEN/NOTIFY): payload = comma-separated user ids."""
        try:
            users = [int(part) for part in payload.split(",") if part.strip()]
        except ValueError:
            log.warning("Premium: ignoring a notification with payload %r; dropping the whole cache", payload)
            self.invalidate()
            return
        self.forget_users(users)

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


async def announce_change(conn: Any, user_ids: Iterable[int]) -> None:
    """Tell every bot process, when `conn`'s transaction commits, that these users' premium changed."""
    users = sorted(set(user_ids))
    if users:
        await notify(conn, NOTIFY_CHANNEL, ",".join(map(str, users)))
