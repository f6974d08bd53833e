"""The automod page: rules and actions added, edited, switched and removed through `AutomodApi.editor` (the code
of `/config automod`), a mute role only one the member could give themselves, CSRF on every form, and refusals
(no Manage Server, another guild's rule, bad settings) that change nothing."""

from __future__ import annotations

from tests.hearth_harness import Hearth


async def _page(hearth: Hearth, dashboard, person=None):
    browser = dashboard()
    await browser.login(person or hearth.guild.admin)
    page = await browser.get(f"/dashboard/{hearth.guild.guild.id}/automod")
    assert page.status_code == 200, page.text
    return browser


async def _no_escalation(hearth: Hearth) -> None:
    await hearth.bot.guild_settings.set(hearth.guild.guild.id, "automod", "escalation", [], changed_by=1)


async def test_a_rule_and_action_made_on_the_web_act_on_messages_and_can_be_switched_off(hearth: Hearth,
                                                                                        dashboard) -> None:
    g, d = hearth.guild, hearth.discord
    await _no_escalation(hearth)
    browser = await _page(hearth, dashboard)
    assert "No rules yet." in browser.last_page and "No actions yet." in browser.last_page
    url = f"/dashboard/{g.guild.id}/automod"
    added = await browser.post(url, {"csrf": browser.csrf(), "action": "add_action", "type": "timeout",
                                     "severity": "2", "duration": "15m"})
    assert added.status_code == 200 and "Action #" in added.text and "timeout (severity 2, 15m)" in added.text
    action_id = await hearth.db.fetchval("SELECT id FROM automod_actions")
    rule = await browser.post(url, {"csrf": browser.csrf(), "action": "add_rule", "name": "<i>Bad</i> word",
                                    "type": "content", "rule_action": str(action_id), "words": "badword, worse"})
    assert rule.status_code == 200, rule.text
    assert "&lt;i&gt;Bad&lt;/i&gt; word" in rule.text and "<i>Bad</i>" not in rule.text
    row = await hearth.db.fetchrow("SELECT id, rule_type, config, action_id, created_by FROM automod_rules")
    assert (row["rule_type"], row["config"]["words"], row["action_id"], row["created_by"]) == (
        "content", ["badword", "worse"], action_id, g.admin.id)
    listed = await d.slash("config automod list", user=g.admin)
    assert f"#{row['id']} <i>Bad</i> word** (content) → action #{action_id} timeout" in \
        listed.embeds[0]["fields"][0]["value"].replace("\\", "")
    caught = await d.say(g.general, g.member, "that badword")
    assert d.world.messages[caught.id].deleted
    off = await browser.post(url, {"csrf": browser.csrf(), "action": "switch_rule", "rule": str(row["id"]),
                                   "enabled": "off"})
    assert f"Rule #{row['id']} is now disabled." in off.text
    assert await hearth.db.fetchval("SELECT enabled FROM automod_rules") is False
    spared = await d.say(g.general, g.member, "another badword")
    assert not d.world.messages[spared.id].deleted
    edited = await browser.post(url, {"csrf": browser.csrf(), "action": "edit_rule", "rule": str(row["id"]),
                                      "type": "content", "name": "Words", "rule_action": "", "words": "worse",
                                      "config": "{}", "trial": "on"})
    assert edited.status_code == 200, edited.text
    changed = await hearth.db.fetchrow("SELECT name, config, action_id, trial_mode FROM automod_rules")
    assert (changed["name"], changed["config"]["words"], changed["action_id"], changed["trial_mode"]) == (
        "Words", ["worse"], None, True)
    gone = await browser.post(url, {"csrf": browser.csrf(), "action": "remove_rule", "rule": str(row["id"])})
    assert f"Rule #{row['id']} Words deleted." in gone.text
    await browser.post(url, {"csrf": browser.csrf(), "action": "remove_action", "id": str(action_id)})
    assert await hearth.db.fetchval("SELECT count(*) FROM automod_rules") == 0
    assert await hearth.db.fetchval("SELECT count(*) FROM automod_actions") == 0


