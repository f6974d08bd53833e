"""The LLM status in /api/health: not_configured, ok, error; cached; never slow."""

from __future__ import annotations

import time

from core.config import Settings
from gpt.probe import LLMProbe
from tests.llm_standin import LLMStandIn


def config(llm: LLMStandIn, key: str | None = "sk-test") -> Settings:
    return Settings(_env_file=None, openai_api_key=key, openai_base_url=llm.base_url)


async def test_not_configured_without_a_key_and_no_request(llm: LLMStandIn) -> None:
    probe = LLMProbe(config(llm, key=None))
    assert await probe.status() == {"status": "not_configured"}
    assert llm.requests == []


async def test_ok_is_cached(llm: LLMStandIn) -> None:
    probe = LLMProbe(config(llm))
    try:
        first = await probe.status()
        assert first["status"] == "ok" and first["model"] == "gpt-4o-mini"
        assert await probe.status() == first
        assert len(llm.model_listings) == 1
        assert llm.model_listings[0].authorization == "Bearer sk-test"
        probe.invalidate()
        await probe.status()
        assert len(llm.model_listings) == 2
    finally:
        await probe.close()


async def test_server_error_is_reported(llm: LLMStandIn) -> None:
    llm.models_status = 500
    probe = LLMProbe(config(llm))
    try:
        status = await probe.status()
        assert status["status"] == "error" and status["error"] == "server error 500"
        assert len(llm.model_listings) == 1  # the probe never retries
    finally:
        await probe.close()


async def test_a_hanging_provider_does_not_hold_the_health_check(llm: LLMStandIn) -> None:
    llm.hang_models = True
    probe = LLMProbe(config(llm), timeout=0.2)
    try:
        started = time.monotonic()
        status = await probe.status()
        assert time.monotonic() - started < 1.0
        assert status["status"] == "error" and status["error"] == "timed out"
    finally:
        await probe.close()
