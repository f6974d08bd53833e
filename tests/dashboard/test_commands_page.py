"""The custom commands page: add, edit and delete through `CustomCommandsApi` (the code of `/config
custom_commands`), the member becoming the response's author (so it pings only what they may), what will not ping
said at once, CSRF on every form, and refusals (no Manage Server, another guild, bad input) that change nothing."""

from __future__ import annotations

from tests.hearth_harness import Hearth
from utils.errors import BadInput

EVERYONE_DEFAULT = ["view_channel", "send_messages", "read_message_history", "add_reactions"]


async def _page(hearth: Hearth, dashboard, person=None):
    browser = dashboard()
    await browser.login(person or hearth.guild.admin)
    page = await browser.get(f"/dashboard/{hearth.guild.guild.id}/commands")
    assert page.status_code == 200, page.text
    return browser


def _add(browser, **fields) -> dict:
    return {"csrf": browser.csrf(), "action": "add", "name": "rules", "trigger_type": "exact", "trigger": "!rules",
            "response": "Read the rules", "reply_to_user": "on", **fields}


async def _show(hearth: Hearth, name: str):
    return await hearth.discord.slash("config custom_commands show", user=hearth.guild.admin, name=name)


def _bot_posts(hearth: Hearth):
    return [m for m in hearth.discord.messages_in(hearth.guild.general) if m.author.id == hearth.bot.user.id]


async def test_a_command_added_on_the_web_answers_and_the_slash_command_shows_it(hearth: Hearth, dashboard) -> None:
    g, d = hearth.guild, hearth.discord
    # Nobody but the owner may mention everyone on this server (not the admin who writes the response).
    g.guild.set_role_permissions(g.guild.everyone, EVERYONE_DEFAULT)
    await d.settle()
    browser = await _page(hearth, dashboard)
    assert "No custom commands yet." in browser.last_page
    url = f"/dashboard/{g.guild.id}/commands"
    added = await browser.post(url, _add(browser, response="@everyone <b>read</b> the rules, {user}"))
    assert added.status_code == 200, added.text
    assert "Custom command rules added." in added.text
    assert "@everyone will not ping" in added.text
    assert "<b>read</b>" not in added.text and "&lt;b&gt;read&lt;/b&gt;" in added.text
    row = await hearth.db.fetchrow("SELECT name, trigger_type, trigger_value, response, created_by, response_set_by, "
                                   "reply_to_user, delete_trigger FROM custom_commands WHERE guild_id = $1", g.guild.id)
    assert tuple(row) == ("rules", "exact", "!rules", "@everyone <b>read</b> the rules, {user}", g.admin.id,
                          g.admin.id, True, False)
    shown = await _show(hearth, "rules")
    assert shown.embeds[0]["fields"][-1]["value"] == "@everyone <b>read</b> the rules, {user}"
    await d.say(g.general, g.member, "!rules")
    [post] = _bot_posts(hearth)
    assert post.content.startswith("@everyone <b>read</b> the rules, ") and post.pings.everyone is False


async def test_an_edit_keeps_the_author_unless_the_response_changes_and_a_delete_removes(hearth: Hearth,
                                                                                         dashboard) -> None:
    g, d = hearth.guild, hearth.discord
    await d.slash("config custom_commands add", user=g.admin, name="party", trigger_type="exact", trigger="!party",
                  response="Party!")
    owner = await _page(hearth, dashboard, g.owner)
    url = f"/dashboard/{g.guild.id}/commands"
    edit = {"csrf": owner.csrf(), "action": "edit", "name": "party", "trigger_type": "starts_with",
            "trigger": "!party", "response": "Party!", "enabled": "on"}
    saved = await owner.post(url, edit)
    assert saved.status_code == 200 and "Custom command party updated." in saved.text
    row = await hearth.db.fetchrow("SELECT trigger_type, response_set_by, reply_to_user, enabled FROM custom_commands")
    assert tuple(row) == ("starts_with", g.admin.id, False, True)  # the response is unchanged: its author too
    await owner.post(url, {**edit, "response": "Party at {args}!"})
    assert await hearth.db.fetchval("SELECT response_set_by FROM custom_commands") == g.owner.id
    assert (await _show(hearth, "party")).embeds[0]["fields"][-1]["value"] == "Party at {args}!"
    await d.say(g.general, g.member, "!party nine")
    assert [m.content for m in _bot_posts(hearth)] == ["Party at nine!"]
    gone = await owner.post(url, {"csrf": owner.csrf(), "action": "remove", "name": "party"})
    assert gone.status_code == 200 and "Custom command party deleted." in gone.text
    assert await hearth.db.fetchval("SELECT count(*) FROM custom_commands") == 0
    with d.expect_errors(BadInput):
        refused = await _show(hearth, "party")
    assert "There is no custom command `party`" in refused.text


