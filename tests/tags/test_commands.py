"""/tag create, get, edit, delete, info and list through the stand-in, with who may do what: the owner, staff
(Manage Messages, Manage Server or the staff role) and other members (refused); the member-creation setting and
the per-member limit; guild isolation."""

from __future__ import annotations

from tests.kit.tags import TagDesk
from utils.errors import BadInput, UserFacingError


async def test_a_member_creates_and_anyone_posts_it(tags: TagDesk) -> None:
    await tags.create("Rules", "Read #rules before posting.\\nBe kind.")
    row = await tags.db.fetchrow("SELECT owned_by, created_by, content_set_by, content FROM tags")
    assert tuple(row) == (tags.member.id, tags.member.id, tags.member.id, "Read #rules before posting.\nBe kind.")
    posted = await tags.post("rules", user=tags.g.moderator)  # names ignore case
    assert not posted.ephemeral
    assert [m.content for m in tags.posts()] == ["Read #rules before posting.\nBe kind."]


async def test_an_image_url_on_the_last_line_is_shown_as_the_embed_image(tags: TagDesk) -> None:
    await tags.create("cat", "Our mascot:\\nhttps://example.com/img/cat.png")
    await tags.create("dog", "https://example.com/dog.JPG?size=large")
    await tags.create("link", "See https://example.com/page for more")
    await tags.post("cat")
    await tags.post("dog")
    await tags.post("link")
    cat, dog, link = tags.posts()
    assert cat.content == "Our mascot:" and cat.embeds[0]["image"]["url"] == "https://example.com/img/cat.png"
    assert not dog.content and dog.embeds[0]["image"]["url"] == "https://example.com/dog.JPG?size=large"
    assert link.content == "See https://example.com/page for more" and not link.embeds


async def test_the_owner_edits_another_member_is_refused_staff_may(tags: TagDesk) -> None:
    g = tags.g
    await tags.create("faq", "old")
    other = tags.server.add_member("carol")
    await tags.d.settle()
    with tags.d.expect_errors(UserFacingError):
        refused = await tags.run("edit", other, name="faq", content="hijacked")
    assert refused.ephemeral and "Only the tag's owner or staff" in refused.text
    assert (await tags.tag("faq")).content == "old"
    await tags.run("edit", tags.member, name="faq", content="by the owner")
    assert (await tags.tag("faq")).content == "by the owner"
    edited = await tags.run("edit", g.moderator, name="faq", content="by a moderator")  # Manage Messages
    assert edited.text.startswith("✅")
    tag = await tags.tag("faq")
    assert (tag.content, tag.content_set_by, tag.owner_id) == ("by a moderator", g.moderator.id, tags.member.id)


async def test_the_staff_role_makes_staff(tags: TagDesk) -> None:
    helper_role = tags.server.add_role("Helper", [])
    helper = tags.server.add_member("helper", roles=[helper_role])
    await tags.d.settle()
    await tags.create("faq", "text")
    with tags.d.expect_errors(UserFacingError):
        await tags.run("delete", helper, name="faq")
    assert await tags.count() == 1
    await tags.setting("system", "staff_role", helper_role.id)
    deleted = await tags.run("delete", helper, name="faq")
    assert deleted.text.startswith("🗑️") and await tags.count() == 0


async def test_delete_by_owner_refused_for_others_and_takes_the_aliases(tags: TagDesk) -> None:
    g = tags.g
    await tags.create("install", "pip install hearth")
    await tags.run("alias", tags.member, alias="setup", tag="install")
    await tags.run("alias", tags.member, alias="how to install", tag="install")
    other = tags.server.add_member("carol")
    await tags.d.settle()
    with tags.d.expect_errors(UserFacingError):
        refused = await tags.run("delete", other, name="install")
    assert "Only the tag's owner or staff" in refused.text and await tags.count() == 1
    deleted = await tags.run("delete", tags.member, name="install")
    assert deleted.text == "🗑️ Tag `install` and its alias(es) `how to install`, `setup` deleted."
    assert await tags.db.fetchval("SELECT count(*) FROM tag_names") == 0
    with tags.d.expect_errors(BadInput):
        gone = await tags.post("setup", user=g.moderator)
    assert "There is no tag `setup`" in gone.text and tags.posts() == []


async def test_info_shows_owner_aliases_and_uses(tags: TagDesk) -> None:
    await tags.create("rules", "Be kind.")
    await tags.run("alias", tags.member, alias="r", tag="rules")
    for _ in range(2):
        await tags.post("r")
    info = await tags.run("info", tags.g.admin, name="R")
    embed = info.embeds[0]
    fields = {f["name"]: f["value"] for f in embed["fields"]}
    assert embed["title"] == "🏷️ rules" and "`r` is an alias of `rules`" in embed["description"]
    assert fields["Owner"] == tags.member.mention and fields["Uses"] == "2" and fields["Aliases"] == "`r`"
    assert info.ephemeral


