"""The tags page: create, edit, alias and delete through `TagsApi` (the code of `/tag`), content escaped, search,
the member becoming the text's author (so it pings only what they may), CSRF on every form, and refusals (no Manage
Server, another guild's tag, bad names) that change nothing."""

from __future__ import annotations

from cogs.tags.api import TagsApi
from tests.hearth_harness import Hearth
from tests.kit.tags import TagDesk
from utils.errors import BadInput

EVERYONE_DEFAULT = ["view_channel", "send_messages", "read_message_history", "add_reactions"]


async def _page(hearth: Hearth, dashboard, person=None):
    browser = dashboard()
    await browser.login(person or hearth.guild.admin)
    page = await browser.get(f"/dashboard/{hearth.guild.guild.id}/tags")
    assert page.status_code == 200, page.text
    return browser


async def test_a_tag_created_on_the_web_is_posted_by_tag_get_and_escaped_on_the_page(hearth: Hearth,
                                                                                      dashboard) -> None:
    g, d = hearth.guild, hearth.discord
    g.guild.set_role_permissions(g.guild.everyone, EVERYONE_DEFAULT)  # only the owner may mention everyone
    await d.settle()
    tags = TagDesk(hearth)
    browser = await _page(hearth, dashboard)
    assert "No tags yet." in browser.last_page
    url = f"/dashboard/{g.guild.id}/tags"
    text = "@everyone <script>alert(1)</script> read #rules"
    made = await browser.post(url, {"csrf": browser.csrf(), "action": "create", "name": "rules", "content": text})
    assert made.status_code == 200, made.text
    assert "Tag rules created." in made.text and "@everyone will not ping" in made.text
    assert "<script>" not in made.text and "&lt;script&gt;alert(1)&lt;/script&gt;" in made.text
    row = await hearth.db.fetchrow("SELECT content, owned_by, created_by, content_set_by FROM tags")
    assert tuple(row) == (text, g.admin.id, g.admin.id, g.admin.id)
    posted = await tags.post("rules")
    assert posted.message.content == text and posted.message.pings.everyone is False


async def test_edit_alias_and_delete_on_the_web_as_slash_commands_see_them(hearth: Hearth, dashboard) -> None:
    g, d = hearth.guild, hearth.discord
    tags = TagDesk(hearth)
    await tags.create("faq", "Old answer")  # owned by bob, a member: the admin edits it as staff
    browser = await _page(hearth, dashboard)
    url = f"/dashboard/{g.guild.id}/tags"
    assert "Old answer" in browser.last_page and "@bob" in browser.last_page
    edited = await browser.post(url, {"csrf": browser.csrf(), "action": "edit", "name": "faq", "content": "New answer"})
    assert edited.status_code == 200 and "Tag faq updated." in edited.text
    assert (await tags.post("faq")).message.content == "New answer"
    tag = await tags.tag("faq")
    assert (tag.owner_id, tag.content_set_by) == (g.member.id, g.admin.id)
    aliased = await browser.post(url, {"csrf": browser.csrf(), "action": "alias", "name": "faq", "alias": "support"})
    assert aliased.status_code == 200 and "support now posts the tag faq." in aliased.text
    assert (await tags.post("support")).message.content == "New answer"
    taken = await browser.post(url, {"csrf": browser.csrf(), "action": "alias", "name": "faq", "alias": "SUPPORT"})
    assert taken.status_code == 400 and "There is already a tag or alias called SUPPORT" in taken.text
    gone_alias = await browser.post(url, {"csrf": browser.csrf(), "action": "delete", "name": "support"})
    assert "Alias support deleted (the tag faq stays)." in gone_alias.text
    await browser.post(url, {"csrf": browser.csrf(), "action": "alias", "name": "faq", "alias": "support"})
    gone = await browser.post(url, {"csrf": browser.csrf(), "action": "delete", "name": "faq"})
    assert gone.status_code == 200 and "Tag faq and its alias(es) support deleted." in gone.text
    assert await tags.count() == 0
    assert await hearth.db.fetchval("SELECT count(*) FROM tag_names") == 0
    with d.expect_errors(BadInput):
        refused = await tags.post("faq")
    assert "There is no tag `faq`" in refused.text


