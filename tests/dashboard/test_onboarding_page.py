"""The onboarding editor: rules and questions added, edited, moved, switched and deleted, follow-ups and role
mappings, through `OnboardingApi.editor` (the code of `/config onboarding`); a role mapping only of a role the member
could give themselves; CSRF; refusals (no Manage Server, another guild's question, bad input) that change nothing."""

from __future__ import annotations

from tests.hearth_harness import Hearth


async def _page(hearth: Hearth, dashboard, person=None):
    browser = dashboard()
    await browser.login(person or hearth.guild.admin)
    page = await browser.get(f"/dashboard/{hearth.guild.guild.id}/onboarding")
    assert page.status_code == 200, page.text
    return browser


async def _setup(hearth: Hearth) -> None:
    gid, owner = hearth.guild.guild.id, hearth.guild.owner.id
    await hearth.bot.guild_settings.set(gid, "onboarding", "mode", "rules_questions", changed_by=owner)
    await hearth.bot.guild_settings.set(gid, "onboarding", "personalisation", False, changed_by=owner)


async def test_a_flow_built_on_the_web_is_the_one_members_walk(hearth: Hearth, dashboard) -> None:
    g, d = hearth.guild, hearth.discord
    await _setup(hearth)
    gamers = g.guild.add_role("Gamers")
    await d.settle()
    browser = await _page(hearth, dashboard, g.owner)
    assert "No rules yet." in browser.last_page and "No questions yet." in browser.last_page
    url = f"/dashboard/{g.guild.id}/onboarding"

    async def post(**fields):
        answer = await browser.post(url, {"csrf": browser.csrf(), **fields})
        assert answer.status_code == 200, answer.text
        return answer

    await post(action="add_rule", title="<b>Be kind</b>", description="No insults.")
    rule_id = await hearth.db.fetchval("SELECT id FROM guild_rules")
    await post(action="edit_rule", rule=str(rule_id), title="Be kind", description="No insults, ever.",
               thumbnail="https://example.org/t.png", image="")
    made = await post(action="add_question", text="What brings you here?", type="select", options="Gaming, Art",
                      required="on")
    qid = await hearth.db.fetchval("SELECT id FROM guild_onboarding_questions")
    assert f"Question Q{qid} added." in made.text
    mapped = await post(action="map_role", id=str(qid), option="q:gaming", role=str(gamers.id))
    assert f"Q{qid} gaming now gives @Gamers." in mapped.text
    assert "Gaming <span class=\"muted\">(gaming)</span> → @Gamers" in mapped.text
    row = await hearth.db.fetchrow("SELECT options, role_map_by FROM guild_onboarding_questions")
    assert row["options"][0] == {"label": "Gaming", "value": "gaming", "role_id": gamers.id}
    assert row["role_map_by"] == g.owner.id
    rule = await hearth.db.fetchrow("SELECT title, description, thumbnail_url, image_url FROM guild_rules")
    assert tuple(rule) == ("Be kind", "No insults, ever.", "https://example.org/t.png", None)
    listed = await d.slash("config onboarding list", user=g.admin)
    fields = {f["name"]: f["value"] for f in listed.embeds[0]["fields"]}
    assert f"R{rule_id}** Be kind" in fields["Rules (1)"] and "options: Gaming → <@&" in fields["Questions (1)"]
    m = await d.member_join(g.guild, "newbie")
    intro = d.dms_to(m)[-1]
    await d.click(intro, "Start", user=m)
    await d.click(intro, "I accept", user=m)
    await d.select(intro, ["gaming"], user=m)
    assert gamers.id in g.guild.members[m.id].roles


async def test_a_role_mapping_is_refused_above_the_members_top_role(hearth: Hearth, dashboard) -> None:
    g, d = hearth.guild, hearth.discord
    await _setup(hearth)
    low = g.guild.add_role("Low")
    boss = g.guild.add_role("Boss", ["manage_guild", "manage_roles"])
    high = g.guild.add_role("High")
    carol = g.guild.add_member("carol", roles=[boss])
    await d.settle()
    await d.slash("config onboarding question_add", user=g.owner,
                  options={"text": "Why?", "type": "select", "options": "Fun, Work"})
    qid = await hearth.db.fetchval("SELECT id FROM guild_onboarding_questions")
    browser = await _page(hearth, dashboard, carol)
    url = f"/dashboard/{g.guild.id}/onboarding"
    refused = await browser.post(url, {"csrf": browser.csrf(), "action": "map_role", "id": str(qid),
                                       "option": "q:fun", "role": str(high.id)})
    assert refused.status_code == 400
    assert "@High is not below your highest role (@Boss), so you can&#39;t make me give it." in refused.text
    assert "Nothing was changed." in refused.text
    row = await hearth.db.fetchrow("SELECT options, role_map_by FROM guild_onboarding_questions")
    assert all("role_id" not in o for o in row["options"]) and row["role_map_by"] is None
    fine = await browser.post(url, {"csrf": browser.csrf(), "action": "map_role", "id": str(qid), "option": "q:work",
                                    "role": str(low.id)})
    assert fine.status_code == 200
    assert await hearth.db.fetchval("SELECT role_map_by FROM guild_onboarding_questions") == carol.id


