"""POST /webhooks/stripe only accepts what Stripe signed, recently, with this endpoint's secret."""

from __future__ import annotations

import json
import time

import httpx

from tests.kit.premium import COGS, PremiumWorld
from tests.stripe_standin import sign


async def _nothing_recorded(premium: PremiumWorld) -> None:
    assert await premium.db.fetchval("SELECT count(*) FROM stripe_events") == 0
    assert await premium.db.fetchval("SELECT count(*) FROM premium_subs") == 0


async def _paid_session(premium: PremiumWorld) -> dict:
    session_id = await premium.open_checkout(premium.guild.member)
    return premium.stripe.complete_checkout(session_id)


async def test_wrong_secret_is_refused(premium: PremiumWorld) -> None:
    event = premium.stripe.event("checkout.session.completed", await _paid_session(premium))
    response = await premium.webhooks.send(event, secret="whsec_someone_else")
    assert response.status_code == 400
    assert response.json() == {"error": "invalid or expired signature"}
    await _nothing_recorded(premium)
    assert premium.dm_texts(premium.guild.member) == []


async def test_missing_or_garbled_signature_is_refused(premium: PremiumWorld) -> None:
    event = premium.stripe.event("checkout.session.completed", await _paid_session(premium))
    body = json.dumps(event).encode()
    no_header = await premium.webhooks.client.post("/webhooks/stripe", content=body)
    garbled = await premium.webhooks.send(event, signature="t=abc,v1=nope")
    tampered = await premium.webhooks.send(event, signature=sign(b'{"other": 1}', premium.webhooks.secret))
    assert (no_header.status_code, garbled.status_code, tampered.status_code) == (400, 400, 400)
    await _nothing_recorded(premium)


async def test_stale_timestamp_is_refused(premium: PremiumWorld) -> None:
    event = premium.stripe.event("checkout.session.completed", await _paid_session(premium))
    stale = await premium.webhooks.send(event, timestamp=int(time.time()) - 600)  # Stripe's tolerance is 300 s
    assert stale.status_code == 400
    await _nothing_recorded(premium)
    fresh = await premium.webhooks.send(event)  # the same event, signed now, is accepted
    assert fresh.status_code == 200
    assert [row["status"] for row in await premium.rows(premium.guild.member.id)] == ["active"]


async def test_signed_but_malformed_body_is_refused(premium: PremiumWorld) -> None:
    for body in (b"not json", b'{"id": "evt_1"}'):
        response = await premium.webhooks.send({}, body=body)
        assert response.status_code == 400, body
    assert await premium.db.fetchval("SELECT count(*) FROM stripe_events") == 0


async def test_without_a_webhook_secret_nothing_is_accepted(hearth, clean_db) -> None:
    bot = hearth.make_bot(cogs=COGS, stripe_secret_key="sk_test_x", api_enabled=False)  # no STRIPE_WEBHOOK_SECRET
    async with bot:
        await bot.prepare()
        await bot.api.start("127.0.0.1", 0)
        event = {"id": "evt_anon", "object": "event", "type": "checkout.session.completed", "created": 1,
                 "data": {"object": {"id": "cs_1", "object": "checkout.session", "mode": "payment",
                                     "payment_status": "paid", "metadata": {"discord_user_id": "1",
                                                                            "discord_guild_id": "2"}}}}
        body = json.dumps(event).encode()
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{bot.api.port}") as client:
            unsigned = await client.post("/webhooks/stripe", content=body)
            signed = await client.post("/webhooks/stripe", content=body,
                                       headers={"Stripe-Signature": sign(body, "whsec_guess")})
    assert unsigned.status_code == signed.status_code == 503
    assert "not configured" in unsigned.json()["error"]
    assert await clean_db.fetchval("SELECT count(*) FROM stripe_events") == 0
    assert await clean_db.fetchval("SELECT count(*) FROM premium_subs") == 0
