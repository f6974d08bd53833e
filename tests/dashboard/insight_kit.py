"""Helpers of the insight pages' tests (overview, tickets, cases, events): a read key of the default guild made
with /config api_key create, a logged-in manager's browser, and a closed, rated ticket with hostile markup."""

from __future__ import annotations

import re

from tests.hearth_harness import Hearth
from tests.kit.tickets import TicketDesk, control_message, open_ticket

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


async def closed_and_rated_ticket(desk: TicketDesk) -> int:
    """A ticket claimed by staff, a hostile message in it, closed, rated 4 stars with a comment."""
    hearth, g = desk.hearth, desk.hearth.guild
    row, channel = await open_ticket(desk, description="Crash <script>alert(1)</script>")
    await hearth.discord.click(control_message(desk, channel), "Claim", user=desk.staff)
    await hearth.discord.say(channel, g.member, "<script>alert(1)</script> and <img src=x onerror=alert(2)>")
    closing = await hearth.discord.click(control_message(desk, channel), "Close", user=desk.staff)
    await hearth.discord.submit_modal(closing, {"reason": "Fixed"})
    question = next(m for m in hearth.discord.messages_in(channel) if m.content.startswith("⭐"))
    form = await hearth.discord.click(question, "★★★★", user=g.member)
    await hearth.discord.submit_modal(form, {"comment": "Quick <b>and</b> kind"})
    return row["id"]
