"""The companion app's webhooks: signed, fresh, never replayed; refused without a secret."""

from __future__ import annotations

import json
import time

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
