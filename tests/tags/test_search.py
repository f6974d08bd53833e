"""Finding tags: autocomplete by fuzzy match on names and aliases (only the tags one may change are offered for
changing), /tag search by name or text, and the public TagsApi that tickets and /ask use."""

from __future__ import annotations

from cogs.tags.api import Tag, TagsApi
from tests.kit.tags import TagDesk

TAGS = [("python", "Python docs: https://docs.python.org"), ("pip install", "Use a virtual environment first."),
        ("rules", "Be kind; no spam."), ("voice chat", "Check your microphone and the push-to-talk key.")]


async def _seed(tags: TagDesk) -> None:
    for name, content in TAGS:
        await tags.create(name, content, user=tags.g.admin)
    await tags.run("alias", tags.g.admin, alias="py", tag="python")


async def _choices(tags: TagDesk, command: str, typed: str, user=None, option: str = "name") -> list[tuple[str, str]]:
    found = await tags.d.autocomplete(f"tag {command}", option, user=user or tags.member, guild=tags.server,
                                      partial=typed)
    return [(c["name"], c["value"]) for c in found]


async def test_autocomplete_forgives_typos_and_offers_aliases(tags: TagDesk) -> None:
    await _seed(tags)
    assert (await _choices(tags, "get", "pyth"))[0] == ("python", "python")
    assert ("python", "python") in await _choices(tags, "get", "pyhton")  # a typo
    assert await _choices(tags, "get", "RUELS") == [("rules", "rules")]
    assert ("py → python", "py") in await _choices(tags, "get", "py")
    assert ("voice chat", "voice chat") in await _choices(tags, "get", "voise")
    assert await _choices(tags, "get", "zzzz") == []
    everything = await _choices(tags, "get", "")
    assert {value for _, value in everything} == {"python", "py", "pip install", "rules", "voice chat"}


async def test_autocomplete_for_changes_offers_only_ones_own_tags(tags: TagDesk) -> None:
    await _seed(tags)
    await tags.create("bobs notes", "mine")
    assert [v for _, v in await _choices(tags, "edit", "")] == ["bobs notes"]
    assert [v for _, v in await _choices(tags, "delete", "notes")] == ["bobs notes"]
    assert [v for _, v in await _choices(tags, "alias", "", option="tag")] == ["bobs notes"]
    staff = {v for _, v in await _choices(tags, "edit", "", user=tags.g.moderator)}
    assert staff == {"python", "py", "pip install", "rules", "voice chat", "bobs notes"}


async def test_search_finds_by_name_or_text(tags: TagDesk) -> None:
    await _seed(tags)
    by_text = await tags.run("search", query="microphone")
    assert by_text.ephemeral and by_text.embeds[0]["description"].startswith("**voice chat**")
    by_name = await tags.run("search", query="pyton")
    assert by_name.embeds[0]["description"].startswith("**python**")
    nothing = await tags.run("search", query="refund")
    assert nothing.text == "No tag matches **refund**."


async def test_the_api_searches_and_gets_within_one_guild(tags: TagDesk) -> None:
    await _seed(tags)
    api = tags.hearth.bot.apis.get(TagsApi)
    assert api is not None
    hits = await api.search(tags.server.id, "virtual environment", 3)
    assert [hit.tag.name for hit in hits] == ["pip install"] and hits[0].score > 0
    typo = await api.search(tags.server.id, "pyton", 5)
    assert typo[0].tag.name == "python"
    tag = await api.get(tags.server.id, "PY")
    assert isinstance(tag, Tag) and (tag.name, tag.matched, tag.content_set_by) == ("python", "py", tags.g.admin.id)
    assert await api.get(tags.server.id + 1, "python") is None
    assert await api.search(tags.server.id + 1, "python", 5) == []
    assert await api.search(tags.server.id, "   ", 5) == []
    api.count_use(tags.server.id, tag.id)
    await tags.cog.uses.flush(tags.cog.pool)
    assert (await api.get(tags.server.id, "python")).uses == 1


async def test_the_api_is_withdrawn_with_the_cog(tags: TagDesk) -> None:
    await tags.hearth.bot.unload_extension("cogs.tags")
    assert tags.hearth.bot.apis.get(TagsApi) is None
    await tags.hearth.bot.load_extension("cogs.tags")
    assert tags.hearth.bot.apis.get(TagsApi) is not None
