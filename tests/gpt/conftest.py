"""An `LLMService` on the test database and the LLM stand-in, without Discord: quotas, JSON and probe tests."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import datetime
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
from tests.llm_standin import LLMStandIn
from utils.clock import ManualClock

GUILD = 111_000_000_000_000_001
OTHER_GUILD = 111_000_000_000_000_002
USER = 222_000_000_000_000_001
OTHER_USER = 222_000_000_000_000_002

ServiceFactory = Callable[..., LLMService]


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


async def seed_premium(db: HearthPool, user_id: int, guild_id: int, tier: str,
                       expires_at: datetime | None = None) -> None:
    """An active subscription of `tier` for the user in the guild."""
    await db.execute("INSERT INTO premium_subs (user_id, guild_id, tier, status, expires_at) "
                     "VALUES ($1, $2, $3, 'active', $4)", user_id, guild_id, tier, expires_at)


async def usage(db: HearthPool, user_id: int = USER, guild_id: int = GUILD) -> dict[str, int]:
    """The user's counters by ISO date."""
    rows = await db.fetch("SELECT usage_date, call_count FROM gpt_usage WHERE user_id = $1 AND guild_id = $2 "
                          "ORDER BY usage_date", user_id, guild_id)
    return {row["usage_date"].isoformat(): row["call_count"] for row in rows}
