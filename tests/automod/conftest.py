"""Fixtures of the automod tests: the automod desk (tests/kit/automod.py)."""

from __future__ import annotations

import pytest

from tests.hearth_harness import Hearth
from tests.kit.automod import Automod


@pytest.fixture
async def automod(hearth: Hearth) -> Automod:
    """The default guild with #mod-log as its system log channel."""
    logs = hearth.guild.guild.add_text_channel("mod-log")
    await hearth.discord.settle()
    await hearth.bot.guild_settings.set(hearth.guild.guild.id, "system", "log_channel", logs.id, changed_by=1)
    return Automod(hearth, logs)
