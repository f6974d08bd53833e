"""The companion app's webhooks: signed, fresh, never replayed; refused without a secret."""

from __future__ import annotations

import json
import time
from datetime import timedelta

import httpx
import pytest_asyncio

from cogs.companion.signing import sign
from tests.hearth_harness import Hearth

SECRET = "app-secret"


@pytest_asyncio.fixture(loop_scope="session")
async def api(hearth: Hearth):
    await hearth.restart(api_enabled=True, api_port=0, app_webhook_secret=SECRET)
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{hearth.bot.api.port}") as client:
        yield hearth, client


def signed(body: dict, *, secret: str = SECRET, timestamp: int | None = None) -> tuple[bytes, dict[str, str]]:
    raw = json.dumps(body).encode()
    stamp = int(time.time()) if timestamp is None else timestamp
    return raw, {"X-Hearth-Timestamp": str(stamp), "X-Hearth-Signature": sign(secret, stamp, raw),
                 "Content-Type": "application/json"}


async def test_signed_reflection_is_stored_then_replaced_then_revoked(api) -> None:
    hearth, client = api
    body, headers = signed({"user_id": 42, "reflection_id": "r1", "content": {"reflection_text": "calm day"}})
    first = await client.post("/webhooks/app-reflections", content=body, headers=headers)
    assert first.status_code == 201 and first.json() == {"stored": True, "created": True}
    body, headers = signed({"user_id": 42, "reflection_id": "r1", "content": {"reflection_text": "busy day"}},
                           timestamp=int(time.time()) - 1)
    again = await client.post("/webhooks/app-reflections", content=body, headers=headers)
    assert again.status_code == 200 and again.json()["created"] is False
    assert await hearth.db.fetchval("SELECT plaintext_content FROM app_reflections") == {"reflection_text": "busy day"}
    body, headers = signed({"user_id": 42, "reflection_id": "r1"})
    revoked = await client.post("/webhooks/revoke-reflection", content=body, headers=headers)
    assert revoked.json() == {"deleted": 1}
    assert await hearth.db.fetchval("SELECT count(*) FROM app_reflections") == 0


async def test_bad_signature_stale_timestamp_and_replay_are_refused(api) -> None:
    hearth, client = api
    body, headers = signed({"user_id": 1, "reflection_id": "x", "content": {}}, secret="wrong")
    bad = await client.post("/webhooks/app-reflections", content=body, headers=headers)
    assert (bad.status_code, bad.json()["error"]) == (401, "bad signature")
    body, headers = signed({"user_id": 1, "reflection_id": "x", "content": {}}, timestamp=int(time.time()) - 600)
    stale = await client.post("/webhooks/app-reflections", content=body, headers=headers)
    assert stale.status_code == 401 and "stale timestamp" in stale.json()["error"]
    body, headers = signed({"user_id": 1, "reflection_id": "x", "content": {}})
    assert (await client.post("/webhooks/app-reflections", content=body, headers=headers)).status_code == 201
    replay = await client.post("/webhooks/app-reflections", content=body, headers=headers)
    assert replay.status_code == 401 and "replayed" in replay.json()["error"]
    unsigned = await client.post("/webhooks/app-reflections", json={"user_id": 1, "reflection_id": "y", "content": {}})
    assert unsigned.status_code == 401
    assert await hearth.db.fetchval("SELECT count(*) FROM app_reflections") == 1


async def test_without_a_secret_the_endpoints_refuse(hearth: Hearth) -> None:
    await hearth.restart(api_enabled=True, api_port=0)
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{hearth.bot.api.port}") as client:
        body, headers = signed({"user_id": 1, "reflection_id": "x", "content": {}})
        response = await client.post("/webhooks/app-reflections", content=body, headers=headers)
        revoke = await client.post("/webhooks/revoke-reflection", content=body, headers=headers)
    assert response.status_code == revoke.status_code == 503
    assert await hearth.db.fetchval("SELECT count(*) FROM app_reflections") == 0


