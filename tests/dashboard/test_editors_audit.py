"""Changes made on the feature editors are recorded by the audit tracker like commands (`dashboard tags`,
`dashboard custom commands`, …), as the member who made them; refused forms record nothing."""

from __future__ import annotations

from tests.hearth_harness import Hearth


async def test_editor_changes_are_audited_and_refused_ones_are_not(hearth: Hearth, dashboard) -> None:
    g = hearth.guild
    browser = dashboard()
    await browser.login(g.admin)
    await browser.get(f"/dashboard/{g.guild.id}/tags")
    tags, commands = f"/dashboard/{g.guild.id}/tags", f"/dashboard/{g.guild.id}/commands"
    await browser.post(tags, {"csrf": browser.csrf(), "action": "create", "name": "rules", "content": "Be kind."})
    await browser.post(tags, {"csrf": browser.csrf(), "action": "create", "name": "rules", "content": "Twice."})
    await browser.post(tags, {"action": "delete", "name": "rules"})  # no CSRF
    hearth.clock.advance(seconds=1)
    await browser.post(commands, {"csrf": browser.csrf(), "action": "add", "name": "hi", "trigger_type": "exact",
                                  "trigger": "!hi", "response": "Hello"})
    await browser.post(commands, {"csrf": browser.csrf(), "action": "remove", "name": "nosuch"})
    page = await browser.get(f"/dashboard/{g.guild.id}/audit?command=dashboard")
    assert page.text.count('<tr class="audit-row">') == 2
    rows = await hearth.db.fetch("SELECT user_id, command_name, command_type, success FROM audit_logs "
                                 "ORDER BY created_at")
    assert [tuple(r) for r in rows] == [(g.admin.id, "dashboard tags", "dashboard", True),
                                        (g.admin.id, "dashboard custom commands", "dashboard", True)]


async def test_an_editor_refuses_changes_while_its_module_is_off(hearth: Hearth, dashboard) -> None:
    g = hearth.guild
    modules = hearth.bot.modules
    await modules.switch(g.guild.id, modules.get("tags"), False, changed_by=g.owner.id)
    browser = dashboard()
    await browser.login(g.admin)
    url = f"/dashboard/{g.guild.id}/tags"
    page = await browser.get(url)
    assert page.status_code == 200 and "Tags is turned off on this server" in page.text
    refused = await browser.post(url, {"csrf": browser.csrf(), "action": "create", "name": "rules",
                                       "content": "Be kind."})
    assert refused.status_code == 400 and "Tags is turned off on this server" in refused.text
    assert "Nothing was changed." in refused.text
    assert await hearth.db.fetchval("SELECT count(*) FROM tags") == 0
    await modules.switch(g.guild.id, modules.get("tags"), True, changed_by=g.owner.id)
    made = await browser.post(url, {"csrf": browser.csrf(), "action": "create", "name": "rules",
                                    "content": "Be kind."})
    assert made.status_code == 200 and await hearth.db.fetchval("SELECT count(*) FROM tags") == 1
