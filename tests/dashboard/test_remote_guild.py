"""A server held by another bot process (SHARD_COUNT=2): the process serving the dashboard holds shard 1 only, the
server is on shard 0, so it is not in this process's gateway cache. The access check asks Discord over REST (the
guild, the member, their roles; permissions computed as Discord does), never the login's guild list; the settings
page works (validation and role safety as the member), and so does every other page; losing the permission closes
it at the next request."""

from __future__ import annotations

from datetime import timedelta

from cogs.dashboard.remote import REMOTE_CHECKS_PER_MINUTE
from tests.dashboard.conftest import dashboard_settings
from tests.hearth_harness import Hearth
from tests.standin.models import snowflake_on_shard


async def _far(hearth: Hearth):
    """A server on shard 0 with the default guild's people in it (alice manages it through a role), and the bot
    restarted as the process holding shard 1 of 2 only, with the dashboard on."""
    g = hearth.guild
    far = hearth.discord.add_guild("Far Away", shard=(0, 2))
    managers = far.add_role("Managers", ["manage_guild"])
    far.add_text_channel("lobby")
    alice = far.add_member("alice", user=g.admin.user, roles=[managers])
    bob = far.add_member("bob", user=g.member.user)
    boss = far.add_role("Boss", ["administrator"])
    carol = far.add_member("carol", roles=[boss])
    await hearth.discord.settle()
    return far, alice, bob, carol


async def _served(hearth: Hearth, dashboard):
    far, alice, bob, carol = await _far(hearth)
    opener = dashboard  # the dashboard fixture restarted the bot already: restart it again, on shard 1 of 2
    await hearth.restart(**dashboard_settings(hearth), shard_count=2, shard_ids=[1])
    assert hearth.bot.get_guild(far.id) is None and hearth.bot.shard_ids == [1]
    return far, alice, bob, carol, opener


async def test_the_access_check_asks_discord_and_the_settings_page_works(hearth: Hearth, dashboard) -> None:
    far, alice, _, carol, opener = await _served(hearth, dashboard)
    url = f"/dashboard/{far.id}/settings"
    for person in (alice, carol, far.owner):  # a Manage Server role, Administrator, the owner
        browser = opener()
        await browser.login(person)
        page = await browser.get(url)
        assert page.status_code == 200, page.text
        assert "held by another of the bot" in page.text and 'id="system.timezone"' in page.text
    asked = [r.path for r in hearth.discord.requests("GET", "/guilds/{guild_id}/members/{user_id}")]
    assert f"/guilds/{far.id}/members/{alice.id}" in asked  # over REST: the process has no cache of it
    browser = opener()
    await browser.login(alice)
    await browser.get(url)
    saved = await browser.post(url, {"csrf": browser.csrf(), "scope": "system", "key": "timezone",
                                     "value": "Europe/Paris"})
    assert saved.status_code == 303, saved.text
    assert await hearth.bot.guild_settings.get(far.id, "system", "timezone") == "Europe/Paris"
    row = await hearth.db.fetchrow("SELECT changed_by, change_type FROM settings_history WHERE guild_id = $1", far.id)
    assert tuple(row) == (alice.id, "dashboard")
    # Role safety as alice, with the roles Discord answered: she has no Manage Roles.
    refused = await browser.post(url, {"csrf": browser.csrf(), "scope": "gdpr", "key": "role",
                                       "value": str(far.add_role("Members").id)})
    assert refused.status_code == 400 and "Manage Roles" in refused.text
    # The channels came over REST too: a channel setting can be chosen.
    assert "#lobby" in (await browser.get(url)).text


async def test_a_member_without_the_permission_and_a_permission_lost(hearth: Hearth, dashboard) -> None:
    far, alice, bob, _, opener = await _served(hearth, dashboard)
    url = f"/dashboard/{far.id}/settings"
    bobs = opener()
    await bobs.login(bob)
    assert (await bobs.get(url)).status_code == 403
    me = await bobs.get(f"/dashboard/{far.id}/me")  # his own page works there too
    assert me.status_code == 200 and "Your data" in me.text
    browser = opener()
    await browser.login(alice)
    assert (await browser.get(url)).status_code == 200
    token = browser.csrf()
    far.set_roles(alice, [], by=far.owner)
    await hearth.discord.settle()
    assert (await browser.get(url)).status_code == 403
    late = await browser.post(url, {"csrf": token, "scope": "system", "key": "timezone", "value": "Europe/Paris"})
    assert late.status_code == 403
    far.kick(bob, by=far.owner)
    await hearth.discord.settle()
    assert (await bobs.get(f"/dashboard/{far.id}/me")).status_code == 403
    assert await hearth.db.fetchval("SELECT count(*) FROM settings_history WHERE guild_id = $1", far.id) == 0


