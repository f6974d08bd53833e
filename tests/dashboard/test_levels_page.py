"""The welcome and levels page: welcome and levels settings through the settings handler (`set_checked`, back to
this page), level roles and multipliers through `/config levels`' code path (role safety against the member), the
leaderboard paged with names, and the refusals."""

from __future__ import annotations

from tests.hearth_harness import Hearth
from tests.kit.levels import levels_desk


async def _levels(hearth: Hearth, dashboard, person=None):
    browser = dashboard()
    await browser.login(person or hearth.guild.admin)
    answer = await browser.get(f"/dashboard/{hearth.guild.guild.id}/levels")
    assert answer.status_code == 200, answer.text
    return browser


async def test_settings_of_welcome_and_levels_change_through_the_settings_gate(hearth: Hearth, dashboard) -> None:
    g = hearth.guild
    browser = await _levels(hearth, dashboard)
    page = browser.last_page
    for anchor in ("welcome.welcome_to", "welcome.welcome_message", "levels.enabled", "levels.role_mode"):
        assert f'id="{anchor}"' in page
    assert f'href="/dashboard/{g.guild.id}/levels" aria-current="page"' in page
    saved = await browser.post(f"/dashboard/{g.guild.id}/settings", {
        "csrf": browser.csrf(), "scope": "welcome", "key": "welcome_to", "value": "dm", "back": "levels"})
    assert saved.status_code == 303
    assert saved.headers["location"] == f"/dashboard/{g.guild.id}/levels?changed=welcome.welcome_to#welcome.welcome_to"
    assert await hearth.bot.guild_settings.get(g.guild.id, "welcome", "welcome_to") == "dm"
    row = await hearth.db.fetchrow("SELECT key, changed_by, change_type FROM settings_history WHERE scope = 'welcome'")
    assert tuple(row) == ("welcome_to", g.admin.id, "dashboard")
    assert "Saved: welcome.welcome_to." in (await browser.get(saved.headers["location"])).text
    bad = await browser.post(f"/dashboard/{g.guild.id}/settings", {
        "csrf": browser.csrf(), "scope": "levels", "key": "announce_message", "value": "{nope}", "back": "levels"})
    assert bad.status_code == 400 and "welcome and levels" in bad.text and "nope" in bad.text
    assert await hearth.db.fetchval("SELECT count(*) FROM settings_history") == 1


async def test_level_roles_obey_role_safety_and_show_in_config_levels_roles(hearth: Hearth, dashboard) -> None:
    g = hearth.guild
    regular = g.guild.add_role("Regular")
    await hearth.discord.settle()
    await levels_desk(hearth)
    url = f"/dashboard/{g.guild.id}/levels"
    alice = await _levels(hearth, dashboard)  # Manage Server, but not Manage Roles: she cannot give roles
    refused = await alice.post(url, {"csrf": alice.csrf(), "action": "role_add", "level": "5", "role": str(regular.id)})
    assert refused.status_code == 400 and "Manage Roles" in refused.text and "Nothing was changed" in refused.text
    assert await hearth.db.fetchval("SELECT count(*) FROM levels_roles") == 0
    owner = await _levels(hearth, dashboard, g.owner)
    added = await owner.post(url, {"csrf": owner.csrf(), "action": "role_add", "level": "5", "role": str(regular.id)})
    assert added.status_code == 303 and added.headers["location"] == f"{url}?done=role_add"
    row = await hearth.db.fetchrow("SELECT level, role_id, set_by FROM levels_roles")
    assert tuple(row) == (5, regular.id, g.owner.id)
    listed = await hearth.discord.slash("config levels roles", user=g.owner)
    assert f"Level 5: <@&{regular.id}>" in listed.text
    page = (await owner.get(url)).text
    assert "<strong>Level 5</strong> @Regular" in page and str(regular.id) in page
    too_high = await owner.post(url, {"csrf": owner.csrf(), "action": "role_add", "level": "1001",
                                      "role": str(regular.id)})
    assert too_high.status_code == 400 and "1 to 1000" in too_high.text
    removed = await owner.post(url, {"csrf": owner.csrf(), "action": "role_remove", "role": str(regular.id)})
    assert removed.status_code == 303 and await hearth.db.fetchval("SELECT count(*) FROM levels_roles") == 0
    await hearth.bot.get_cog("Audit").flush()
    audited = await hearth.db.fetch("SELECT user_id, command_name FROM audit_logs WHERE command_type = 'dashboard'")
    assert [tuple(r) for r in audited] == [(g.owner.id, "dashboard levels")] * 2


