"""Names and values from Discord and users are text in the browser: markup in a channel, role or member name, or in
a setting's value, renders inert (no element is made of it, nothing runs) on the settings and history pages."""

from __future__ import annotations

from tests.browser.kit import Site
from tests.hearth_harness import Hearth

CHANNEL = "<script>alert(1)</script>"
ROLE = "<img src=x onerror=alert(2)>"
TEXT = "<b onmouseover=alert(3)>Welcome!</b>"


async def test_markup_in_names_and_values_renders_as_text(hearth: Hearth, site: Site) -> None:
    g, d = hearth.guild, hearth.discord
    g.guild.edit_channel(g.general, by=g.owner, name=CHANNEL)
    g.guild.add_role(ROLE, [])
    await d.settle()
    await hearth.bot.guild_settings.set(g.guild.id, "system", "log_channel", g.general.id, changed_by=g.admin.id)
    await hearth.bot.guild_settings.set(g.guild.id, "onboarding", "welcome_text", TEXT, changed_by=g.admin.id)
    alice = await site.person(g.admin)
    dialogs: list[str] = []
    alice.page.on("dialog", lambda dialog: dialogs.append(dialog.message))
    await alice.login()
    await alice.open(f"/dashboard/{g.guild.id}/settings")
    form = alice.page.locator('form[id="system.log_channel"]')
    assert f"#{CHANNEL}" in await form.locator(".value span").first.inner_text()
    assert await alice.page.get_by_role("option", name=ROLE).count() >= 1
    text = alice.page.locator('form[id="onboarding.welcome_text"]')
    assert await text.locator(".value span").first.inner_text() == TEXT
    assert await text.get_by_label("New value").input_value() == TEXT
    await alice.open(f"/dashboard/{g.guild.id}/history")
    assert TEXT in await alice.page.locator(".history-row").first.inner_text()
    assert f"#{CHANNEL}" in await alice.page.locator(".history-row").nth(1).inner_text()
    for path in ("settings", "history"):
        await alice.open(f"/dashboard/{g.guild.id}/{path}")
        made = await alice.page.evaluate("document.querySelectorAll('script, img, b').length")
        assert made == 0, path  # no element was made of the names
    assert dialogs == [] and alice.problems == []