async def test_bad_input_answers_the_page_with_the_problem_and_changes_nothing(hearth: Hearth, dashboard) -> None:
    g = hearth.guild
    browser = await _page(hearth, dashboard)
    url = f"/dashboard/{g.guild.id}/commands"
    bad_name = await browser.post(url, _add(browser, name="Bad Name!"))
    assert bad_name.status_code == 400 and 'role="alert"' in bad_name.text
    assert "A name is 1–32 lower-case letters, digits, - or _." in bad_name.text
    assert "Nothing was changed." in bad_name.text and 'value="!rules"' in bad_name.text  # what was typed stays
    bad_template = await browser.post(url, _add(browser, response="Hi {user.email}"))
    assert bad_template.status_code == 400 and "Unknown variable {user.email}" in bad_template.text
    bad_regex = await browser.post(url, _add(browser, trigger_type="regex", trigger="(unclosed"))
    assert bad_regex.status_code == 400
    missing = await browser.post(url, {"csrf": browser.csrf(), "action": "edit", "name": "nosuch",
                                       "trigger_type": "exact", "trigger": "x", "response": "y"})
    assert missing.status_code == 400 and "There is no custom command nosuch" in missing.text
    assert await hearth.db.fetchval("SELECT count(*) FROM custom_commands") == 0


async def test_no_manage_server_forged_csrf_and_another_guild_are_refused(hearth: Hearth, dashboard) -> None:
    g, d = hearth.guild, hearth.discord
    other = d.add_guild("Elsewhere")
    other.add_text_channel("general")
    theirs = other.add_member("alice-elsewhere", roles=[other.add_role("Admin", ["manage_guild"])])
    await d.settle()
    await d.slash("config custom_commands add", user=theirs, guild=other, name="secret", trigger_type="exact",
                  trigger="!secret", response="theirs")
    bob = dashboard()
    await bob.login(g.member)
    url = f"/dashboard/{g.guild.id}/commands"
    assert (await bob.get(url)).status_code == 403
    assert (await bob.post(url, {"csrf": bob.csrf(), "action": "add", "name": "x", "trigger_type": "exact",
                                 "trigger": "x", "response": "y"})).status_code == 403
    admin = await _page(hearth, dashboard)
    for token in (None, "", "forged"):
        form = _add(admin)
        if token is None:
            form.pop("csrf")
        else:
            form["csrf"] = token
        refused = await admin.post(url, form)
        assert refused.status_code == 403 and "Nothing was changed" in refused.text
    # The other guild's page is not the admin's; its command cannot be reached from this guild's page.
    assert (await admin.post(f"/dashboard/{other.id}/commands",
                             {"csrf": admin.csrf(), "action": "remove", "name": "secret"})).status_code == 403
    cross = await admin.post(url, {"csrf": admin.csrf(), "action": "remove", "name": "secret"})
    assert cross.status_code == 400 and "There is no custom command secret on this server" in cross.text
    assert await hearth.db.fetchval("SELECT count(*) FROM custom_commands WHERE guild_id = $1", g.guild.id) == 0
    assert await hearth.db.fetchval("SELECT response FROM custom_commands WHERE guild_id = $1", other.id) == "theirs"
