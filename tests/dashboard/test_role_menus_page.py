"""The role menus page: menus created, filled, edited, posted and deleted through `RolesApi.menus` (the code of
`/roles menu`), members then using the posted menu; Manage Roles and role safety as the member using the page; CSRF;
refusals (no Manage Server, another guild's menu, bad input) that change nothing."""

from __future__ import annotations

from tests.hearth_harness import Hearth


async def _page(hearth: Hearth, dashboard, person):
    browser = dashboard()
    await browser.login(person)
    page = await browser.get(f"/dashboard/{hearth.guild.guild.id}/role-menus")
    assert page.status_code == 200, page.text
    return browser


async def _people(hearth: Hearth):
    """Low < Boss (Manage Server and Manage Roles, held by carol) < High."""
    g = hearth.guild.guild
    low = g.add_role("Low")
    boss = g.add_role("Boss", ["manage_guild", "manage_roles"])
    high = g.add_role("High")
    roles = g.add_text_channel("roles")
    carol = g.add_member("carol", roles=[boss])
    await hearth.discord.settle()
    return low, high, roles, carol


async def test_a_menu_built_on_the_web_is_posted_and_used_by_members(hearth: Hearth, dashboard) -> None:
    g, d = hearth.guild, hearth.discord
    low, _, roles, carol = await _people(hearth)
    browser = await _page(hearth, dashboard, carol)
    assert "No role menus yet." in browser.last_page
    url = f"/dashboard/{g.guild.id}/role-menus"

    async def post(**fields):
        answer = await browser.post(url, {"csrf": browser.csrf(), **fields})
        assert answer.status_code == 200, answer.text
        return answer

    made = await post(action="create", name="<b>Games</b>", style="buttons", mode="normal", title="Pick your games")
    assert "Created the role menu &lt;b&gt;Games&lt;/b&gt;." in made.text and "<b>Games</b>" not in made.text
    added = await post(action="add_role", menu="<b>Games</b>", role=str(low.id), label="Low games", emoji="🎮")
    assert "Added @Low in &lt;b&gt;Games&lt;/b&gt;." in added.text and "🎮 Low games → @Low" in added.text
    option = await hearth.db.fetchrow("SELECT role_id, label, emoji, added_by FROM role_menu_options")
    assert tuple(option) == (low.id, "Low games", "🎮", carol.id)
    posted = await post(action="post", menu="<b>Games</b>", channel=str(roles.id))
    assert "Posted &lt;b&gt;Games&lt;/b&gt; in #roles." in posted.text and "posted in #roles" in posted.text
    message = d.last_message(roles)
    assert message.embeds[0]["title"] == "Pick your games"
    await d.click(message, "Low games", user=g.member)
    assert low.id in g.guild.member(g.member.id).roles
    edited = await post(action="edit", menu="<b>Games</b>", name="Games", style="buttons", mode="unique",
                        title="", description="One at a time")
    assert "Updated Games (buttons, unique)." in edited.text
    row = await hearth.db.fetchrow("SELECT name, mode, title, description FROM role_menus")
    assert tuple(row) == ("Games", "unique", None, "One at a time")
    assert d.world.messages[message.id].embeds[0]["description"].startswith("One at a time")
    listed = await d.slash("roles menu list", user=carol)
    assert "**Games** — 1 role(s), buttons, unique" in listed.embeds[0]["description"]
    gone = await post(action="delete", menu="Games")
    assert "Deleted the role menu Games and 1 posted message(s)." in gone.text
    assert await hearth.db.fetchval("SELECT count(*) FROM role_menus") == 0
    assert d.world.messages[message.id].deleted


async def test_a_role_above_the_members_top_role_or_without_manage_roles_is_refused(hearth: Hearth,
                                                                                     dashboard) -> None:
    g, d = hearth.guild, hearth.discord
    low, high, _, carol = await _people(hearth)
    await d.slash("roles menu create", user=carol, name="Games")
    browser = await _page(hearth, dashboard, carol)
    url = f"/dashboard/{g.guild.id}/role-menus"
    above = await browser.post(url, {"csrf": browser.csrf(), "action": "add_role", "menu": "Games",
                                     "role": str(high.id)})
    assert above.status_code == 400
    assert "@High is not below your highest role (@Boss), so you can&#39;t make me give it." in above.text
    assert "Nothing was changed." in above.text
    alice = await _page(hearth, dashboard, g.admin)  # Manage Server, but not Manage Roles
    assert "You need Manage Roles to change role menus." in alice.last_page
    no_roles = await alice.post(url, {"csrf": alice.csrf(), "action": "add_role", "menu": "Games",
                                      "role": str(low.id)})
    assert no_roles.status_code == 400 and "changed by members with Manage Roles" in no_roles.text
    assert await hearth.db.fetchval("SELECT count(*) FROM role_menu_options") == 0


async def test_refusals_change_nothing(hearth: Hearth, dashboard) -> None:
    g, d = hearth.guild, hearth.discord
    _, _, _, carol = await _people(hearth)
    other = d.add_guild("Elsewhere")
    other.add_text_channel("general")
    theirs = other.add_member("their-admin", roles=[other.add_role("Boss", ["manage_guild", "manage_roles"])])
    await d.settle()
    await d.slash("roles menu create", user=theirs, guild=other, name="Theirs")
    browser = await _page(hearth, dashboard, carol)
    url = f"/dashboard/{g.guild.id}/role-menus"
    cross = await browser.post(url, {"csrf": browser.csrf(), "action": "delete", "menu": "Theirs"})
    assert cross.status_code == 400 and "There is no role menu called Theirs on this server." in cross.text
    limit = await browser.post(url, {"csrf": browser.csrf(), "action": "create", "name": "Colours", "style": "buttons",
                                     "mode": "limit"})
    assert limit.status_code == 400 and "A menu in mode limit needs the most roles a member may pick" in limit.text
    style = await browser.post(url, {"csrf": browser.csrf(), "action": "create", "name": "Colours",
                                     "style": "<script>", "mode": "normal"})
    assert style.status_code == 400 and "A menu&#39;s style is one of buttons, select." in style.text
    long = await browser.post(url, {"csrf": browser.csrf(), "action": "create", "name": "x" * 51})
    assert long.status_code == 400 and "A menu&#39;s name is 1 to 50 characters." in long.text
    forged = await browser.post(url, {"csrf": "forged", "action": "create", "name": "Colours"})
    assert forged.status_code == 403
    assert (await browser.post(f"/dashboard/{other.id}/role-menus", {
        "csrf": browser.csrf(), "action": "delete", "menu": "Theirs"})).status_code == 403
    bob = dashboard()
    await bob.login(g.member)
    assert (await bob.get(url)).status_code == 403
    assert await hearth.db.fetchval("SELECT count(*) FROM role_menus WHERE guild_id = $1", g.guild.id) == 0
    assert await hearth.db.fetchval("SELECT name FROM role_menus WHERE guild_id = $1", other.id) == "Theirs"
