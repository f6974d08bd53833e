"""Attacks on the bot's webhooks (Stripe, the companion app): forged, stale, replayed, malformed and oversized
requests are refused with a 4xx and write nothing.

Counted after each attack: `stripe_events`, `premium_subs` (Stripe) and `app_reflections` (companion).
"""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator

import httpx
import pytest_asyncio

from cogs.companion.signing import sign as app_sign
from core.http_api import DEFAULT_MAX_BODY
from tests.hearth_harness import Hearth
from tests.kit.premium import PremiumWorld
from tests.stripe_standin import sign as stripe_sign

APP_SECRET = "app-secret"


async def _stripe_counts(world: PremiumWorld) -> tuple[int, int]:
    return (await world.db.fetchval("SELECT count(*) FROM stripe_events"),
            await world.db.fetchval("SELECT count(*) FROM premium_subs"))


async def _post_stripe(world: PremiumWorld, body: bytes, *, timestamp: int | None = None) -> httpx.Response:
    """POST `body` to /webhooks/stripe signed with the endpoint's secret."""
    header = stripe_sign(body, world.webhooks.secret, timestamp)
    return await world.webhooks.client.post("/webhooks/stripe", content=body,
                                            headers={"Content-Type": "application/json", "Stripe-Signature": header})


# --- Stripe ----------------------------------------------------------------------------------------------------


async def test_stripe_replayed_delivery_has_no_second_effect_and_an_old_one_is_refused(premium: PremiumWorld) -> None:
    session = premium.stripe.complete_checkout(await premium.open_checkout(premium.guild.member))
    body = json.dumps(premium.stripe.event("checkout.session.completed", session)).encode()
    header = stripe_sign(body, premium.webhooks.secret)
    headers = {"Content-Type": "application/json", "Stripe-Signature": header}
    first = await premium.webhooks.client.post("/webhooks/stripe", content=body, headers=headers)
    await premium.discord.settle()
    dms = len(premium.dm_texts(premium.guild.member))
    # An attacker who captured the delivery sends the very same bytes and header again, at once...
    replay = await premium.webhooks.client.post("/webhooks/stripe", content=body, headers=headers)
    # ... and later: the captured header's timestamp is then outside Stripe's 5-minute tolerance.
    late = await _post_stripe(premium, body, timestamp=int(time.time()) - 600)
    await premium.discord.settle()
    assert first.status_code == 200 and first.json()["duplicate"] is False
    assert replay.status_code == 200 and replay.json()["duplicate"] is True  # acknowledged, not applied again
    assert late.status_code == 400 and late.json() == {"error": "invalid or expired signature"}
    assert await _stripe_counts(premium) == (1, 1)
    assert len(premium.dm_texts(premium.guild.member)) == dms  # no second "premium is active" DM


async def test_stripe_signed_bodies_of_the_wrong_shape_are_refused(premium: PremiumWorld) -> None:
    member = premium.guild.member
    # A session Hearth created and the member paid: only such a session can grant premium.
    session = premium.stripe.complete_checkout(await premium.open_checkout(member, "lifetime"))
    good = premium.stripe.event("checkout.session.completed", session)

    def variant(**changes: object) -> bytes:
        event = json.loads(json.dumps(good))
        for path, value in changes.items():
            target = event
            *parents, leaf = path.split("__")
            for key in parents:
                target = target[key]
            target[leaf] = value
        return json.dumps(event).encode()

    bodies = {
        "not JSON": b"{not json",
        "not UTF-8": b"\xff\xfe\x00garbage",
        "a JSON list": b"[1, 2, 3]",
        "a JSON string": b'"evt_1"',
        "no id": variant(id=None),
        "id a number": variant(id=12345),
        "id too long": variant(id="evt_" + "x" * 300),
        "type a list": variant(type=["checkout.session.completed"]),
        "created a text": variant(created="yesterday"),
        "created a boolean": variant(created=True),
        "created out of range": variant(created=10**20),
        "data a list": variant(data=[]),
        "data.object a text": variant(data__object="cs_x"),
        "previous_attributes a text": variant(data__previous_attributes="nope"),
        "metadata a list": variant(data__object__metadata=["discord_user_id", "1"]),
    }
    answers = {name: await _post_stripe(premium, body) for name, body in bodies.items()}
    assert {name: r.status_code for name, r in answers.items()} == dict.fromkeys(bodies, 400)
    assert all(r.json() == {"error": "malformed event"} for r in answers.values())
    assert await _stripe_counts(premium) == (0, 0)
    assert premium.dm_texts(member) == []
    # The well-formed event, signed the same way, is accepted: the refusals were about shape alone.
    assert (await _post_stripe(premium, variant())).status_code == 200
    assert await _stripe_counts(premium) == (1, 1)


async def test_stripe_oversized_body_is_413_whether_declared_or_streamed(premium: PremiumWorld) -> None:
    session = premium.stripe.complete_checkout(await premium.open_checkout(premium.guild.member))
    event = premium.stripe.event("checkout.session.completed", session)
    event["data"]["object"]["padding"] = "x" * (DEFAULT_MAX_BODY + 1)
    body = json.dumps(event).encode()
    declared = await _post_stripe(premium, body)

    async def chunks() -> AsyncIterator[bytes]:  # no Content-Length: chunked transfer encoding
        for start in range(0, len(body), 16 * 1024):
            yield body[start:start + 16 * 1024]

    streamed = await premium.webhooks.client.post(
        "/webhooks/stripe", content=chunks(),
        headers={"Content-Type": "application/json", "Stripe-Signature": stripe_sign(body, premium.webhooks.secret)})
    assert (declared.status_code, streamed.status_code) == (413, 413)
    assert "too large" in declared.json()["error"]
    assert premium.hearth.bot.api.body_limit.refused == 2
    assert await _stripe_counts(premium) == (0, 0)


