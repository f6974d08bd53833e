"""The premium guard reads premium_subs: active and unexpired, per user and guild, cached until invalidated."""

from __future__ import annotations

from datetime import timedelta

from utils.clock import ManualClock
from utils.premium_guard import PremiumGuard


async def test_tiers_and_guild_premium(clean_db) -> None:
    clock = ManualClock()
    guard = PremiumGuard(clean_db, clock)
    insert = "INSERT INTO premium_subs (user_id, guild_id, tier, status, expires_at) VALUES ($1, $2, $3, $4, $5)"
    await clean_db.execute(insert, 1, 10, "monthly", "active", clock.now() + timedelta(days=3))
    await clean_db.execute(insert, 2, 10, "yearly", "expired", None)
    await clean_db.execute(insert, 3, 11, "lifetime", "active", None)
    assert await guard.tier(1, 10) == "monthly"
    assert await guard.is_premium(1, 11) is False  # premium applies to one guild only
    assert await guard.is_premium(2, 10) is False
    assert await guard.guild_has_premium(10) and await guard.guild_has_premium(11)
    assert await guard.guild_has_premium(12) is False
    clock.advance(days=4)  # past expires_at: no longer premium, once the cache is refreshed
    assert await guard.tier(1, 10) == "monthly"
    guard.invalidate()
    assert await guard.tier(1, 10) is None
