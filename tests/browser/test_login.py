"""Logging in with Discord in a real browser, through the stand-in's consent page."""

from __future__ import annotations

from tests.browser.kit import Site
from tests.hearth_harness import Hearth


async def test_login_through_discords_consent_page_lists_the_managed_server(hearth: Hearth, site: Site) -> None:
    g = hearth.guild
    alice = await site.person(g.admin)
    await alice.login()
    assert "Your servers" in await alice.text()
    assert await alice.page.get_by_role("link", name=g.guild.name).count() == 1
    rows = await hearth.db.fetch("SELECT user_id FROM dashboard_sessions")
    assert [row["user_id"] for row in rows] == [g.admin.id]
    cookies = {cookie["name"]: cookie for cookie in await alice.context.cookies(f"{site.base}/dashboard/")}
    assert cookies["hearth_session"]["httpOnly"] and cookies["hearth_session"]["sameSite"] == "Lax"
