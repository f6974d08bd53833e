"""Owners: /tag transfer (the owner or staff, to a member with room), /tag claim (only when the owner left the
server or was erased; the member-creation setting and the limit apply)."""

from __future__ import annotations

from tests.kit.tags import TagDesk
from utils.errors import BadInput, UserFacingError


async def _owner(tags: TagDesk, name: str) -> int | None:
    return (await tags.tag(name)).owner_id


async def test_the_owner_transfers_then_the_new_owner_edits(tags: TagDesk) -> None:
    g = tags.g
    carol = tags.server.add_member("carol")
    await tags.d.settle()
    await tags.create("guide", "v1")
    moved = await tags.run("transfer", tags.member, name="guide", member=carol)
    assert moved.text == f"✅ {carol.mention} now owns the tag `guide`."
    assert await _owner(tags, "guide") == carol.id
    with tags.d.expect_errors(UserFacingError):
        await tags.run("edit", tags.member, name="guide", content="not mine anymore")
    await tags.run("edit", carol, name="guide", content="v2")
    assert (await tags.tag("guide")).content == "v2"
    await tags.run("transfer", g.moderator, name="guide", member=tags.member)  # staff may move any tag
    assert await _owner(tags, "guide") == tags.member.id


async def test_transfer_refusals(tags: TagDesk) -> None:
    g = tags.g
    carol = tags.server.add_member("carol")
    bot_user = tags.server.add_member("helperbot", bot=True)
    await tags.d.settle()
    await tags.create("guide", "v1")
    await tags.create("carols", "c", user=carol)
    await tags.setting("tags", "max_per_member", 1)
    cases = [(carol, {"name": "guide", "member": g.admin}, UserFacingError, "Only the tag's owner or staff"),
             (tags.member, {"name": "guide", "member": bot_user}, BadInput, "A bot cannot own a tag"),
             (tags.member, {"name": "guide", "member": tags.member}, BadInput, "already owns `guide`"),
             (tags.member, {"name": "guide", "member": carol}, UserFacingError,
              f"{carol.mention} already owns 1 tag(s); the limit on this server is 1")]
    for user, options, error, message in cases:
        with tags.d.expect_errors(error):
            result = await tags.run("transfer", user, **options)
        assert result.ephemeral and message in result.text, result.text
    assert await _owner(tags, "guide") == tags.member.id


async def test_a_tag_is_claimed_only_once_its_owner_left(tags: TagDesk) -> None:
    g = tags.g
    carol = tags.server.add_member("carol")
    await tags.d.settle()
    await tags.create("guide", "v1", user=carol)
    with tags.d.expect_errors(UserFacingError):
        early = await tags.run("claim", tags.member, name="guide")
    assert f"owned by {carol.mention}, who is still on the server" in early.text
    await tags.d.member_leave(tags.server, carol)
    info = await tags.run("info", tags.member, name="guide")
    assert {f["name"]: f["value"] for f in info.embeds[0]["fields"]}["Owner"] == carol.mention
    claimed = await tags.run("claim", tags.member, name="guide")
    assert claimed.text == "✅ You now own the tag `guide`."
    assert await _owner(tags, "guide") == tags.member.id
    with tags.d.expect_errors(UserFacingError):
        again = await tags.run("claim", g.admin, name="guide")
    assert "still on the server" in again.text


async def test_claiming_an_erased_owners_tag_follows_the_creation_rules(tags: TagDesk) -> None:
    await tags.create("guide", "v1", user=tags.g.admin)
    await tags.db.execute("UPDATE tags SET owned_by = NULL")  # as after the owner's GDPR erasure
    await tags.setting("tags", "members_can_create", False)
    with tags.d.expect_errors(UserFacingError):
        refused = await tags.run("claim", tags.member, name="guide")
    assert "only staff" in refused.text and "claim tags" in refused.text
    await tags.run("claim", tags.g.moderator, name="guide")
    assert await _owner(tags, "guide") == tags.g.moderator.id
