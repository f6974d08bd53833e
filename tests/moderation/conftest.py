"""Fixtures of the moderation tests: the moderation desk (tests/kit/moderation.py)."""

from __future__ import annotations

import pytest

from tests.hearth_harness import Hearth
from tests.kit.moderation import Moderation


@pytest.fixture
async def moderation(hearth: Hearth) -> Moderation:
    """The default guild with #mod-log as the moderation log channel."""
    logs = hearth.guild.guild.add_text_channel("mod-log")
    await hearth.discord.settle()
    await hearth.bot.guild_settings.set(hearth.guild.guild.id, "moderation", "log_channel", logs.id, changed_by=1)
    return Moderation(hearth, logs)
