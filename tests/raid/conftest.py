"""Fixtures of the raid protection tests: the raid desk (tests/kit/raid.py)."""

from __future__ import annotations

import pytest

from tests.hearth_harness import Hearth
from tests.kit.raid import THRESHOLD, Raid


@pytest.fixture
async def raid(hearth: Hearth) -> Raid:
    """The default guild with #raid-alerts (raid.log_channel) and #mod-log (moderation.log_channel), raid protection
    on with a threshold of 40 weighted joins in 10 s."""
    server = hearth.guild.guild
    alerts = server.add_text_channel("raid-alerts")
    logs = server.add_text_channel("mod-log")
    await hearth.discord.settle()
    desk = Raid(hearth, alerts, logs)
    await desk.setting("moderation", "log_channel", logs.id)
    await desk.configure(log_channel=alerts.id, enabled=True, join_threshold=THRESHOLD, join_window=10)
    return desk
