"""Hearth with AI configured against the LLM stand-in, and helpers to seed what the growth tests need."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest_asyncio

from cogs.growth.cog import GrowthCog
from core.db import HearthPool
from tests.hearth_harness import Hearth
from tests.llm_standin import LLMStandIn


@pytest_asyncio.fixture(loop_scope="session")
async def ai(hearth: Hearth, llm: LLMStandIn) -> Hearth:
    """The hearth fixture, restarted with OPENAI_API_KEY and OPENAI_BASE_URL pointing at the stand-in."""
    await hearth.connect_llm(llm)
    return hearth


def growth_cog(hearth: Hearth) -> GrowthCog:
    """The loaded cog (loading an extension imports its module afresh, so compare by name, not class)."""
    cog = hearth.bot.get_cog("Growth")
    assert cog is not None and type(cog).__name__ == GrowthCog.__name__
    return cog  # type: ignore[return-value]


async def seed_premium(db: HearthPool, user_id: int, guild_id: int, tier: str = "monthly") -> None:
    await db.execute("INSERT INTO premium_subs (user_id, guild_id, tier, status) VALUES ($1, $2, $3, 'active')",
                     user_id, guild_id, tier)


async def seed_checkin(db: HearthPool, guild_id: int, user_id: int, goal: str, created_at: datetime,
                       **columns: Any) -> int:
    values = {"style": "gentle", "reply": f"reply to {goal}", "shared": False, **columns}
    return await db.fetchval(
        "INSERT INTO growth_checkins (guild_id, user_id, goal, style, reply, shared, created_at) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        guild_id, user_id, goal, values["style"], values["reply"], values["shared"], created_at)
