"""Fixtures of the welcome tests: the welcome desk (tests/kit/welcome.py), with #welcome as the welcome channel and
#mod-log as the system log channel."""

from __future__ import annotations

import pytest

from tests.hearth_harness import Hearth
from tests.kit.welcome import WelcomeDesk


@pytest.fixture
async def desk(hearth: Hearth) -> WelcomeDesk:
    g = hearth.guild.guild
    welcome = g.add_text_channel("welcome", category=hearth.guild.category)
    logs = g.add_text_channel("mod-log")
    await hearth.discord.settle()
    desk = WelcomeDesk(hearth, welcome, logs)
    await desk.setting("system", "log_channel", logs.id)
    await desk.set("welcome_channel", welcome.id)
    return desk
