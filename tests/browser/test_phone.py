"""The dashboard on a phone (390 px wide): no page scrolls sideways, and forms stack (controls full width)."""

from __future__ import annotations

from cogs.dashboard.pages import SECTIONS
from tests.browser.kit import PHONE, Site
from tests.hearth_harness import Hearth

WIDE = """() => [...document.querySelectorAll('body *')]
    .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
    .map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : '') + ' ' + e.textContent.slice(0, 40))"""


async def test_every_page_fits_a_phone_and_its_forms_stack(hearth: Hearth, site: Site) -> None:
    g = hearth.guild
    await hearth.discord.slash("config set", user=g.admin, guild=g.guild, scope="system", key="timezone",
                               value="America/Argentina/ComodRivadavia")
    alice = await site.person(g.admin, viewport=PHONE)
    await alice.open("/dashboard/")
    pages = ["/dashboard/"] + [f"/dashboard/{g.guild.id}/{path}" for path, _ in SECTIONS]
    await alice.login()
    for path in pages:
        await alice.open(path)
        assert await alice.page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], path
        assert await alice.page.evaluate(WIDE) == [], path
    stacked = (("settings", 'form[id="system.timezone"]', "New value", "Save"),
               ("permissions", "form.add", "Command", "Add rule"),
               ("audit", "form.filters", "Command", "Filter"))
    for path, selector, label, button_name in stacked:
        await alice.open(f"/dashboard/{g.guild.id}/{path}")
        form = alice.page.locator(selector).first
        field = await form.get_by_label(label).bounding_box()
        button = await form.get_by_role("button", name=button_name).bounding_box()
        assert field is not None and button is not None
        assert field["width"] >= PHONE["width"] - 48, (path, field)  # the control takes the whole width
        assert button["y"] >= field["y"] + field["height"] and button["width"] >= PHONE["width"] - 48, path
    assert alice.problems == []
