"""An admin in a real browser: log in, pick the server, change a setting, see it in `/config get` and
`/config history`, roll it back on the history page; every page without console errors or CSP violations."""

from __future__ import annotations

from cogs.dashboard.pages import SECTIONS
from tests.browser.kit import Site
from tests.hearth_harness import Hearth


async def _timezone(hearth: Hearth) -> str | None:
    return await hearth.db.fetchval("SELECT value FROM bot_settings WHERE guild_id = $1 AND scope = 'system' "
                                    "AND key = 'timezone'", hearth.guild.guild.id)


async def test_change_a_setting_then_roll_it_back_on_the_history_page(hearth: Hearth, site: Site) -> None:
    g, d = hearth.guild, hearth.discord
    alice = await site.person(g.admin)
    await alice.login()
    await alice.page.locator(f"#server-{g.guild.id}").get_by_role("link", name="Manage").click()  # the list → overview
    await alice.page.wait_for_url(f"{site.base}/dashboard/{g.guild.id}/overview")
    await alice.page.get_by_role("navigation", name="Server pages").get_by_role("link", name="Settings").click()
    await alice.page.wait_for_url(f"{site.base}/dashboard/{g.guild.id}/settings")
    assert f"{g.guild.name} · settings" in await alice.page.inner_text("h1")

    for zone in ("Europe/Paris", "Asia/Tokyo"):
        form = alice.page.locator('form[id="system.timezone"]')
        await form.get_by_label("New value").fill(zone)
        await form.get_by_role("button", name="Save").click()
        await alice.page.wait_for_url("**/settings?changed=system.timezone*")
        assert "Saved: system.timezone." in await alice.page.inner_text('[role="status"]')
        assert await alice.page.locator('form[id="system.timezone"] .value span').first.inner_text() == zone
        assert await _timezone(hearth) == zone
        hearth.clock.advance(seconds=1)
    got = await d.slash("config get", user=g.admin, guild=g.guild, scope="system", key="timezone")
    assert "Asia/Tokyo" in got.text
    shown = await d.slash("config history", user=g.admin, guild=g.guild, scope="system", key="timezone")
    assert "`Europe/Paris` → `Asia/Tokyo` · dashboard" in shown.text and f"<@{g.admin.id}>" in shown.text
    paris = await hearth.db.fetchval("SELECT id FROM settings_history WHERE new_value = '\"Europe/Paris\"'")

    await alice.page.get_by_role("navigation", name="Server pages").get_by_role("link", name="History").click()
    await alice.page.wait_for_url(f"{site.base}/dashboard/{g.guild.id}/history")
    entry = alice.page.locator(f"#entry-{paris}")
    assert "default (UTC) → Europe/Paris" in await entry.inner_text()
    await entry.get_by_role("button", name=f"Roll back system.timezone to entry #{paris}").click()
    await alice.page.wait_for_url(f"**/history?rolled={paris}")
    assert f"system.timezone rolled back to entry #{paris}." in await alice.page.inner_text('[role="status"]')
    assert "Asia/Tokyo → Europe/Paris" in await alice.page.locator(".history-row").first.inner_text()
    assert await _timezone(hearth) == "Europe/Paris"
    row = await hearth.db.fetchrow("SELECT change_type, changed_by FROM settings_history ORDER BY id DESC LIMIT 1")
    assert (row["change_type"], row["changed_by"]) == ("rollback", g.admin.id)
    got = await d.slash("config get", user=g.admin, guild=g.guild, scope="system", key="timezone")
    assert "Europe/Paris" in got.text
    shown = await d.slash("config history", user=g.admin, guild=g.guild, scope="system", key="timezone")
    assert "`Asia/Tokyo` → `Europe/Paris` · rollback" in shown.text
    assert alice.problems == []


async def test_every_page_renders_styled_without_console_errors_or_csp_violations(hearth: Hearth,
                                                                                 site: Site) -> None:
    g = hearth.guild
    alice = await site.person(g.admin)
    await alice.open("/dashboard/")
    assert await alice.page.get_by_role("link", name="Log in with Discord").count() == 1
    await alice.login()
    for path, label in SECTIONS:
        await alice.open(f"/dashboard/{g.guild.id}/{path}")
        current = alice.page.locator('nav.sections a[aria-current="page"]')
        assert await current.inner_text() == label, path
        assert await alice.page.locator("h1").count() == 1
        # The stylesheet applied (it is the only style source the CSP allows).
        max_width = await alice.page.evaluate("getComputedStyle(document.querySelector('main')).maxWidth")
        assert max_width == "960px", path
        width = await alice.page.evaluate("document.documentElement.scrollWidth")
        assert width <= 1280, (path, width)
    assert alice.problems == []
    # The listener does catch a CSP violation: an inline style the policy forbids.
    async with alice.page.expect_console_message(lambda line: "Content Security Policy" in line.text):
        await alice.page.evaluate("document.head.insertAdjacentHTML('beforeend', '<style>body{color:red}</style>')")
    assert any("Content Security Policy" in problem for problem in alice.problems), alice.problems
    alice.problems.clear()
