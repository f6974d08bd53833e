"""Who sees what: only servers where the bot is and the user has Manage Server now, checked on every request
against the bot's own view of the member, never against the guild list Discord gave at login."""

from __future__ import annotations

import discord

from tests.hearth_harness import Hearth


async def test_a_member_without_manage_server_sees_no_guild_and_is_refused(hearth: Hearth, dashboard) -> None:
    g = hearth.guild
    bob = dashboard()
    await bob.login(g.member)
    home = await bob.get("/dashboard/")
    assert home.status_code == 200 and f"/dashboard/{g.guild.id}/settings" not in home.text
    assert f'href="/dashboard/{g.guild.id}/me">My page' in home.text  # their own page only
    page = await bob.get(f"/dashboard/{g.guild.id}/settings")
    assert page.status_code == 403 and "Manage Server" in page.text
    # A forged form to that server changes nothing (with bob's own, valid CSRF token).
    forged = await bob.post(f"/dashboard/{g.guild.id}/settings", {
        "csrf": bob.csrf(), "scope": "system", "key": "timezone", "value": "Europe/Paris"})
    assert forged.status_code == 403
    assert await hearth.db.fetchval("SELECT count(*) FROM settings_history") == 0
    # A server the bot is not in, and nonsense ids, are refused the same way.
    assert (await bob.get("/dashboard/123456789012345678/settings")).status_code == 403
    assert (await bob.get("/dashboard/abc/settings")).status_code == 403


async def test_owner_and_administrator_manage_the_server(hearth: Hearth, dashboard) -> None:
    g = hearth.guild
    boss = g.guild.add_role("Boss", ["administrator"])
    carol = g.guild.add_member("carol", roles=[boss])
    await hearth.discord.settle()
    for person in (g.owner, carol):
        browser = dashboard()
        await browser.login(person)
        assert f"/dashboard/{g.guild.id}/overview" in (await browser.get("/dashboard/")).text
        assert (await browser.get(f"/dashboard/{g.guild.id}/settings")).status_code == 200


async def test_permission_lost_after_login_closes_the_pages_at_the_next_request(hearth: Hearth, dashboard) -> None:
    g = hearth.guild
    alice = dashboard()
    await alice.login(g.admin)
    page = await alice.get(f"/dashboard/{g.guild.id}/settings")
    assert page.status_code == 200
    token = alice.csrf()
    g.guild.set_roles(g.admin, [], by=g.owner)  # the owner takes her Admin role away in Discord's client
    await hearth.discord.settle()
    member = hearth.bot.get_guild(g.guild.id).get_member(g.admin.id)
    assert isinstance(member, discord.Member) and not member.guild_permissions.manage_guild
    assert (await alice.get(f"/dashboard/{g.guild.id}/settings")).status_code == 403
    assert f"/dashboard/{g.guild.id}/settings" not in (await alice.get("/dashboard/")).text
    late = await alice.post(f"/dashboard/{g.guild.id}/settings", {
        "csrf": token, "scope": "system", "key": "timezone", "value": "Europe/Paris"})
    assert late.status_code == 403
    assert await hearth.db.fetchval("SELECT count(*) FROM settings_history") == 0


async def test_a_member_who_left_is_refused(hearth: Hearth, dashboard) -> None:
    g = hearth.guild
    alice = dashboard()
    await alice.login(g.admin)
    g.guild.kick(g.admin, by=g.owner)
    await hearth.discord.settle()
    assert (await alice.get(f"/dashboard/{g.guild.id}/settings")).status_code == 403
