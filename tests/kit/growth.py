"""The growth tests' helpers: the loaded growth cog, and seeding check-ins straight into the database."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from cogs.growth.cog import GrowthCog
from core.db import HearthPool
from tests.hearth_harness import Hearth


def growth_cog(hearth: Hearth) -> GrowthCog:
    """The loaded cog (loading an extension imports its module afresh, so compare by name, not class)."""
    cog = hearth.bot.get_cog("Growth")
    assert cog is not None and type(cog).__name__ == GrowthCog.__name__
    return cog  # type: ignore[return-value]


async def seed_checkin(db: HearthPool, guild_id: int, user_id: int, goal: str, created_at: datetime,
                       **columns: Any) -> int:
    """A check-in made at `created_at`, its `shared` flag set (defaults: gentle, not shared); returns its id."""
    values = {"style": "gentle", "reply": f"reply to {goal}", "shared": False, **columns}
    return await db.fetchval(
        "INSERT INTO growth_checkins (guild_id, user_id, goal, style, reply, shared, created_at) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        guild_id, user_id, goal, values["style"], values["reply"], values["shared"], created_at)
