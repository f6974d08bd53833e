"""Fixtures of the invite tracking tests: the invites desk (tests/kit/invites.py)."""

from __future__ import annotations

import pytest

from tests.hearth_harness import Hearth
from tests.kit.invites import InvitesDesk


@pytest.fixture
async def invites(hearth: Hearth) -> InvitesDesk:
    """#mod-log as the system log channel, #welcome (no announcement yet), alice's and mo's invites."""
    g = hearth.guild
    logs = g.guild.add_text_channel("mod-log")
    welcome = g.guild.add_text_channel("welcome")
    alice = g.guild.add_invite(g.general, inviter=g.admin, code="alice1")
    mo = g.guild.add_invite(g.general, inviter=g.moderator, code="mo1")
    await hearth.discord.settle()
    await hearth.bot.guild_settings.set(g.guild.id, "system", "log_channel", logs.id, changed_by=g.owner.id)
    return InvitesDesk(hearth, logs, welcome, alice, mo)
