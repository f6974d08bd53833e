"""Per-key rate limit: every request with a live key counts against that key (API_RATE_LIMIT a minute); beyond it
the answer is 429 with `Retry-After` and a JSON error saying when to retry, measured on the bot's clock."""

from __future__ import annotations

import re
from datetime import timedelta

import httpx

from tests.hearth_harness import Hearth

KEY = re.compile(r"hk_[A-Za-z0-9_-]{43}")


async def _key(hearth: Hearth, name: str) -> str:
    g = hearth.guild
    result = await hearth.discord.slash("config api_key create", user=g.admin, guild=g.guild, name=name, scope="read")
    return KEY.search(result.text).group(0)


async def test_a_key_over_its_limit_is_told_when_to_retry_and_other_keys_are_not_slowed(hearth: Hearth) -> None:
    await hearth.restart(api_enabled=True, api_port=0, api_rate_limit=3)
    g = hearth.guild
    busy, calm = await _key(hearth, "busy"), await _key(hearth, "calm")
    path = f"/api/v1/guilds/{g.guild.id}/settings"
    other_guild = "/api/v1/guilds/555000000000000009/settings"
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{hearth.bot.api.port}") as client:
        busy_auth = {"Authorization": f"Bearer {busy}"}
        assert (await client.get(path, headers=busy_auth)).status_code == 200
        hearth.clock.advance(seconds=20)
        assert (await client.get(path, headers=busy_auth)).status_code == 200
        # A request refused for another reason (a key of another server) still counts.
        assert (await client.get(other_guild, headers=busy_auth)).status_code == 403
        hearth.clock.advance(seconds=10)
        refused = await client.get(path, headers=busy_auth)
        assert refused.status_code == 429
        # The first request leaves the window 60 s after it was made: 30 s from now.
        assert refused.headers["retry-after"] == "30"
        body = refused.json()
        assert body["retry_after"] == 30
        assert body["retry_at"] == (hearth.clock.now() + timedelta(seconds=30)).isoformat(timespec="seconds")
        assert body["error"].startswith(f"the API key {busy[:11]}… made more than 3 requests in a minute; "
                                        "retry in 30 s (at ")
        # Another key of the same server is not slowed down.
        assert (await client.get(path, headers={"Authorization": f"Bearer {calm}"})).status_code == 200
        hearth.clock.advance(seconds=29)
        assert (await client.get(path, headers=busy_auth)).status_code == 429
        hearth.clock.advance(seconds=1)
        assert (await client.get(path, headers=busy_auth)).status_code == 200
        # Refused (429) requests did not count: the window holds the two at +20 s and the one just made.
        assert (await client.get(path, headers=busy_auth)).status_code == 429
        # Unknown keys are refused 401 before any counting (nobody can exhaust a key without having it).
        guessed = {"Authorization": "Bearer hk_" + "A" * 43}
        assert (await client.get(path, headers=guessed)).status_code == 401
