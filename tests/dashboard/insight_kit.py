"""Helpers of the insight pages' tests (overview, tickets, cases, events): a read key of the default guild made
with /config api_key create, and a logged-in manager's browser."""

from __future__ import annotations

import re

from tests.hearth_harness import Hearth

KEY = re.compile(r"hk_[A-Za-z0-9_-]{43}")
OTHER_GUILD = 555_000_000_000_000_009


async def read_key(hearth: Hearth) -> dict[str, str]:
    """The Authorization header of a new read key of the default guild."""
    g = hearth.guild
    result = await hearth.discord.slash("config api_key create", user=g.admin, guild=g.guild, name="insight",
                                        scope="read")
    found = KEY.search(result.text)
    assert found is not None, result.text
    return {"Authorization": f"Bearer {found.group(0)}"}


async def manager_browser(hearth: Hearth, dashboard):
    """A browser logged in as the default guild's admin (Manage Server)."""
    browser = dashboard()
    await browser.login(hearth.guild.admin)
    return browser
