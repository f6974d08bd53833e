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
