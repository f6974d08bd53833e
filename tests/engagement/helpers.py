"""Helpers shared by the engagement tests: the cog, moving the clock, settings."""

from __future__ import annotations

from typing import Any

from tests.hearth_harness import Hearth


def cog(hearth: Hearth) -> Any:
    return hearth.bot.get_cog("Engagement")




async def setting(hearth: Hearth, key: str, value: Any, *, scope: str = "engagement", guild: Any = None) -> None:
    target = guild or hearth.guild.guild
    # Set as the server owner did it: a role the bot gives (og_role) is checked against who set it.
    await hearth.bot.guild_settings.set(target.id, scope, key, value, changed_by=target.owner.id)
    await hearth.discord.settle()
