"""GDPR for tags, through /export_my_data and /delete_my_data: the export holds the member's tags and aliases;
the erasure keeps the server's tags but forgets the member as owner, creator, author and alias maker, so the tag
becomes claimable and its text pings only what anyone may."""

from __future__ import annotations

import json

from tests.kit.tags import TagDesk


async def _seed(tags: TagDesk) -> None:
    g = tags.g
    await tags.create("mine", "written by bob")
    await tags.create("theirs", "written by the admin", user=g.admin)
    await tags.run("edit", g.admin, name="mine", content="@everyone edited by the admin")  # staff
    await tags.run("alias", tags.member, alias="my alias", tag="mine")
    await tags.run("alias", g.admin, alias="their alias", tag="theirs")


async def test_the_export_holds_the_members_tags_and_aliases_only(tags: TagDesk) -> None:
    await _seed(tags)
    result = await tags.d.slash("export_my_data", user=tags.member, guild=tags.server)
    message = result.followups[0] if result.followups else result.message
    data = json.loads(message.attachments[0].data)["data"]["tags"]
    assert [(row["owned_by"], row["content"]) for row in data["tags"]] == [
        (tags.member.id, "@everyone edited by the admin")]
    assert "search_vector" not in data["tags"][0]
    assert sorted(row["name"] for row in data["tag_names"]) == ["mine", "my alias"]


async def test_the_erasure_keeps_the_tags_but_forgets_the_member(tags: TagDesk) -> None:
    g = tags.g
    await _seed(tags)
    prompt = await tags.d.slash("delete_my_data", user=g.admin, guild=tags.server)
    done = await tags.d.click(prompt, "Delete everything", user=g.admin)
    summary = done.followups[0].content if done.followups else done.text
    assert "in tags" in summary and "in tag_names" in summary
    rows = {r["content"]: r for r in await tags.db.fetch("SELECT * FROM tags")}
    assert set(rows) == {"@everyone edited by the admin", "written by the admin"}  # the server's tags stay
    assert tuple(rows["written by the admin"][c] for c in ("owned_by", "created_by", "content_set_by")) == (
        None, None, None)
    mine = rows["@everyone edited by the admin"]
    assert (mine["owned_by"], mine["created_by"], mine["content_set_by"]) == (tags.member.id, tags.member.id, None)
    makers = {r["name"]: r["created_by"] for r in await tags.db.fetch("SELECT name, created_by FROM tag_names")}
    assert makers == {"mine": tags.member.id, "my alias": tags.member.id, "theirs": None, "their alias": None}
    claimed = await tags.run("claim", tags.member, name="their alias")  # ownerless: claimable
    assert claimed.text == "✅ You now own the tag `theirs`."