async def test_a_mute_role_must_be_one_the_member_could_give(hearth: Hearth, dashboard) -> None:
    g, d = hearth.guild, hearth.discord
    muted = g.guild.add_role("Muted")
    boss = g.guild.add_role("Boss", ["manage_guild", "manage_roles"])
    high = g.guild.add_role("High")  # above Boss
    carol = g.guild.add_member("carol", roles=[boss])
    await d.settle()
    url = f"/dashboard/{g.guild.id}/automod"
    browser = await _page(hearth, dashboard, carol)
    form = {"action": "add_action", "type": "mute", "severity": "1"}
    above = await browser.post(url, {**form, "csrf": browser.csrf(), "role": str(high.id)})
    assert above.status_code == 400
    assert "@High is not below your highest role (@Boss), so you can&#39;t make me give it." in above.text
    assert "Nothing was changed." in above.text
    assert await hearth.db.fetchval("SELECT count(*) FROM automod_actions") == 0
    alice = await _page(hearth, dashboard)
    no_roles = await alice.post(url, {**form, "csrf": alice.csrf(), "role": str(muted.id)})
    assert no_roles.status_code == 400 and "You need the Manage Roles permission" in no_roles.text
    fine = await browser.post(url, {**form, "csrf": browser.csrf(), "role": str(muted.id)})
    assert fine.status_code == 200 and "mute (severity 1, @Muted)" in fine.text
    row = await hearth.db.fetchrow("SELECT config, role_set_by FROM automod_actions")
    assert (row["config"]["role_id"], row["role_set_by"]) == (muted.id, carol.id)


async def test_refusals_change_nothing(hearth: Hearth, dashboard) -> None:
    g, d = hearth.guild, hearth.discord
    other = d.add_guild("Elsewhere")
    other.add_text_channel("general")
    theirs = other.add_member("their-admin", roles=[other.add_role("Admin", ["manage_guild"])])
    await d.settle()
    await d.slash("config automod add", user=theirs, guild=other, name="Theirs", type="content", words="x")
    their_rule = await hearth.db.fetchval("SELECT id FROM automod_rules WHERE guild_id = $1", other.id)
    browser = await _page(hearth, dashboard)
    url = f"/dashboard/{g.guild.id}/automod"
    cross = await browser.post(url, {"csrf": browser.csrf(), "action": "remove_rule", "rule": str(their_rule)})
    assert cross.status_code == 400 and f"There is no automod rule #{their_rule} on this server." in cross.text
    switch = await browser.post(url, {"csrf": browser.csrf(), "action": "switch_rule", "rule": str(their_rule),
                                      "enabled": "off"})
    assert switch.status_code == 400
    bad_json = await browser.post(url, {"csrf": browser.csrf(), "action": "add_rule", "name": "Spam", "type": "spam",
                                        "config": "{messages: 5"})
    assert bad_json.status_code == 400 and "config is not valid JSON" in bad_json.text
    bad_duration = await browser.post(url, {"csrf": browser.csrf(), "action": "add_action", "type": "timeout",
                                            "severity": "2", "duration": "forever"})
    assert bad_duration.status_code == 400 and 'role="alert"' in bad_duration.text
    forged = await browser.post(url, {"csrf": "forged", "action": "add_rule", "name": "Spam", "type": "spam"})
    assert forged.status_code == 403
    assert (await browser.post(f"/dashboard/{other.id}/automod", {"csrf": browser.csrf(), "action": "remove_rule",
                                                                  "rule": str(their_rule)})).status_code == 403
    bob = dashboard()
    await bob.login(g.member)
    assert (await bob.get(url)).status_code == 403
    assert await hearth.db.fetchval("SELECT count(*) FROM automod_rules WHERE guild_id = $1", g.guild.id) == 0
    assert await hearth.db.fetchval("SELECT count(*) FROM automod_actions") == 0
    assert await hearth.db.fetchval("SELECT enabled FROM automod_rules WHERE id = $1", their_rule) is True