async def test_the_server_list_shows_servers_of_other_processes_checked_over_rest(hearth: Hearth,
                                                                                  dashboard) -> None:
    far, alice, bob, _, opener = await _served(hearth, dashboard)
    stranger = hearth.discord.add_guild("Not with the bot's process either", shard=(0, 2))
    await hearth.discord.settle()
    for person, manages in ((alice, True), (bob, False)):
        browser = opener()
        await browser.login(person)
        home = (await browser.get("/dashboard/")).text
        assert "Far Away</strong> <span class=\"muted\">(another bot process)" in home
        assert (f'href="/dashboard/{far.id}/settings">Manage' in home) is manages
        assert f'href="/dashboard/{far.id}/me">My page' in home
        assert str(stranger.id) not in home
    # Alice's Manage Server role taken away: the list says so at the next view.
    far.set_roles(alice, [], by=far.owner)
    await hearth.discord.settle()
    browser = opener()
    await browser.login(alice)
    home = (await browser.get("/dashboard/")).text
    assert f"/dashboard/{far.id}/settings" not in home and f"/dashboard/{far.id}/me" in home


async def test_the_dashboard_role_and_the_levels_page_of_a_server_held_elsewhere(hearth: Hearth, dashboard) -> None:
    far, alice, bob, _, opener = await _served(hearth, dashboard)
    helpers = far.add_role("Helpers")
    far.set_roles(bob, [helpers], by=far.owner)
    await hearth.discord.settle()
    url = f"/dashboard/{far.id}/levels"
    bobs = opener()
    await bobs.login(bob)
    assert (await bobs.get(url)).status_code == 403
    await hearth.bot.guild_settings.set(far.id, "dashboard", "manager_role", helpers.id, changed_by=far.owner.id)
    await hearth.bot.guild_settings.set(far.id, "levels", "enabled", True, changed_by=far.owner.id)
    await hearth.db.execute("INSERT INTO levels_members (guild_id, user_id, xp, updated_at) VALUES ($1, $2, 50, now())",
                            far.id, alice.id)
    page = await bobs.get(url)
    assert page.status_code == 200 and "held by another of the bot" in page.text
    assert "<td>1</td><td>name not known here</td>" in page.text  # said, not guessed
    assert "#lobby" in page.text  # the channels came over REST
    far.set_roles(bob, [], by=far.owner)
    await hearth.discord.settle()
    assert (await bobs.get(url)).status_code == 403


async def test_made_up_servers_of_other_shards_cannot_spend_the_bots_rate_limit(hearth: Hearth, dashboard) -> None:
    far, _, bob, _, opener = await _served(hearth, dashboard)
    bobs = opener()
    await bobs.login(bob)
    made_up = snowflake_on_shard(0, 2)
    before = len(hearth.discord.requests("GET", "/guilds/{guild_id}"))
    for _ in range(REMOTE_CHECKS_PER_MINUTE):
        assert (await bobs.get(f"/dashboard/{made_up}/settings")).status_code == 403
    slowed = await bobs.get(f"/dashboard/{far.id}/me")
    assert slowed.status_code == 429 and "too often" in slowed.text
    assert len(hearth.discord.requests("GET", "/guilds/{guild_id}")) == before + REMOTE_CHECKS_PER_MINUTE
    await hearth.move_clock(hearth.clock.now() + timedelta(minutes=1, seconds=1))
    assert (await bobs.get(f"/dashboard/{far.id}/me")).status_code == 200


async def test_every_manager_page_of_a_server_held_elsewhere_opens(hearth: Hearth, dashboard) -> None:
    """Each list page of the dashboard, for a server this process has no gateway cache of: it answers 200 and names
    the server, and neither the bot nor the stand-in logged an error (the teardown checks it)."""
    far, alice, _, _, opener = await _served(hearth, dashboard)
    browser = opener()
    await browser.login(alice)
    pages = ("overview", "settings", "modules", "permissions", "history", "audit", "levels", "automod",
             "onboarding", "commands", "tags", "role-menus", "tickets", "cases", "events", "api-keys", "me")
    for name in pages:
        page = await browser.get(f"/dashboard/{far.id}/{name}")
        assert page.status_code == 200, (name, page.status_code, page.text[:500])
        assert "Far Away" in page.text, name
