"""Reaction roles on existing messages (for communities moving from another bot): on a message the bot never
cached, the three modes, custom emojis, listing and removing, role safety at grant, deleted messages, bad input,
and reactions elsewhere costing no database round trip."""

from __future__ import annotations

from tests.kit.roles import RolesDesk
from tests.standin.models import Message


def link(message: Message) -> str:
    return f"https://discord.com/channels/{message.guild_id}/{message.channel_id}/{message.id}"


async def test_reaction_role_on_an_uncached_message(desk: RolesDesk) -> None:
    post = await desk.d.say(desk.channel, desk.owner, "React with 🎮 if you play!")
    bot = await desk.hearth.restart()  # the message was posted before this bot started
    assert bot._connection._get_message(post.id) is None
    added = await desk.roles("reaction add", message=link(post), emoji="🎮", role=desk.gamer)
    assert added.ephemeral
    assert added.text == f"✅ Reacting with 🎮 on {link(post)} now gives <@&{desk.gamer.id}> (normal)."
    assert post.reactions["🎮"] == [desk.d.world.bot_user.id]  # the bot shows the emoji to click
    bot = await desk.hearth.restart()
    await desk.d.react(post, desk.member, "🎮")
    assert bot._connection._get_message(post.id) is None and desk.has(desk.member, desk.gamer)
    await desk.d.unreact(post, desk.member, "🎮")
    assert not desk.has(desk.member, desk.gamer)
    assert [r.reason for r in desk.role_changes("PUT")] == ["Reaction role"]


async def test_verify_and_drop_modes(desk: RolesDesk) -> None:
    post = await desk.d.say(desk.channel, desk.owner, "Rules: react ✅ to agree, ❌ to leave the artists")
    await desk.roles("reaction add", message=link(post), emoji="✅", role=desk.gamer, mode="verify")
    await desk.roles("reaction add", message=link(post), emoji="❌", role=desk.artist, mode="drop")
    await desk.d.react(post, desk.member, "✅")
    await desk.d.unreact(post, desk.member, "✅")
    assert desk.has(desk.member, desk.gamer)  # verify: un-reacting keeps it
    desk.server.set_roles(desk.member, [desk.gamer, desk.artist], by=desk.owner)
    await desk.d.react(post, desk.member, "❌")
    assert not desk.has(desk.member, desk.artist)
    await desk.d.unreact(post, desk.member, "❌")
    assert not desk.has(desk.member, desk.artist) and len(desk.role_changes("PUT")) == 1


async def test_custom_emoji(desk: RolesDesk) -> None:
    party = desk.server.add_emoji("party")
    post = await desk.d.say(desk.channel, desk.owner, "Party people react here")
    added = await desk.roles("reaction add", message=link(post), emoji=str(party), role=desk.musician)
    assert added.text.startswith(f"✅ Reacting with <:party:{party.id}> on")
    await desk.d.react(post, desk.member, str(party))
    assert desk.has(desk.member, desk.musician)
    listing = await desk.roles("reaction list")
    assert f"<:party:{party.id}> → <@&{desk.musician.id}> (normal) on {link(post)}" in listing.text


async def test_list_and_remove(desk: RolesDesk) -> None:
    post = await desk.d.say(desk.channel, desk.owner, "Pick")
    await desk.roles("reaction add", message=link(post), emoji="🎮", role=desk.gamer)
    await desk.roles("reaction add", message=link(post), emoji="🎨", role=desk.artist)
    listing = await desk.roles("reaction list")
    assert listing.text.count(link(post)) == 2
    removed = await desk.roles("reaction remove", message=link(post), emoji="🎮")
    assert removed.text == f"✅ Removed 1 reaction role(s) from {link(post)}."
    assert "🎮" not in post.reactions or post.reactions["🎮"] == []  # the bot took its reaction off
    await desk.d.react(post, desk.member, "🎮")
    assert not desk.has(desk.member, desk.gamer)
    await desk.roles("reaction remove", message=link(post))
    assert await desk.db.fetchval("SELECT count(*) FROM role_reactions") == 0
    again = await desk.refused("reaction remove", message=link(post))
    assert again.text.startswith("That message has no reaction role.")


