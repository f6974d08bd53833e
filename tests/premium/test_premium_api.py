"""The premium API reads premium_subs: active and unexpired, per user and guild, cached until invalidated."""

from __future__ import annotations

from datetime import timedelta

from cogs.premium.api import PremiumApi, premium_of
from utils.clock import ManualClock


async def test_tiers_and_guild_premium(clean_db) -> None:
    clock = ManualClock()
    guard = PremiumApi(clean_db, clock)
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


async def test_a_notification_forgets_the_users_answers_and_every_guild_answer(clean_db) -> None:
    clock = ManualClock()
    guard = PremiumApi(clean_db, clock)
    insert = "INSERT INTO premium_subs (user_id, guild_id, tier, status) VALUES ($1, $2, $3, 'active')"
    await clean_db.execute(insert, 1, 10, "monthly")
    await clean_db.execute(insert, 2, 10, "yearly")
    assert (await guard.tier(1, 10), await guard.tier(2, 10), await guard.guild_has_premium(10)) == (
        "monthly", "yearly", True)
    # Another process changed both rows (user 1's moved to guild 11, user 2's ended) and notified user 1 only.
    await clean_db.execute("UPDATE premium_subs SET guild_id = 11 WHERE user_id = 1")
    await clean_db.execute("UPDATE premium_subs SET status = 'cancelled' WHERE user_id = 2")
    guard.on_notification("1")
    assert await guard.tier(1, 10) is None and await guard.tier(1, 11) == "monthly"
    assert await guard.guild_has_premium(10) is False  # guild answers are all dropped
    assert await guard.tier(2, 10) == "yearly"  # user 2 was not named: still cached
    guard.on_notification("2,3")
    assert await guard.tier(2, 10) is None


async def test_other_features_still_see_premium_after_the_premium_cog_is_reloaded(hearth) -> None:
    g = hearth.guild
    await hearth.db.execute("INSERT INTO premium_subs (user_id, guild_id, tier, status) VALUES ($1, $2, 'yearly', "
                            "'active')", g.member.id, g.guild.id)
    assert await premium_of(hearth.bot).tier(g.member.id, g.guild.id) == "yearly"
    # discord.py drops the cog package's modules on unload: the reloaded API is built from a new PremiumApi class.
    await hearth.bot.reload_extension("cogs.premium")
    assert await premium_of(hearth.bot).tier(g.member.id, g.guild.id) == "yearly"
    await hearth.bot.unload_extension("cogs.premium")
    assert await premium_of(hearth.bot).tier(g.member.id, g.guild.id) is None  # no premium cog: nobody has premium
    assert not await premium_of(hearth.bot).guild_has_premium(g.guild.id)