async def test_list_all_or_one_members_tags(tags: TagDesk) -> None:
    g = tags.g
    await tags.create("alpha", "a")
    await tags.create("beta", "b", user=g.admin)
    await tags.post("alpha")
    everything = await tags.run("list")
    assert "`alpha` · 1 use(s)" in everything.text and "`beta` · 0 use(s)" in everything.text
    mine = await tags.run("list", member=g.admin)
    assert "beta" in mine.text and "alpha" not in mine.text


async def test_members_may_not_create_when_the_setting_is_off(tags: TagDesk) -> None:
    g = tags.g
    await tags.create("mine", "kept")
    await tags.setting("tags", "members_can_create", False)
    with tags.d.expect_errors(UserFacingError):
        refused = await tags.run("create", name="new", content="x")
    assert refused.ephemeral and "`tags.members_can_create` is off" in refused.text
    await tags.create("staff tag", "by a moderator", user=g.moderator)
    edited = await tags.run("edit", name="mine", content="owners keep their tags")
    assert edited.text.startswith("✅")
    assert {r["content"] for r in await tags.db.fetch("SELECT content FROM tags")} == {
        "owners keep their tags", "by a moderator"}


async def test_max_tags_per_member_and_staff_have_no_limit(tags: TagDesk) -> None:
    await tags.setting("tags", "max_per_member", 2)
    await tags.create("one", "1")
    await tags.create("two", "2")
    with tags.d.expect_errors(UserFacingError):
        refused = await tags.run("create", name="three", content="3")
    assert "You already own 2 tag(s); the limit on this server is 2" in refused.text
    for n in range(3):
        await tags.create(f"staff {n}", "s", user=tags.g.moderator)
    assert await tags.count() == 5


async def test_guilds_are_isolated(tags: TagDesk) -> None:
    d = tags.d
    other = d.add_guild("Other")
    channel = other.add_text_channel("general")
    boss = other.add_member("boss", permissions=["manage_guild"])
    await d.settle()
    made = await d.slash("tag create", user=boss, guild=other, channel=channel, name="theirs", content="theirs")
    assert made.text.startswith("✅")
    await tags.create("Theirs", "ours: the same name in another server is free")
    with d.expect_errors(BadInput):
        await d.slash("tag get", user=boss, guild=other, channel=channel, name="nope")
    posted = await d.slash("tag get", user=boss, guild=other, channel=channel, name="THEIRS")
    assert posted.message.content == "theirs"
    await tags.post("theirs")
    assert [m.content for m in tags.posts()] == ["ours: the same name in another server is free"]
    await tags.run("delete", tags.g.admin, name="theirs")  # staff here: deletes this server's tag only
    rows = await tags.db.fetch("SELECT guild_id, content FROM tags")
    assert [(r["guild_id"], r["content"]) for r in rows] == [(other.id, "theirs")]
    listing = await tags.run("list")
    assert "theirs" not in listing.text.lower()


async def test_without_content_a_form_takes_several_lines(tags: TagDesk) -> None:
    opened = await tags.run("create", name="steps")
    assert opened.response_type == 9 and opened.modal["title"] == "New tag: steps"
    done = await tags.d.submit_modal(opened, {"text": "1. Join\n2. Verify\n3. Chat"}, user=tags.member)
    assert done.ephemeral and done.text.startswith("✅ Tag `steps` created.")
    assert (await tags.tag("steps")).content == "1. Join\n2. Verify\n3. Chat"
    editing = await tags.run("edit", name="steps")
    assert _text_input(editing.modal)["value"] == "1. Join\n2. Verify\n3. Chat"  # prefilled with the current text
    await tags.d.submit_modal(editing, {"text": "1. Join\n2. Chat"}, user=tags.member)
    assert (await tags.tag("steps")).content == "1. Join\n2. Chat"


async def test_the_form_checks_the_rules_again_on_submit(tags: TagDesk) -> None:
    await tags.setting("tags", "max_per_member", 1)
    first = await tags.run("create", name="one")
    second = await tags.run("create", name="two")  # both forms opened while the member had room
    await tags.d.submit_modal(first, {"text": "1"}, user=tags.member)
    refused = await tags.d.submit_modal(second, {"text": "2"}, user=tags.member)  # answered by the form itself
    assert refused.ephemeral and "the limit on this server is 1" in refused.text and await tags.count() == 1


def _text_input(modal: dict) -> dict:
    for row in modal["components"]:
        for component in row.get("components", [row.get("component")]):
            if component and component.get("custom_id") == "text":
                return component
    raise AssertionError(f"no text input in {modal}")
