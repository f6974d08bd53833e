"""Each Stripe event takes effect once: redeliveries and concurrent duplicates change nothing more."""

from __future__ import annotations

import asyncio

from tests.kit.premium import PremiumWorld


async def _completed_checkout_event(premium: PremiumWorld) -> dict:
    session = premium.stripe.complete_checkout(await premium.open_checkout(premium.guild.member))
    return premium.stripe.event("checkout.session.completed", session)


async def _effects(premium: PremiumWorld, event_id: str) -> tuple[int, int, int, int]:
    member = premium.guild.member
    events = await premium.db.fetchval("SELECT count(*) FROM stripe_events WHERE event_id = $1", event_id)
    rows = len(await premium.rows(member.id))
    jobs = await premium.db.fetchval("SELECT count(*) FROM timers WHERE kind LIKE 'premium_%'")
    activation_dms = sum("is active" in text for text in premium.dm_texts(member))
    return events, rows, jobs, activation_dms


async def test_the_same_event_twice_has_one_effect(premium: PremiumWorld) -> None:
    event = await _completed_checkout_event(premium)
    first = await premium.webhooks.send(event)
    second = await premium.webhooks.send(event)
    assert first.json() == {"received": True, "duplicate": False}
    assert second.status_code == 200 and second.json()["duplicate"] is True
    assert await _effects(premium, event["id"]) == (1, 1, 1, 1)  # no 7-day warning job: monthly renews
    row = await premium.db.fetchrow("SELECT type, created_at FROM stripe_events WHERE event_id = $1", event["id"])
    assert row["type"] == "checkout.session.completed"
    assert int(row["created_at"].timestamp()) == event["created"]
    assert len(premium.stripe.requests_to("GET", "/v1/subscriptions/")) == 1  # the duplicate did no work


async def test_a_hundred_concurrent_deliveries_have_one_effect(premium: PremiumWorld) -> None:
    event = await _completed_checkout_event(premium)
    responses = await asyncio.gather(*(premium.webhooks.send(event) for _ in range(100)))
    assert [r.status_code for r in responses] == [200] * 100
    assert sum(not r.json()["duplicate"] for r in responses) == 1
    await premium.discord.settle()
    assert await _effects(premium, event["id"]) == (1, 1, 1, 1)
    assert await premium.db.fetchval("SELECT count(*) FROM stripe_events") == 1


async def test_concurrent_processes_apply_an_event_once(premium: PremiumWorld) -> None:
    """Two bot processes share only the database: the primary key on the event id decides, not a lock in memory."""
    event = await _completed_checkout_event(premium)
    webhooks = premium.hearth.bot.get_cog("Premium").webhooks
    handled = await asyncio.gather(*(webhooks.process(event) for _ in range(20)))  # bypasses the in-process lock
    assert handled.count(True) == 1
    await premium.discord.settle()
    assert await _effects(premium, event["id"]) == (1, 1, 1, 1)
