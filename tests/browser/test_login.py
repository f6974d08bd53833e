"""Logging in with Discord in a real browser, through the stand-in's consent page."""

from __future__ import annotations

from tests.browser.kit import Site
from tests.hearth_harness import Hearth


async def test_login_through_discords_consent_page_lists_the_managed_server(hearth: Hearth, site: Site) -> None:
    g = hearth.guild
    alice = await site.person(g.admin)
    await alice.login()
    assert "Your servers" in await alice.text()
    assert await alice.page.locator(f"#server-{g.guild.id}").get_by_role("link", name="Manage").count() == 1
    rows = await hearth.db.fetch("SELECT user_id FROM dashboard_sessions")
    assert [row["user_id"] for row in rows] == [g.admin.id]
    cookies = {cookie["name"]: cookie for cookie in await alice.context.cookies(f"{site.base}/dashboard/")}
    assert cookies["hearth_session"]["httpOnly"] and cookies["hearth_session"]["sameSite"] == "Lax"


async def test_log_out_then_in_again_without_the_consent_page(hearth: Hearth, site: Site) -> None:
    g = hearth.guild
    alice = await site.person(g.admin)
    await alice.login()
    await alice.page.get_by_role("button", name="Log out").click()
    await alice.page.wait_for_url(f"{site.base}/dashboard/")
    assert await alice.page.get_by_role("link", name="Log in with Discord").count() == 1
    assert await hearth.db.fetchval("SELECT count(*) FROM dashboard_sessions") == 0
    # The dashboard asks with prompt=none: approved once already, Discord sends her straight back.
    async with alice.page.expect_response(lambda answer: "/oauth2/authorize" in answer.url) as authorize:
        await alice.page.get_by_role("link", name="Log in with Discord").click()
    assert (await authorize.value).status == 302  # a redirect, not the consent page
    await alice.page.wait_for_url(f"{site.base}/dashboard/")
    assert await alice.page.locator(f"#server-{g.guild.id}").get_by_role("link", name="Manage").count() == 1
    assert await hearth.db.fetchval("SELECT count(*) FROM dashboard_sessions") == 1
