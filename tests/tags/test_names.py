"""Names and aliases: case-insensitive and unique per server across tags and aliases, an alias points to a tag,
and bad input (names, reserved words, empty or long texts, duplicates) gets a clear private answer."""

from __future__ import annotations

import pytest

from cogs.tags.names import clean_content, clean_name
from tests.kit.tags import TagDesk
from utils.errors import BadInput, UserFacingError


def test_names_are_checked() -> None:
    assert clean_name("  How   to   verify ") == "How to verify"
    for fine in ("C++", "what's new?", "déjà vu", "v2.0"):
        assert clean_name(fine) == fine
    for bad, reason in [("", "is empty"), ("x" * 51, "the limit is 50"), ("@everyone", "letters and digits"),
                        ("<@123>", "letters and digits"), ("`code`", "letters and digits"), ("**bold**", "letters"),
                        ("-dash", "letters"), ("create", "is a /tag subcommand"), ("list of things", "subcommand")]:
        with pytest.raises(BadInput, match=reason):
            clean_name(bad)
    assert clean_content("a\\nb") == "a\nb"
    with pytest.raises(BadInput, match="empty"):
        clean_content("   ")
    with pytest.raises(BadInput, match="the limit is 2000"):
        clean_content("x" * 2001)


async def test_bad_input_is_refused_privately_and_stores_nothing(tags: TagDesk) -> None:
    cases = [({"name": "edit", "content": "x"}, "`edit` is a /tag subcommand"),
             ({"name": "a" * 60, "content": "x"}, "the limit is 50"),
             ({"name": "<@&1>", "content": "x"}, "no mentions, no markdown"),
             ({"name": "ok", "content": "y" * 2001}, "2001 characters long; the limit is 2000"),
             ({"name": "ok", "content": "   "}, "The tag's text is empty")]
    for options, message in cases:
        with tags.d.expect_errors(BadInput):
            result = await tags.run("create", **options)
        assert result.ephemeral and message in result.text, result.text
    assert await tags.count() == 0


async def test_names_are_unique_across_tags_and_aliases_ignoring_case(tags: TagDesk) -> None:
    await tags.create("Rules", "Be kind.")
    await tags.create("faq", "See /faq.", user=tags.g.admin)
    with tags.d.expect_errors(BadInput):
        taken = await tags.run("create", name="RULES", content="again")
    assert "There is already a tag or alias called `RULES`" in taken.text
    await tags.run("alias", tags.member, alias="the rules", tag="rules")
    with tags.d.expect_errors(BadInput):
        clash = await tags.run("create", tags.g.admin, name="The Rules", content="x")
    assert "already a tag or alias" in clash.text
    with tags.d.expect_errors(BadInput):
        clash = await tags.run("alias", tags.g.admin, alias="FAQ", tag="faq")
    assert "already a tag or alias called `FAQ`" in clash.text
    assert await tags.count() == 2
    assert await tags.db.fetchval("SELECT count(*) FROM tag_names") == 3


async def test_an_alias_posts_its_tag_and_follows_edits(tags: TagDesk) -> None:
    await tags.create("install", "v1")
    made = await tags.run("alias", tags.member, alias="setup", tag="INSTALL")
    assert made.text == "✅ `setup` now posts the tag `install`."
    await tags.run("alias", tags.member, alias="getting started", tag="setup")  # an alias of an alias: the tag
    await tags.run("edit", name="getting started", content="v2")
    await tags.post("Setup")
    await tags.post("getting started")
    assert [m.content for m in tags.posts()] == ["v2", "v2"]
    targets = {r["name"]: r["tag_id"] for r in await tags.db.fetch("SELECT name, tag_id FROM tag_names")}
    assert len(set(targets.values())) == 1


async def test_aliasing_someone_elses_tag_is_refused_and_deleting_an_alias_keeps_the_tag(tags: TagDesk) -> None:
    g = tags.g
    await tags.create("rules", "Be kind.", user=g.admin)
    with tags.d.expect_errors(UserFacingError):
        refused = await tags.run("alias", tags.member, alias="r", tag="rules")
    assert "Only the tag's owner or staff" in refused.text
    await tags.run("alias", g.moderator, alias="r", tag="rules")  # staff may
    with tags.d.expect_errors(UserFacingError):
        refused = await tags.run("delete", tags.member, name="r")
    assert "delete the alias `r`" in refused.text
    deleted = await tags.run("delete", g.moderator, name="r")
    assert deleted.text == "🗑️ Alias `r` deleted (the tag `rules` stays)."
    assert await tags.count() == 1 and await tags.db.fetchval("SELECT count(*) FROM tag_names") == 1


async def test_an_unknown_name_suggests_close_ones(tags: TagDesk) -> None:
    await tags.create("python", "Python docs: https://docs.python.org")
    with tags.d.expect_errors(BadInput):
        missing = await tags.post("pyton")
    assert missing.ephemeral and "There is no tag `pyton` on this server. Did you mean `python`?" in missing.text
