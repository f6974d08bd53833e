"""The dashboard role (`dashboard.manager_role`): its holders use the manager pages without Manage Server, their
changes are checked as theirs (role safety), only Manage Server may set it, and losing the role closes the pages
at the next request."""

from __future__ import annotations

from tests.hearth_harness import Hearth


async def _helpers(hearth: Hearth, dashboard):
    """alice (Manage Server) makes Helpers the dashboard role on the web; carol holds Helpers only."""
    g = hearth.guild
    helpers = g.guild.add_role("Helpers")
    carol = g.guild.add_member("carol", roles=[helpers])
    await hearth.discord.settle()
    alice = dashboard()
    await alice.login(g.admin)
    await alice.get(f"/dashboard/{g.guild.id}/settings")
    saved = await alice.post(f"/dashboard/{g.guild.id}/settings", {
        "csrf": alice.csrf(), "scope": "dashboard", "key": "manager_role", "value": str(helpers.id)})
    assert saved.status_code == 303, saved.text
    browser = dashboard()
    await browser.login(carol)
    return helpers, carol, browser


async def test_a_role_holder_manages_with_their_own_checks(hearth: Hearth, dashboard) -> None:
    g = hearth.guild
    helpers, carol, browser = await _helpers(hearth, dashboard)
    url = f"/dashboard/{g.guild.id}/settings"
    assert f'href="/dashboard/{g.guild.id}/overview">Manage' in (await browser.get("/dashboard/")).text
    assert (await browser.get(url)).status_code == 200
    changed = await browser.post(url, {"csrf": browser.csrf(), "scope": "system", "key": "timezone",
                                       "value": "Europe/Paris"})
    assert changed.status_code == 303
    row = await hearth.db.fetchrow("SELECT changed_by, change_type FROM settings_history WHERE key = 'timezone'")
    assert tuple(row) == (carol.id, "dashboard")
    # Role safety as carol: she has no Manage Roles, so she cannot make the bot give a role.
    granted = await browser.post(url, {"csrf": browser.csrf(), "scope": "gdpr", "key": "role",
                                       "value": str(helpers.id)})
    assert granted.status_code == 400 and "Manage Roles" in granted.text
    # Only Manage Server chooses the dashboard role: carol cannot hand it to another role (or clear it).
    other = g.guild.add_role("Friends")
    await hearth.discord.settle()
    taken = await browser.post(url, {"csrf": browser.csrf(), "scope": "dashboard", "key": "manager_role",
                                     "value": str(other.id)})
    assert taken.status_code == 403 and "Only members with Manage Server" in taken.text
    assert await hearth.bot.guild_settings.get(g.guild.id, "dashboard", "manager_role") == helpers.id
    assert await hearth.bot.guild_settings.get(g.guild.id, "gdpr", "role") is None
    # The editors behind /config automod, onboarding and custom commands keep their rule: Manage Server.
    automod = await browser.post(f"/dashboard/{g.guild.id}/automod", {
        "csrf": browser.csrf(), "action": "add_rule", "name": "Spam", "type": "spam"})
    assert automod.status_code == 400
    assert "Automod rules are changed by members with Manage Server; you do not have it here." in automod.text
    assert await hearth.db.fetchval("SELECT count(*) FROM automod_rules") == 0


async def test_the_role_removed_closes_the_pages_at_the_next_request(hearth: Hearth, dashboard) -> None:
    g = hearth.guild
    helpers, carol, browser = await _helpers(hearth, dashboard)
    url = f"/dashboard/{g.guild.id}/modules"
    assert (await browser.get(url)).status_code == 200
    token = browser.csrf()
    g.guild.set_roles(carol, [], by=g.owner)
    await hearth.discord.settle()
    assert (await browser.get(url)).status_code == 403
    home = (await browser.get("/dashboard/")).text
    assert f"/dashboard/{g.guild.id}/settings" not in home and f"/dashboard/{g.guild.id}/me" in home
    late = await browser.post(url, {"csrf": token, "module": "tags", "on": "off"})
    assert late.status_code == 403
    assert await hearth.bot.guild_settings.get(g.guild.id, "modules", "tags") is True
    # And the other way: the role given back opens them again; the setting cleared by /config closes them.
    g.guild.set_roles(carol, [helpers], by=g.owner)
    await hearth.discord.settle()
    assert (await browser.get(url)).status_code == 200
    await hearth.discord.slash("config reset", user=g.admin, scope="dashboard", key="manager_role")
    assert (await browser.get(url)).status_code == 403


async def test_without_the_setting_a_plain_member_still_manages_nothing(hearth: Hearth, dashboard) -> None:
    g = hearth.guild
    bob = dashboard()
    await bob.login(g.member)
    assert (await bob.get(f"/dashboard/{g.guild.id}/permissions")).status_code == 403
    assert await hearth.bot.guild_settings.get(g.guild.id, "dashboard", "manager_role") is None
