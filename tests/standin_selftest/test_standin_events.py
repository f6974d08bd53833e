"""Messages, edits, deletes, reactions, joins/leaves and DMs."""

from __future__ import annotations

import pytest

from tests.standin import StandIn
from tests.standin.plugin import DefaultGuild

from .selftest_bot import SelfTestBot

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def test_user_message_with_attachment_gets_a_reply(
    standin: StandIn, default_guild: DefaultGuild, bot: SelfTestBot
) -> None:
    msg = await standin.say(
        default_guild.general, default_guild.member, "hello", attachments=[("a.txt", b"abc", "text/plain")]
    )
    reply = standin.last_message(default_guild.general)
    assert reply is not None and reply.author.id == standin.bot_user.id
    assert reply.content == "hello bob (1 files)"
    assert reply.message_reference is not None and reply.message_reference["message_id"] == str(msg.id)
    assert [(a.filename, a.data) for a in reply.attachments] == [("a.txt", b"abc")]
    (post,) = standin.requests("POST", "/channels/{channel_id}/messages")
    assert post.files[0].data == b"abc" and post.json["message_reference"]["message_id"] == msg.id


async def test_mention_and_wait_for_message(standin: StandIn, default_guild: DefaultGuild, bot: SelfTestBot) -> None:
    await standin.say(default_guild.general, default_guild.member, f"hey {standin.bot_mention}", settle=False)
    reply = await standin.wait_for_message(default_guild.general, lambda m: m.author.bot)
    assert reply.content.startswith("hello bob")


async def test_edit_and_delete(standin: StandIn, default_guild: DefaultGuild, bot: SelfTestBot) -> None:
    msg = await standin.say(default_guild.general, default_guild.member, "first")
    await standin.edit_message(msg, "second")
    await standin.delete_message(msg)
    assert ("edit", "second") in bot.events
    assert ("delete", "second") in bot.events
    assert standin.messages_in(default_guild.general) == []


async def test_reactions(standin: StandIn, default_guild: DefaultGuild, bot: SelfTestBot) -> None:
    msg = await standin.say(default_guild.general, default_guild.member, "nice")
    await standin.react(msg, default_guild.admin, "⭐")
    assert standin.last_message(default_guild.general).content == f"starred {msg.id}"  # type: ignore[union-attr]
    assert msg.reactions["👀"] == [standin.bot_user.id]
    await standin.unreact(msg, default_guild.admin, "⭐")
    assert ("reaction_remove", "⭐") in bot.events
    assert "⭐" not in msg.reactions or msg.reactions["⭐"] == []
    assert standin.requests("PUT", "/channels/{channel_id}/messages/{message_id}/reactions/{emoji}/@me")


async def test_member_join_and_leave(standin: StandIn, default_guild: DefaultGuild, bot: SelfTestBot) -> None:
    guild = bot.get_guild(default_guild.guild.id)
    assert guild is not None
    before = guild.member_count
    carol = await standin.member_join(default_guild.guild, "carol")
    assert guild.member_count == before + 1 == default_guild.guild.member_count
    assert guild.get_member(carol.id) is not None
    assert standin.last_message(default_guild.general).content == f"welcome <@{carol.id}> (#{before + 1})"  # type: ignore[union-attr]
    await standin.member_leave(default_guild.guild, carol)
    assert guild.member_count == before
    assert ("leave", "carol") in bot.events


async def test_dm_via_command(standin: StandIn, default_guild: DefaultGuild, bot: SelfTestBot) -> None:
    # "user" clashes with the invoker keyword, so pass it through options=.
    result = await standin.slash("dm", user=default_guild.admin, options={"user": default_guild.member, "text": "psst"})
    assert result.content == "sent"
    assert [m.content for m in standin.dms_to(default_guild.member)] == ["psst"]
    assert standin.requests("POST", "/users/@me/channels")[0].json == {"recipient_id": default_guild.member.id}


async def test_user_sends_dm(standin: StandIn, default_guild: DefaultGuild, bot: SelfTestBot) -> None:
    await standin.dm(default_guild.member, "hello")
    assert [m.content for m in standin.dms_to(default_guild.member)] == ["hello bob (0 files)"]
