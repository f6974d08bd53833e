"""Refusals seen from a real browser: a member without Manage Server sees only his own page and gets 403 on a
forged URL;
a cross-site form without the CSRF token, and the admin's own form pointed at another server, change nothing."""

from __future__ import annotations

from tests.browser.kit import Site
from tests.hearth_harness import Hearth


async def _rows(hearth: Hearth) -> list[tuple]:
    settings = await hearth.db.fetch("SELECT guild_id, scope, key, value FROM bot_settings ORDER BY 1, 2, 3")
    history = await hearth.db.fetch("SELECT id, guild_id, key, new_value FROM settings_history ORDER BY id")
    return [tuple(row) for row in settings] + [tuple(row) for row in history]


async def test_a_member_without_manage_server_cannot_manage_and_is_refused(hearth: Hearth, site: Site) -> None:
    g = hearth.guild
    bob = await site.person(g.member)
    await bob.login()
    # Only his own page on the server list, no way to manage it.
    server = bob.page.locator(f"#server-{g.guild.id}")
    assert await server.get_by_role("link", name="My page").count() == 1
    assert await bob.page.get_by_role("link", name="Manage").count() == 0
    assert await bob.page.locator(f'a[href^="/dashboard/{g.guild.id}/"]:not([href$="/me"])').count() == 0
    for path in ("settings", "history"):
        await bob.open(f"/dashboard/{g.guild.id}/{path}", status=403)
        assert "Not yours to manage" in await bob.page.inner_text("h1")
        assert await bob.page.locator("form.setting, .history-row").count() == 0
    assert await _rows(hearth) == []
    assert bob.problems == []


async def test_forged_posts_without_the_token_or_to_another_server_change_nothing(hearth: Hearth,
                                                                                 site: Site) -> None:
    g, d = hearth.guild, hearth.discord
    other = d.add_guild("Other Server")
    await d.settle()
    await hearth.bot.guild_settings.set(g.guild.id, "system", "timezone", "Asia/Tokyo", changed_by=g.admin.id)
    await hearth.bot.guild_settings.set(other.id, "system", "timezone", "America/Lima", changed_by=other.owner.id)
    foreign = await hearth.db.fetchval("SELECT id FROM settings_history WHERE guild_id = $1", other.id)
    before = await _rows(hearth)
    alice = await site.person(g.admin)
    await alice.login()

    # Another site (same host, another port: same-site, so the session cookie goes along) submits a form to the
    # dashboard without the CSRF token.
    evil = f"{d.world.base_url}/evil.html"
    target = f"/dashboard/{g.guild.id}/settings"
    await alice.page.route(evil, lambda route: route.fulfill(content_type="text/html", body=(
        f'<form method="post" action="{site.base}{target}"><input name="scope" value="system">'
        '<input name="key" value="timezone"><input name="value" value="Europe/Paris">'
        '<button type="submit">Win a prize</button></form>')))
    await alice.page.goto(evil)
    alice.expect_refusal(target)
    async with alice.page.expect_navigation() as landed:
        await alice.page.get_by_role("button", name="Win a prize").click()
    answer = await landed.value
    assert answer is not None and answer.status == 403
    assert "Nothing was changed" in await alice.text()

    # Her own settings form, its action pointed at a server she does not manage (with her valid token).
    await alice.open(target)
    elsewhere = f"/dashboard/{other.id}/settings"
    form = alice.page.locator('form[id="system.timezone"]')
    await form.evaluate("(form, action) => form.setAttribute('action', action)", elsewhere)
    await form.get_by_label("New value").fill("Europe/Paris")
    alice.expect_refusal(elsewhere)
    async with alice.page.expect_navigation() as landed:
        await form.get_by_role("button", name="Save").click()
    answer = await landed.value
    assert answer is not None and answer.status == 403
    assert "Not yours to manage" in await alice.page.inner_text("h1")

    # Her own history page's Rollback button, carrying another server's entry id.
    history = f"/dashboard/{g.guild.id}/history"
    await alice.open(history)
    button = alice.page.locator(".history-row form").first
    await button.locator('input[name="entry"]').evaluate("(input, id) => input.value = id", str(foreign))
    alice.expect_refusal(history)
    async with alice.page.expect_navigation() as landed:
        await button.get_by_role("button").click()
    answer = await landed.value
    assert answer is not None and answer.status == 400
    assert f"There is no history entry #{foreign} on this server." in await alice.text()

    assert await _rows(hearth) == before
    assert alice.problems == []