async def test_malformed_and_oversized_bodies_are_refused(api) -> None:
    hearth, client = api
    stamp = int(time.time())
    for raw in (b"not json", json.dumps(["a", "list"]).encode(), json.dumps({"user_id": "42", "reflection_id": "r"})
                .encode(), json.dumps({"user_id": 42, "reflection_id": "r", "content": "text"}).encode()):
        headers = {"X-Hearth-Timestamp": str(stamp), "X-Hearth-Signature": sign(SECRET, stamp, raw)}
        response = await client.post("/webhooks/app-reflections", content=raw, headers=headers)
        assert response.status_code == 400, raw
        stamp += 1  # a fresh signature each time: these are refused for their content, not as replays
    huge = json.dumps({"user_id": 1, "reflection_id": "x", "content": {"t": "x" * 70_000}}).encode()
    headers = {"X-Hearth-Timestamp": str(stamp), "X-Hearth-Signature": sign(SECRET, stamp, huge)}
    assert (await client.post("/webhooks/app-reflections", content=huge, headers=headers)).status_code == 413
    assert await hearth.db.fetchval("SELECT count(*) FROM app_reflections") == 0


# --- replays and typed bodies (issue 14, item 3) ---------------------------------------------------------------


async def _capture_then_revoke(client: httpx.AsyncClient, user_id: int = 9) -> tuple[bytes, dict[str, str]]:
    """The member shares a reflection (the upload is captured on the way), then withdraws it."""
    upload, captured = signed({"user_id": user_id, "reflection_id": "private", "content": {"text": "hard week"}})
    assert (await client.post("/webhooks/app-reflections", content=upload, headers=captured)).status_code == 201
    revoke, headers = signed({"user_id": user_id, "reflection_id": "private"}, timestamp=int(time.time()) + 1)
    assert (await client.post("/webhooks/revoke-reflection", content=revoke, headers=headers)).json() == {"deleted": 1}
    return upload, captured


async def test_a_replay_with_a_respelled_signature_header_cannot_restore_a_revoked_reflection(api) -> None:
    hearth, client = api
    upload, captured = await _capture_then_revoke(client)
    signature = captured["X-Hearth-Signature"]
    respelled = {
        "non-breaking space appended": signature.encode() + b"\xa0",
        "non-breaking space in front": b"\xa0" + signature.encode(),
        "upper-case hex": "sha256=" + signature.removeprefix("sha256=").upper(),
        "upper-case scheme": "SHA256=" + signature.removeprefix("sha256="),
        "a second value": signature + ", " + signature,
    }
    answers = {}
    for name, value in respelled.items():
        response = await client.post("/webhooks/app-reflections", content=upload,
                                     headers={**captured, "X-Hearth-Signature": value})
        answers[name] = response.status_code
    exact = await client.post("/webhooks/app-reflections", content=upload, headers=captured)  # the plain replay
    assert answers == dict.fromkeys(respelled, 401)
    assert (exact.status_code, exact.json()["error"]) == (401, "replayed request (this signature was already used)")
    assert await hearth.db.fetchval("SELECT count(*) FROM app_reflections") == 0  # the reflection stays gone


async def test_a_replay_to_another_process_or_after_a_restart_is_refused(api) -> None:
    hearth, client = api
    upload, captured = await _capture_then_revoke(client, user_id=11)
    # A second bot process on the same database (behind the same load balancer) gets the captured upload.
    second = hearth.make_bot(cogs=["companion"], api_enabled=True, api_port=0, app_webhook_secret=SECRET)
    async with second:
        await second.prepare()
        await second.api.start("127.0.0.1", 0)
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{second.api.port}") as other:
            elsewhere = await other.post("/webhooks/app-reflections", content=upload, headers=captured)
            # The second process does take a genuine new request: the refusal is the replay guard's.
            fresh, headers = signed({"user_id": 12, "reflection_id": "new", "content": {}})
            assert (await other.post("/webhooks/app-reflections", content=fresh, headers=headers)).status_code == 201
    assert (elsewhere.status_code, elsewhere.json()["error"]) == (
        401, "replayed request (this signature was already used)")
    # The first process restarts (a deploy) and is sent the upload again.
    restarted = await hearth.restart(api_enabled=True, api_port=0, app_webhook_secret=SECRET)
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{restarted.api.port}") as client_after:
        after_restart = await client_after.post("/webhooks/app-reflections", content=upload, headers=captured)
    assert after_restart.status_code == 401
    rows = await hearth.db.fetch("SELECT user_id, reflection_id FROM app_reflections")
    assert [tuple(r) for r in rows] == [(12, "new")]  # the revoked reflection stayed gone