async def test_multipliers_and_the_forged_or_unauthorised_forms(hearth: Hearth, dashboard) -> None:
    g = hearth.guild
    await levels_desk(hearth)
    url = f"/dashboard/{g.guild.id}/levels"
    alice = await _levels(hearth, dashboard)
    target = f"channel:{g.general.id}"
    doubled = await alice.post(url, {"csrf": alice.csrf(), "action": "multiplier", "target": target, "value": "2"})
    assert doubled.status_code == 303
    shown = await hearth.discord.slash("config levels multipliers", user=g.admin)
    assert f"<#{g.general.id}>: ×2" in shown.text
    assert "<strong>#general</strong> ×2" in (await alice.get(url)).text
    for value in ("11", "lots"):
        wrong = await alice.post(url, {"csrf": alice.csrf(), "action": "multiplier", "target": target,
                                       "value": value})
        assert wrong.status_code == 400
    forged = await alice.post(url, {"csrf": "forged", "action": "multiplier", "target": target, "value": "0"})
    assert forged.status_code == 403
    bob = dashboard()
    await bob.login(g.member)
    assert (await bob.get(url)).status_code == 403
    await bob.get(f"/dashboard/{g.guild.id}/me")
    sneaky = await bob.post(url, {"csrf": bob.csrf(), "action": "multiplier", "target": target, "value": "0"})
    assert sneaky.status_code == 403
    assert await hearth.db.fetchval("SELECT multiplier FROM levels_multipliers") == 2


async def test_the_leaderboard_is_paged_with_names(hearth: Hearth, dashboard) -> None:
    g = hearth.guild
    levels = await levels_desk(hearth)
    people = [g.guild.add_member(f"player{n:02d}") for n in range(22)]
    await hearth.discord.settle()
    for n, person in enumerate(people):
        await levels.seed(person, 10_000 - n * 100)
    browser = await _levels(hearth, dashboard)
    first = browser.last_page
    assert "<td>1</td><td>player00</td>" in first and "Page 1 of 2" in first and "player21" not in first
    assert str(people[0].id) not in first
    second = (await browser.get(f"/dashboard/{g.guild.id}/levels?page=2")).text
    assert "<td>21</td><td>player20</td>" in second and "<td>22</td><td>player21</td>" in second
    g.guild.kick(people[21], by=g.owner)
    await hearth.discord.settle()
    gone = (await browser.get(f"/dashboard/{g.guild.id}/levels?page=9")).text  # clamped to the last page
    assert "<td>22</td><td>a member who left</td>" in gone


async def test_names_are_escaped(hearth: Hearth, dashboard) -> None:
    g = hearth.guild
    levels = await levels_desk(hearth)
    sneaky = g.guild.add_member("<script>alert(1)</script>")
    role = g.guild.add_role("<b>bold</b>")
    await hearth.discord.settle()
    await levels.seed(sneaky, 900)
    owner = await _levels(hearth, dashboard, g.owner)
    url = f"/dashboard/{g.guild.id}/levels"
    await owner.post(url, {"csrf": owner.csrf(), "action": "role_add", "level": "2", "role": str(role.id)})
    page = (await owner.get(url)).text
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<b>bold</b>" not in page and "@&lt;b&gt;bold&lt;/b&gt;" in page
