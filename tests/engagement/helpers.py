"""Helpers shared by the engagement tests: the cog, moving the clock, settings."""

from __future__ import annotations

from typing import Any

from tests.hearth_harness import Hearth


def cog(hearth: Hearth) -> Any:
    return hearth.bot.get_cog("Engagement")




async def setting(hearth: Hearth, key: str, value: Any, *, scope: str = "engagement", guild: Any = None) -> None:
    guild_id = (guild or hearth.guild.guild).id
    await hearth.bot.guild_settings.set(guild_id, scope, key, value, changed_by=1)
    await hearth.discord.settle()