async def test_wrongly_typed_bodies_are_refused_with_400_and_store_nothing(api) -> None:
    hearth, client = api
    good = {"user_id": 42, "reflection_id": "r1", "content": {"text": "ok"}}
    cases = {
        "user_id true": ({**good, "user_id": True}, "user_id"),
        "user_id false": ({**good, "user_id": False}, "user_id"),
        "user_id a float": ({**good, "user_id": 42.0}, "user_id"),
        "user_id text": ({**good, "user_id": "42"}, "user_id"),
        "user_id null": ({**good, "user_id": None}, "user_id"),
        "user_id zero": ({**good, "user_id": 0}, "user_id"),
        "user_id negative": ({**good, "user_id": -42}, "user_id"),
        "user_id past bigint": ({**good, "user_id": 2**63}, "user_id"),
        "user_id huge": ({**good, "user_id": 10**30}, "user_id"),
        "user_id missing": ({"reflection_id": "r1", "content": {}}, "user_id"),
        "reflection_id a number": ({**good, "reflection_id": 5}, "reflection_id"),
        "reflection_id blank": ({**good, "reflection_id": " \t"}, "reflection_id"),
        "reflection_id too long": ({**good, "reflection_id": "r" * 201}, "reflection_id"),
        "content a list": ({**good, "content": ["a"]}, "content"),
        "content text": ({**good, "content": "text"}, "content"),
        "content with a NUL": ({**good, "content": {"text": "a\u0000b"}}, "content"),
        "content with a NUL key": ({**good, "content": {"a\u0000": 1}}, "content"),
        "an unknown field": ({**good, "is_admin": True}, "is_admin"),
    }
    stamp = int(time.time())
    answers = {}
    for name, (body, field) in cases.items():
        stamp += 1  # a fresh signature each time: refused for the content, not as a replay
        raw, headers = signed(body, timestamp=stamp)
        response = await client.post("/webhooks/app-reflections", content=raw, headers=headers)
        answers[name] = (response.status_code, field in response.json().get("error", ""))
    # Raw JSON that jsonb cannot hold or Python cannot nest: a lone surrogate, a number beyond a float, deep nesting.
    raw_cases = {
        "lone surrogate": (b'{"user_id": 42, "reflection_id": "r1", "content": {"t": "\\ud800"}}', "not JSON"),
        "infinite number": (b'{"user_id": 42, "reflection_id": "r1", "content": {"n": 1e400}}', "content"),
        "deep nesting": (b'{"user_id": 42, "reflection_id": "r1", "content": {"a": ' + b"[" * 5000 + b"]" * 5000
                         + b"}}", "not JSON"),
    }
    for name, (raw, reason) in raw_cases.items():
        stamp += 1
        headers = {"X-Hearth-Timestamp": str(stamp), "X-Hearth-Signature": sign(SECRET, stamp, raw)}
        response = await client.post("/webhooks/app-reflections", content=raw, headers=headers)
        answers[name] = (response.status_code, reason in response.json().get("error", ""))
    revoke = {"user_id 2**63 on revoke": {"user_id": 2**63, "reflection_id": "r1"},
              "user_id true on revoke": {"user_id": True, "reflection_id": "r1"}}
    for name, body in revoke.items():
        stamp += 1
        raw, headers = signed(body, timestamp=stamp)
        response = await client.post("/webhooks/revoke-reflection", content=raw, headers=headers)
        answers[name] = (response.status_code, "user_id" in response.json().get("error", ""))
    assert answers == dict.fromkeys([*cases, *raw_cases, *revoke], (400, True))
    assert await hearth.db.fetchval("SELECT count(*) FROM app_reflections") == 0
    # The same body with a proper user id is stored: the refusals were about the types.
    raw, headers = signed(good, timestamp=stamp + 1)
    assert (await client.post("/webhooks/app-reflections", content=raw, headers=headers)).status_code == 201


async def test_used_signatures_are_pruned_after_they_went_stale(api) -> None:
    hearth, client = api
    raw, headers = signed({"user_id": 5, "reflection_id": "r", "content": {}})
    assert (await client.post("/webhooks/app-reflections", content=raw, headers=headers)).status_code == 201
    assert await hearth.db.fetchval("SELECT count(*) FROM companion_replays") == 1
    expires = await hearth.db.fetchval("SELECT expires_at FROM companion_replays")
    await hearth.move_clock(max(expires, hearth.clock.now()) + timedelta(minutes=30))
    assert await hearth.db.fetchval("SELECT count(*) FROM companion_replays") == 1  # kept an hour past expiry
    await hearth.move_clock(hearth.clock.now() + timedelta(hours=2))
    assert await hearth.db.fetchval("SELECT count(*) FROM companion_replays") == 0