async def test_follow_ups_moves_switches_and_deletes(hearth: Hearth, dashboard) -> None:
    g = hearth.guild
    await _setup(hearth)
    browser = await _page(hearth, dashboard)
    url = f"/dashboard/{g.guild.id}/onboarding"
    for text in ("First?", "Second?"):
        await browser.post(url, {"csrf": browser.csrf(), "action": "add_question", "text": text, "type": "select",
                                 "options": "Yes, No", "required": "on"})
    first, second = [r["id"] for r in await hearth.db.fetch("SELECT id FROM guild_onboarding_questions ORDER BY id")]
    moved = await browser.post(url, {"csrf": browser.csrf(), "action": "move_question", "id": str(second),
                                     "position": "1"})
    assert "Question moved to number 1." in moved.text
    order = await hearth.db.fetch("SELECT id FROM guild_onboarding_questions ORDER BY step_order")
    assert [r["id"] for r in order] == [second, first]
    added = await browser.post(url, {"csrf": browser.csrf(), "action": "add_followup", "id": str(first),
                                     "when": "yes", "text": "Why yes?", "type": "text"})
    assert f"Follow-up {first}.f1 added." in added.text
    off = await browser.post(url, {"csrf": browser.csrf(), "action": "enable_question", "id": str(first),
                                   "enabled": "off"})
    assert f"Q{first} is now disabled." in off.text
    row = await hearth.db.fetchrow("SELECT followup, enabled FROM guild_onboarding_questions WHERE id = $1", first)
    assert row["followup"][0]["question"] == "Why yes?" and row["enabled"] is False
    await browser.post(url, {"csrf": browser.csrf(), "action": "remove_followup", "id": str(first), "followup": "f1"})
    gone = await browser.post(url, {"csrf": browser.csrf(), "action": "delete_question", "id": str(second)})
    assert f"Question Q{second} (Second?) deleted." in gone.text
    assert await hearth.db.fetchval("SELECT followup FROM guild_onboarding_questions") == []
    assert await hearth.db.fetchval("SELECT count(*) FROM guild_onboarding_questions") == 1


async def test_refusals_change_nothing(hearth: Hearth, dashboard) -> None:
    g, d = hearth.guild, hearth.discord
    other = d.add_guild("Elsewhere")
    other.add_text_channel("general")
    theirs = other.add_member("their-admin", roles=[other.add_role("Admin", ["manage_guild"])])
    await d.settle()
    await d.slash("config onboarding question_add", user=theirs, guild=other, text="Theirs?", type="text")
    their_q = await hearth.db.fetchval("SELECT id FROM guild_onboarding_questions WHERE guild_id = $1", other.id)
    browser = await _page(hearth, dashboard)
    url = f"/dashboard/{g.guild.id}/onboarding"
    cross = await browser.post(url, {"csrf": browser.csrf(), "action": "delete_question", "id": str(their_q)})
    assert cross.status_code == 400 and f"There is no question Q{their_q} on this server." in cross.text
    no_options = await browser.post(url, {"csrf": browser.csrf(), "action": "add_question", "text": "Pick?",
                                          "type": "select", "options": ""})
    assert no_options.status_code == 400 and "A select question needs options." in no_options.text
    bad_url = await browser.post(url, {"csrf": browser.csrf(), "action": "add_rule", "title": "T",
                                       "description": "D", "image": "javascript:alert(1)"})
    assert bad_url.status_code == 400 and "image must be a web address" in bad_url.text
    long_title = await browser.post(url, {"csrf": browser.csrf(), "action": "add_rule", "title": "x" * 257,
                                          "description": "D"})
    assert long_title.status_code == 400 and "The title must be 1 to 256 characters" in long_title.text
    forged = await browser.post(url, {"csrf": "forged", "action": "add_rule", "title": "T", "description": "D"})
    assert forged.status_code == 403
    assert (await browser.post(f"/dashboard/{other.id}/onboarding", {
        "csrf": browser.csrf(), "action": "delete_question", "id": str(their_q)})).status_code == 403
    bob = dashboard()
    await bob.login(g.member)
    assert (await bob.get(url)).status_code == 403
    assert await hearth.db.fetchval("SELECT count(*) FROM guild_rules") == 0
    assert await hearth.db.fetchval("SELECT count(*) FROM guild_onboarding_questions WHERE guild_id = $1",
                                    g.guild.id) == 0
    assert await hearth.db.fetchval("SELECT question FROM guild_onboarding_questions WHERE id = $1", their_q) == \
        "Theirs?"
