"""The client wrapper through the service: env defaults, per-guild model and temperature, off switch, no key."""

from __future__ import annotations

import pytest

from core.config import ConfigError, load_settings
from core.db import HearthPool
from gpt.errors import AIDisabled, AINotConfigured, AIUnavailable
from gpt.service import LLMService
from gpt.settings import allowed_models
from tests.kit.gpt import GUILD, OTHER_GUILD, USER, ServiceFactory
from tests.llm_standin import LLMStandIn

ASK = [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "hello"}]


async def test_env_defaults_reach_the_provider(make_service: ServiceFactory, llm: LLMStandIn) -> None:
    service = make_service(openai_api_key="sk-env", openai_base_url=llm.base_url, openai_model="grok-3-mini")
    assert await service.ask(ASK, guild_id=GUILD) == "This is the stand-in's reply."
    [request] = llm.completions
    assert request.model == "grok-3-mini"
    assert request.temperature == 0.7
    assert request.messages == ASK
    assert request.authorization == "Bearer sk-env"


async def test_guild_overrides_model_and_temperature_for_that_guild_only(
        make_service: ServiceFactory, llm: LLMStandIn) -> None:
    service = make_service(openai_api_key="sk-test", openai_base_url=llm.base_url,
                           openai_allowed_models="local-model, grok-3-mini")
    await service.guild_settings.set(GUILD, "gpt", "model", "local-model", changed_by=1)
    await service.guild_settings.set(GUILD, "gpt", "temperature", 0.2, changed_by=1)
    await service.ask(ASK, guild_id=GUILD)
    await service.ask(ASK, guild_id=OTHER_GUILD)
    mine, other = llm.completions
    assert (mine.model, mine.temperature) == ("local-model", 0.2)
    assert (other.model, other.temperature) == ("gpt-4o-mini", 0.7)


async def test_a_stored_model_outside_the_allow_list_is_never_called(
        make_service: ServiceFactory, llm: LLMStandIn) -> None:
    """A value stored before the allow-list (or removed from it since) falls back to OPENAI_MODEL."""
    service = make_service(openai_api_key="sk-test", openai_base_url=llm.base_url, openai_model="grok-3-mini",
                           openai_allowed_models="local-model")
    await service.guild_settings.set(GUILD, "gpt", "model", "o1-pro-expensive", changed_by=1)
    await service.ask(ASK, guild_id=GUILD)
    await service.guild_settings.set(GUILD, "gpt", "model", "local-model", changed_by=1)
    await service.ask(ASK, guild_id=GUILD)
    assert [request.model for request in llm.completions] == ["grok-3-mini", "local-model"]


async def test_ai_turned_off_on_a_guild(service: LLMService, llm: LLMStandIn, clean_db: HearthPool) -> None:
    await service.guild_settings.set(GUILD, "gpt", "enabled", False, changed_by=1)
    with pytest.raises(AIDisabled) as off:
        await service.ask(ASK, guild_id=GUILD, user_id=USER)
    assert "turned off on this server" in off.value.message
    with pytest.raises(AIDisabled):
        await service.ask(ASK, guild_id=GUILD)  # system calls respect it too
    assert llm.completions == []
    assert await clean_db.fetchval("SELECT count(*) FROM gpt_usage") == 0


async def test_without_a_key_nothing_is_called_or_charged(
        make_service: ServiceFactory, llm: LLMStandIn, clean_db: HearthPool) -> None:
    service = make_service(openai_api_key="  ", openai_base_url=llm.base_url)
    assert not service.configured
    for call in (service.ask(ASK, guild_id=GUILD, user_id=USER), service.ask_json(ASK, guild_id=GUILD),
                 service.ensure_ready(GUILD, USER)):
        with pytest.raises(AINotConfigured) as refused:
            await call
        assert refused.value.message.startswith("AI is not configured on this server")
    assert llm.requests == []
    assert await clean_db.fetchval("SELECT count(*) FROM gpt_usage") == 0


async def test_refused_key_is_reported_without_retries(
        make_service: ServiceFactory, llm: LLMStandIn, caplog: pytest.LogCaptureFixture) -> None:
    service = make_service(openai_api_key="sk-bad", openai_base_url=llm.base_url)
    llm.fail(401, message="Incorrect API key provided")
    with pytest.raises(AIUnavailable):
        await service.ask(ASK, guild_id=GUILD)
    assert len(llm.completions) == 1
    assert "the API key was refused" in caplog.text


async def test_unreachable_server_is_a_clear_error(make_service: ServiceFactory, clean_db: HearthPool) -> None:
    service = make_service(openai_api_key="sk-test", openai_base_url="http://127.0.0.1:9/v1")
    assert service.client is not None
    service.client.max_retries = 0
    with pytest.raises(AIUnavailable):
        await service.ask(ASK, guild_id=GUILD, user_id=USER)
    assert await clean_db.fetchval("SELECT call_count FROM gpt_usage") == 0


async def test_a_call_after_shutdown_closed_the_client_is_unavailable_and_refunded(
        service: LLMService, llm: LLMStandIn, clean_db: HearthPool) -> None:
    """A call (or a retry) that reaches the client after the cog closed it at shutdown: the usual "unavailable"
    answer and a refund, not an internal error."""
    await service.close()
    with pytest.raises(AIUnavailable):
        await service.ask(ASK, guild_id=GUILD, user_id=USER)
    assert llm.completions == []
    assert await clean_db.fetchval("SELECT call_count FROM gpt_usage") == 0


async def test_empty_answer_is_a_failure(service: LLMService, llm: LLMStandIn, clean_db: HearthPool) -> None:
    llm.raw("   ")
    with pytest.raises(AIUnavailable):
        await service.ask(ASK, guild_id=GUILD, user_id=USER)
    assert await clean_db.fetchval("SELECT call_count FROM gpt_usage") == 0


def test_the_allow_list_and_ceilings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_ALLOWED_MODELS", "grok-3-mini, local-model,grok-3-mini")
    monkeypatch.setenv("AI_FAIR_USE_DAILY_LIMIT", "60")
    monkeypatch.setenv("AI_GUILD_DAILY_BUDGET", "0")
    settings = load_settings(None)
    assert allowed_models(settings) == ("gpt-4o-mini", "grok-3-mini", "local-model")
    assert (settings.ai_fair_use_daily_limit, settings.ai_guild_daily_budget) == (60, 0)
    monkeypatch.setenv("OPENAI_ALLOWED_MODELS", "grok-3-mini,rm -rf /")
    monkeypatch.setenv("AI_FAIR_USE_DAILY_LIMIT", "10")
    with pytest.raises(ConfigError) as error:
        load_settings(None)
    assert error.value.lines == [
        "Configuration error: OPENAI_ALLOWED_MODELS: 'rm -rf /' is not a model name "
        "(letters, digits and . : / @ + - _ only) (got 'grok-3-mini,rm -rf /')",
        "Configuration error: AI_FAIR_USE_DAILY_LIMIT: Input should be greater than or equal to 25 (got '10')",
    ]
