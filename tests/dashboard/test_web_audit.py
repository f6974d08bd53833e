"""Changes made on the dashboard are recorded by the audit tracker like commands (`dashboard settings`,
`dashboard permissions`, `dashboard modules`), and show on the audit page; refused forms record nothing."""

from __future__ import annotations

from tests.hearth_harness import Hearth


async def test_web_changes_are_audited_and_refused_ones_are_not(hearth: Hearth, dashboard) -> None:
    g = hearth.guild
    browser = dashboard()
    await browser.login(g.admin)
    await browser.get(f"/dashboard/{g.guild.id}/settings")
    assert f'href="/dashboard/{g.guild.id}/settings" aria-current="page"' in browser.last_page
    settings = f"/dashboard/{g.guild.id}/settings"
    rules = f"/dashboard/{g.guild.id}/permissions"
    await browser.post(settings, {"csrf": browser.csrf(), "scope": "system", "key": "timezone", "value": "Asia/Tokyo"})
    await browser.post(settings, {"csrf": browser.csrf(), "scope": "system", "key": "timezone", "value": "Mars/X"})
    await browser.post(settings, {"scope": "system", "key": "timezone", "value": "Europe/Paris"})  # no CSRF
    hearth.clock.advance(seconds=1)
    await browser.post(rules, {"csrf": browser.csrf(), "action": "added", "command": "tag", "allow": "deny",
                               "target": "server"})
    await browser.post(rules, {"csrf": browser.csrf(), "action": "added", "command": "nosuch", "allow": "deny",
                               "target": "server"})
    page = await browser.get(f"/dashboard/{g.guild.id}/audit?command=dashboard")
    assert page.text.count('<tr class="audit-row">') == 2
    assert page.text.index("/dashboard permissions") < page.text.index("/dashboard settings")
    rows = await hearth.db.fetch("SELECT user_id, command_name, command_type, success FROM audit_logs "
                                 "ORDER BY created_at")
    assert [tuple(r) for r in rows] == [(g.admin.id, "dashboard settings", "dashboard", True),
                                        (g.admin.id, "dashboard permissions", "dashboard", True)]