async def test_search_shows_only_the_matching_tags(hearth: Hearth, dashboard) -> None:
    g = hearth.guild
    tags = TagDesk(hearth)
    await tags.create("verify", "Click the button in #welcome to get in.")
    await tags.create("colours", "Pick a colour role.")
    browser = await _page(hearth, dashboard)
    found = await browser.get(f"/dashboard/{g.guild.id}/tags?search=button")
    assert "Tags matching “button”" in found.text
    assert "Click the button" in found.text and "Pick a colour role." not in found.text
    none = await browser.get(f"/dashboard/{g.guild.id}/tags?search=%3Cb%3Ezzz")
    assert "No tag matches." in none.text and "&lt;b&gt;zzz" in none.text


async def test_bad_input_another_guild_no_manage_server_and_forged_forms_change_nothing(hearth: Hearth,
                                                                                       dashboard) -> None:
    g, d = hearth.guild, hearth.discord
    other = d.add_guild("Elsewhere")
    channel = other.add_text_channel("general")
    someone = other.add_member("someone")
    await d.settle()
    await d.slash("tag create", user=someone, guild=other, channel=channel, name="secret", content="theirs")
    browser = await _page(hearth, dashboard)
    url = f"/dashboard/{g.guild.id}/tags"
    bad = await browser.post(url, {"csrf": browser.csrf(), "action": "create", "name": "<b>x</b>", "content": "y"})
    assert bad.status_code == 400 and 'role="alert"' in bad.text and "no mentions, no markdown" in bad.text
    assert "Nothing was changed." in bad.text and "&lt;b&gt;x&lt;/b&gt;" in bad.text
    reserved = await browser.post(url, {"csrf": browser.csrf(), "action": "create", "name": "get rules",
                                        "content": "y"})
    assert reserved.status_code == 400 and "is a /tag subcommand" in reserved.text
    empty = await browser.post(url, {"csrf": browser.csrf(), "action": "create", "name": "ok", "content": "  "})
    assert empty.status_code == 400 and "The tag&#39;s text is empty." in empty.text
    cross = await browser.post(url, {"csrf": browser.csrf(), "action": "edit", "name": "secret", "content": "mine"})
    assert cross.status_code == 400 and "There is no tag secret on this server." in cross.text
    assert (await browser.post(f"/dashboard/{other.id}/tags", {"csrf": browser.csrf(), "action": "delete",
                                                               "name": "secret"})).status_code == 403
    for data in ({"action": "create", "name": "x", "content": "y"},
                 {"csrf": "forged", "action": "delete", "name": "secret"}):
        forged = await browser.post(url, data)
        assert forged.status_code == 403 and "Nothing was changed" in forged.text
    bob = dashboard()
    await bob.login(g.member)
    assert (await bob.get(url)).status_code == 403
    assert (await bob.post(url, {"csrf": bob.csrf(), "action": "create", "name": "x", "content": "y"})).status_code \
        == 403
    assert await hearth.db.fetchval("SELECT count(*) FROM tags WHERE guild_id = $1", g.guild.id) == 0
    assert await hearth.db.fetchval("SELECT content FROM tags WHERE guild_id = $1", other.id) == "theirs"


async def test_the_list_shows_50_tags_a_page_newest_first(hearth: Hearth, dashboard) -> None:
    g = hearth.guild
    api = hearth.bot.apis.get(TagsApi)
    admin = hearth.bot.get_guild(g.guild.id).get_member(g.admin.id)
    for number in range(52):
        await api.create(admin, f"tag {number:02d}", f"text {number}")
    browser = await _page(hearth, dashboard)
    first = browser.last_page
    assert "<strong>tag 51</strong>" in first and "<strong>tag 02</strong>" in first
    assert "<strong>tag 01</strong>" not in first and first.count('<li id="tag-') == 50
    oldest_shown = await hearth.db.fetchval("SELECT t.id FROM tags t JOIN tag_names n ON n.tag_id = t.id "
                                            "WHERE n.name = 'tag 02'")
    assert f'href="/dashboard/{g.guild.id}/tags?before={oldest_shown}">Older tags</a>' in first
    second = await browser.get(f"/dashboard/{g.guild.id}/tags?before={oldest_shown}")
    assert second.text.count('<li id="tag-') == 2 and "Older tags" not in second.text