async def test_refused_at_grant_and_logged_once(desk: RolesDesk) -> None:
    post = await desk.d.say(desk.channel, desk.owner, "Pick")
    await desk.roles("reaction add", message=link(post), emoji="🎮", role=desk.gamer)
    desk.server.set_role_permissions(desk.server.role("rita perms"), [])  # rita can no longer hand roles out
    carol = await desk.d.member_join(desk.server, "carol")
    for who in (desk.member, carol):
        await desk.d.react(post, who, "🎮")
    assert not desk.has(desk.member, desk.gamer) and not desk.has(carol, desk.gamer)
    logged = [line for line in desk.log_lines() if line.startswith("⛔")]
    assert logged == [f"⛔ I did not give <@&{desk.gamer.id}> (configured in a reaction role (🎮)): I won't give "
                      f"@Gamer: <@{desk.manager.id}>, who set it, doesn't have the **Manage Roles** permission.\n"
                      "Members who should get it are told that the admins know. (Reported once.)"]


async def test_a_deleted_message_takes_its_reaction_roles(desk: RolesDesk) -> None:
    post = await desk.d.say(desk.channel, desk.owner, "Pick")
    await desk.roles("reaction add", message=link(post), emoji="🎮", role=desk.gamer)
    await desk.d.delete_message(post)
    assert await desk.db.fetchval("SELECT count(*) FROM role_reactions") == 0


async def test_reactions_elsewhere_cost_no_database_round_trip(desk: RolesDesk) -> None:
    post = await desk.d.say(desk.channel, desk.owner, "Pick")
    await desk.roles("reaction add", message=link(post), emoji="🎮", role=desk.gamer)
    chatter = await desk.d.say(desk.g.general, desk.member, "hello")
    await desk.d.react(chatter, desk.member, "👍")  # loads the guild's configuration once
    pools = desk.hearth.bot.db.pools

    def trips() -> dict[str, int]:
        return {owner: pools[owner].acquisitions for owner in ("roles", "services")}

    before = trips()
    for emoji in ("😀", "😃", "😄", "🎮"):
        await desk.d.react(chatter, desk.g.admin, emoji)
    assert trips() == before
    assert not desk.has(desk.g.admin, desk.gamer)  # 🎮 on another message gives nothing


async def test_bad_input(desk: RolesDesk) -> None:
    post = await desk.d.say(desk.channel, desk.owner, "Pick")
    gone = await desk.d.say(desk.channel, desk.owner, "soon deleted")
    await desk.d.delete_message(gone)
    hidden = desk.server.add_text_channel("archive")
    desk.server.set_overwrite(hidden, desk.server.bot_role, deny=["read_message_history"])
    await desk.d.settle()
    old = await desk.d.say(hidden, desk.owner, "old rules")
    other_guild = f"https://discord.com/channels/1234567890/{post.channel_id}/{post.id}"
    cases = [
        ({"message": "hello"}, "That is not a message link: right-click the message"),
        ({"message": other_guild}, "That message is not on this server"),
        ({"message": link(gone)}, f"I can't find that message in <#{desk.channel.id}>: was it deleted?"),
        ({"message": link(post), "emoji": "<:ghost:123456789012345678>"}, "I don't know the emoji"),
        ({"message": link(post), "emoji": "notanemoji"}, "Discord doesn't know the emoji `notanemoji`"),
        ({"message": link(old)}, f"I'm missing the **Read Message History** permission in <#{hidden.id}>"),
    ]
    for options, expected in cases:
        result = await desk.refused("reaction add", **{"emoji": "🎮", "role": desk.gamer, **options})
        assert expected in result.text, (options, result.text)
    boss = desk.server.add_role("Boss")
    await desk.d.settle()
    above = await desk.refused("reaction add", message=link(post), emoji="🎮", role=boss)
    assert above.text.startswith("@Boss is not below your highest role")
    for code in range(0x1F600, 0x1F614):  # 20 different reactions already: Discord's limit
        await desk.d.react(post, desk.member, chr(code))
    full = await desk.refused("reaction add", message=link(post), emoji="🎮", role=desk.gamer)
    assert full.text.startswith("That message already has 20 different reactions")
    assert await desk.db.fetchval("SELECT count(*) FROM role_reactions") == 0