# --- the companion app --------------------------------------------------------------------------------------------


@pytest_asyncio.fixture(loop_scope="session")
async def app_api(hearth: Hearth) -> AsyncIterator[tuple[Hearth, httpx.AsyncClient]]:
    await hearth.restart(api_enabled=True, api_port=0, app_webhook_secret=APP_SECRET)
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{hearth.bot.api.port}") as client:
        yield hearth, client


class _Stamps:
    """Fresh, distinct timestamps, so a refusal is never only a replay."""

    def __init__(self) -> None:
        self.next = int(time.time()) - 100

    def __call__(self) -> int:
        self.next += 1
        return self.next


def _app_headers(raw: bytes, stamp: int, *, secret: str = APP_SECRET) -> dict[str, str]:
    return {"X-Hearth-Timestamp": str(stamp), "X-Hearth-Signature": app_sign(secret, stamp, raw),
            "Content-Type": "application/json"}


async def _reflections(hearth: Hearth) -> int:
    return await hearth.db.fetchval("SELECT count(*) FROM app_reflections")


async def test_revoke_refuses_forged_stale_replayed_and_malformed_requests(app_api) -> None:
    hearth, client = app_api
    stamp = _Stamps()
    store = json.dumps({"user_id": 7, "reflection_id": "r1", "content": {"reflection_text": "calm"}}).encode()
    assert (await client.post("/webhooks/app-reflections", content=store,
                              headers=_app_headers(store, stamp()))).status_code == 201
    revoke = json.dumps({"user_id": 7, "reflection_id": "r1"}).encode()
    now = stamp()
    attempts = {
        "unsigned": (revoke, {}),
        "wrong secret": (revoke, _app_headers(revoke, stamp(), secret="guess")),
        "timestamp not a number": (revoke, {**_app_headers(revoke, now), "X-Hearth-Timestamp": "soon"}),
        "stale": (revoke, _app_headers(revoke, int(time.time()) - 600)),
        "signature of another body": (revoke, _app_headers(b'{"user_id": 8, "reflection_id": "r9"}', stamp())),
        "not JSON": (b"user_id=7", _app_headers(b"user_id=7", stamp())),
        "user_id a text": (b'{"user_id": "7", "reflection_id": "r1"}',
                           _app_headers(b'{"user_id": "7", "reflection_id": "r1"}', stamp())),
        "blank reflection_id": (b'{"user_id": 7, "reflection_id": "  "}',
                                _app_headers(b'{"user_id": 7, "reflection_id": "  "}', stamp())),
    }
    answers = {}
    for name, (raw, headers) in attempts.items():
        answers[name] = (await client.post("/webhooks/revoke-reflection", content=raw, headers=headers)).status_code
    assert answers == {"unsigned": 401, "wrong secret": 401, "timestamp not a number": 401, "stale": 401,
                       "signature of another body": 401, "not JSON": 400, "user_id a text": 400,
                       "blank reflection_id": 400}
    assert await _reflections(hearth) == 1  # nothing was revoked
    # A genuine revoke works once; its replay is refused (and there is nothing left to delete anyway).
    headers = _app_headers(revoke, stamp())
    assert (await client.post("/webhooks/revoke-reflection", content=revoke, headers=headers)).json() == {"deleted": 1}
    replay = await client.post("/webhooks/revoke-reflection", content=revoke, headers=headers)
    assert replay.status_code == 401 and "replayed" in replay.json()["error"]
    assert await _reflections(hearth) == 0


async def test_replayed_reflection_cannot_restore_a_revoked_one(app_api) -> None:
    hearth, client = app_api
    stamp = _Stamps()
    store = json.dumps({"user_id": 9, "reflection_id": "r2", "content": {"reflection_text": "private"}}).encode()
    captured = _app_headers(store, stamp())
    assert (await client.post("/webhooks/app-reflections", content=store, headers=captured)).status_code == 201
    revoke = json.dumps({"user_id": 9, "reflection_id": "r2"}).encode()
    await client.post("/webhooks/revoke-reflection", content=revoke, headers=_app_headers(revoke, stamp()))
    # The member withdrew it; someone replays the captured upload to bring it back.
    replay = await client.post("/webhooks/app-reflections", content=store, headers=captured)
    assert replay.status_code == 401
    assert await _reflections(hearth) == 0


async def test_companion_oversized_bodies_are_413_before_the_signature_is_checked(app_api) -> None:
    hearth, client = app_api
    stamp = _Stamps()
    huge = json.dumps({"user_id": 1, "reflection_id": "x", "content": {"t": "x" * 70_000}}).encode()

    async def chunks() -> AsyncIterator[bytes]:
        for start in range(0, len(huge), 8 * 1024):
            yield huge[start:start + 8 * 1024]

    for path in ("/webhooks/app-reflections", "/webhooks/revoke-reflection"):
        declared = await client.post(path, content=huge, headers=_app_headers(huge, stamp()))
        streamed = await client.post(path, content=chunks(), headers=_app_headers(huge, stamp()))
        assert (declared.status_code, streamed.status_code) == (413, 413), path
    # Just under the companion's 64 KiB limit is read (and refused only for its signature here).
    fits = json.dumps({"user_id": 1, "reflection_id": "x", "content": {"t": "x" * 60_000}}).encode()
    assert (await client.post("/webhooks/app-reflections", content=fits,
                              headers=_app_headers(fits, stamp(), secret="guess"))).status_code == 401
    assert hearth.bot.api.body_limit.refused == 4
    assert await _reflections(hearth) == 0
