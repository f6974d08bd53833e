"""Posting a tag pings only what both its last author and the member posting it may ping in that channel
(utils/mentions.py): hostile texts ping nobody they could not ping themselves; info, search and list ping nobody."""

from __future__ import annotations

from tests.kit.tags import TagDesk

HOSTILE = "@everyone @here free nitro <@&{role}> <@{user}>"


async def quiet_general(tags: TagDesk) -> None:
    """As on most servers: members (the admin too) may not mention everyone in #general; the owner may, the bot
    itself may (so only the bot's allowed_mentions stand between a text and a mass ping)."""
    guild = tags.server
    guild.set_overwrite(tags.g.general, "everyone", deny=["mention_everyone"])
    guild.set_overwrite(tags.g.general, guild.bot_role, allow=["mention_everyone"])
    await tags.d.settle()


async def test_a_members_hostile_tag_pings_nobody_en_masse_even_when_the_owner_posts_it(tags: TagDesk) -> None:
    g = tags.g
    await quiet_general(tags)
    g.moderator_role.mentionable = False
    text = HOSTILE.format(role=g.moderator_role.id, user=g.admin.id)
    made = await tags.create("nitro", text)
    assert "@everyone, @here" in made.text and "will not ping" in made.text  # the member was told
    await tags.post("nitro", user=g.owner)
    [post] = tags.posts()
    assert post.content == text
    assert post.pings.everyone is False and post.pings.roles == []
    assert post.pings.users == [g.admin.id]  # a user, as the member could ping themselves


async def test_an_owners_text_pings_for_the_owner_but_never_for_a_member(tags: TagDesk) -> None:
    g = tags.g
    await quiet_general(tags)
    await tags.create("party", "@everyone party time", user=g.owner)
    await tags.post("party", user=g.owner)
    await tags.post("party", user=tags.member)
    by_owner, by_member = tags.posts()
    assert by_owner.pings.everyone is True
    assert by_member.pings.everyone is False


async def test_the_last_author_decides_not_the_owner(tags: TagDesk) -> None:
    """The owner's tag, edited by a moderator who may not mention everyone here: it no longer pings everyone,
    even when the owner posts it."""
    g = tags.g
    await quiet_general(tags)
    await tags.create("party", "@everyone party time", user=g.owner)
    await tags.run("edit", g.moderator, name="party", content="@everyone party now")
    await tags.post("party", user=g.owner)
    [post] = tags.posts()
    assert post.content == "@everyone party now" and post.pings.everyone is False


async def test_an_erased_or_departed_author_pings_the_least(tags: TagDesk) -> None:
    g = tags.g
    await quiet_general(tags)
    await tags.create("party", "@everyone party time", user=g.owner)
    await tags.db.execute("UPDATE tags SET content_set_by = NULL")  # as after a GDPR erasure
    await tags.post("party", user=g.owner)
    assert tags.posts()[-1].pings.everyone is False


async def test_private_answers_ping_nobody(tags: TagDesk) -> None:
    g = tags.g
    text = HOSTILE.format(role=g.moderator_role.id, user=g.admin.id)
    await tags.create("nitro", text, user=g.owner)
    for command, options in (("info", {"name": "nitro"}), ("search", {"query": "nitro"}), ("list", {})):
        result = await tags.run(command, tags.member, **options)
        assert result.ephemeral
        sent = [r.json for r in tags.d.requests("POST") if r.json and r.json.get("type") == 4][-1]
        assert sent["data"]["allowed_mentions"] == {"parse": []}, (command, sent["data"].get("allowed_mentions"))
