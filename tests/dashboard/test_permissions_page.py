"""The command permission rules page: the server's rules and cooldowns in words with names (escaped), forms that
add and remove rules and set and lift cooldowns through `CommandRules`, the command name validated as
`/config permissions` validates it, CSRF on every form."""

from __future__ import annotations

from tests.hearth_harness import Hearth
from tests.kit.tags import TagDesk

REFUSED = "This server's rules don't let you use this command here."


async def _rules(hearth: Hearth, dashboard):
    browser = dashboard()
    await browser.login(hearth.guild.admin)
    page = await browser.get(f"/dashboard/{hearth.guild.guild.id}/permissions")
    assert page.status_code == 200
    return browser


async def test_a_deny_rule_added_on_the_web_refuses_the_command_and_can_be_removed(hearth: Hearth,
                                                                                dashboard) -> None:
    g = hearth.guild
    tags = TagDesk(hearth)
    await tags.create("rules", "Be kind.")
    muted = g.guild.add_role("<script>Muted</script>")
    mo = g.guild.add_member("mo", roles=[muted])
    await hearth.discord.settle()
    browser = await _rules(hearth, dashboard)
    url = f"/dashboard/{g.guild.id}/permissions"
    assert "No rules" in browser.last_page and f'<option value="role:{muted.id}">' in browser.last_page
    added = await browser.post(url, {"csrf": browser.csrf(), "action": "added", "command": "/Tag",
                                     "allow": "deny", "target": f"role:{muted.id}"})
    assert added.status_code == 303 and added.headers["location"] == f"{url}?done=added"
    refused = await tags.post("rules", mo)
    assert refused.ephemeral and refused.text.startswith(REFUSED)
    await tags.post("rules", tags.member)  # no rule for them
    assert len(tags.posts()) == 1
    row = await hearth.db.fetchrow("SELECT command, target_type, target_id, allow, created_by FROM command_rules")
    assert tuple(row) == ("tag", "role", muted.id, False, g.admin.id)
    page = await browser.get(f"{url}?done=added")
    assert "Rule saved." in page.text
    assert "deny /tag for @&lt;script&gt;Muted&lt;/script&gt;" in page.text
    assert f"&lt;@&amp;{muted.id}&gt;" not in page.text and "<script>" not in page.text
    removed = await browser.post(url, {"csrf": browser.csrf(), "action": "removed", "command": "tag",
                                       "target_type": "role", "target_id": str(muted.id)})
    assert removed.status_code == 303
    await tags.post("rules", mo)
    assert len(tags.posts()) == 2
    assert await hearth.db.fetchval("SELECT count(*) FROM command_rules") == 0


async def test_a_member_rule_shows_their_name_and_a_cooldown_is_set_and_lifted(hearth: Hearth, dashboard) -> None:
    g = hearth.guild
    browser = await _rules(hearth, dashboard)
    url = f"/dashboard/{g.guild.id}/permissions"
    await browser.post(url, {"csrf": browser.csrf(), "action": "added", "command": "tag get", "allow": "allow",
                             "target": "server", "member": str(g.member.id)})
    await browser.post(url, {"csrf": browser.csrf(), "action": "cooldown", "command": "tag get", "uses": "2",
                             "per": "30s"})
    assert await hearth.db.fetchrow("SELECT uses, per_seconds FROM command_cooldowns") == (2, 30)
    page = await browser.get(url)
    assert f"allow /tag get for @{hearth.bot.get_guild(g.guild.id).get_member(g.member.id).display_name}" in page.text
    assert "/tag get: at most 2 per 30s per member" in page.text
    lifted = await browser.post(url, {"csrf": browser.csrf(), "action": "uncooldown", "command": "tag get"})
    assert lifted.status_code == 303
    assert await hearth.db.fetchval("SELECT count(*) FROM command_cooldowns") == 0
    bad = await browser.post(url, {"csrf": browser.csrf(), "action": "cooldown", "command": "tag get", "uses": "2",
                                   "per": "3 weeks"})
    assert bad.status_code == 400 and "Nothing was changed." in bad.text
    assert await hearth.db.fetchval("SELECT count(*) FROM command_cooldowns") == 0


async def test_a_bad_command_name_or_config_is_refused_with_a_message(hearth: Hearth, dashboard) -> None:
    g = hearth.guild
    browser = await _rules(hearth, dashboard)
    url = f"/dashboard/{g.guild.id}/permissions"
    bad = await browser.post(url, {"csrf": browser.csrf(), "action": "added", "command": "<b>nosuch</b>",
                                   "allow": "deny", "target": "server"})
    assert bad.status_code == 400 and 'role="alert"' in bad.text
    assert "There is no command /&lt;b&gt;nosuch&lt;/b&gt; here." in bad.text and "Nothing was changed." in bad.text
    config = await browser.post(url, {"csrf": browser.csrf(), "action": "added", "command": "config set",
                                      "allow": "deny", "target": "server"})
    assert config.status_code == 400 and "/config is never restricted by rules" in config.text
    two = await browser.post(url, {"csrf": browser.csrf(), "action": "added", "command": "tag", "allow": "deny",
                                   "target": f"channel:{g.general.id}", "member": str(g.member.id)})
    assert two.status_code == 400 and "Give one target per rule" in two.text
    assert await hearth.db.fetchval("SELECT count(*) FROM command_rules") == 0


async def test_forms_without_the_csrf_token_or_for_another_guild_change_nothing(hearth: Hearth, dashboard) -> None:
    g = hearth.guild
    browser = await _rules(hearth, dashboard)
    form = {"action": "added", "command": "tag", "allow": "deny", "target": "server"}
    for token in (None, "", "forged"):
        data = form if token is None else {**form, "csrf": token}
        refused = await browser.post(f"/dashboard/{g.guild.id}/permissions", data)
        assert refused.status_code == 403 and "Nothing was changed" in refused.text
    other = await browser.post("/dashboard/999/permissions", {**form, "csrf": browser.csrf()})
    assert other.status_code == 403
    assert await hearth.db.fetchval("SELECT count(*) FROM command_rules") == 0
