"""Fixtures of the AI service tests: an `LLMService` on the test database and the LLM stand-in, without Discord
(ids and readers live in tests/kit/gpt.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio

from cogs.premium.api import PremiumApi
from core.config import Settings
from core.db import HearthPool
from core.guild_settings import GuildSettings
from core.settings_registry import SettingsRegistry
from gpt.service import LLMService
from gpt.settings import GPT_SETTINGS
from tests.kit.gpt import ServiceFactory
from tests.llm_standin import LLMStandIn
from utils.clock import ManualClock


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest_asyncio.fixture(loop_scope="session")
async def make_service(clean_db: HearthPool, clock: ManualClock) -> AsyncIterator[ServiceFactory]:
    """Build services with Settings overrides (openai_api_key, openai_base_url, openai_model ...)."""
    registry = SettingsRegistry()
    registry.register(*GPT_SETTINGS)
    built: list[LLMService] = []

    def make(**settings: Any) -> LLMService:
        config = Settings(_env_file=None, **settings)
        service = LLMService(config, GuildSettings(registry, clean_db, clock), PremiumApi(clean_db, clock), clock,
                             clean_db)
        built.append(service)
        return service

    yield make
    for service in built:
        await service.close()


@pytest.fixture
def service(make_service: ServiceFactory, llm: LLMStandIn) -> LLMService:
    """A configured service talking to the stand-in."""
    return make_service(openai_api_key="sk-test", openai_base_url=llm.base_url)
