"""Fixtures of the onboarding tests: the onboarding desk (tests/kit/onboarding.py), configured for rules and
questions, with #mod-log as the system log channel."""

from __future__ import annotations

import pytest

from tests.hearth_harness import Hearth
from tests.kit.onboarding import Onboarding


@pytest.fixture
async def onboarding(hearth: Hearth) -> Onboarding:
    g = hearth.guild.guild
    welcome = g.add_text_channel("welcome")
    staff = g.add_text_channel("staff")
    logs = g.add_text_channel("mod-log")
    join_role = g.add_role("Newcomer")
    done_role = g.add_role("Member")
    await hearth.discord.settle()
    ob = Onboarding(hearth, welcome, staff, join_role, done_role)
    await hearth.bot.guild_settings.set(g.id, "system", "log_channel", logs.id, changed_by=hearth.guild.owner.id)
    await ob.set("welcome_channel", welcome.id)
    await ob.set("staff_channel", staff.id)
    await ob.set("join_role", join_role.id)
    await ob.set("completion_role", done_role.id)
    await ob.set("mode", "rules_questions")
    return ob
