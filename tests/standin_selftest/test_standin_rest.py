"""The bot's REST calls through discord.py's high-level API, checked against stored state."""

from __future__ import annotations

import discord
import pytest

from tests.standin import StandIn
from tests.standin.plugin import DefaultGuild

from .selftest_bot import SelfTestBot

pytestmark = pytest.mark.asyncio(loop_scope="session")


def text_channel(bot: SelfTestBot, channel_id: int) -> discord.TextChannel:
    channel = bot.get_channel(channel_id)
    assert isinstance(channel, discord.TextChannel)
    return channel


async def test_messages_history_pins_reactions(standin: StandIn, default_guild: DefaultGuild, bot: SelfTestBot) -> None:
    channel = text_channel(bot, default_guild.general.id)
    first = await standin.say(default_guild.general, default_guild.member, "one")
    async with channel.typing():
        mine = await channel.send("two", embed=discord.Embed(title="t", description="d"))
    history = [m.content async for m in channel.history(limit=10)]
    assert history == ["two", "one"]
    assert [m.content async for m in channel.history(after=discord.Object(first.id))] == ["two"]
    fetched = await channel.fetch_message(first.id)
    assert fetched.author.id == default_guild.member.id
    await mine.edit(content="two!")
    assert standin.world.messages[mine.id].content == "two!"
    assert standin.world.messages[mine.id].history[0]["content"] == "two"
    with pytest.raises(discord.Forbidden):
        await fetched.edit(content="not yours")
    await fetched.pin()
    assert [m.id async for m in channel.pins()] == [first.id]
    default_guild.guild.add_emoji("party", emoji_id=123456)  # a custom emoji must exist (else 10014)
    await standin.settle()
    await fetched.add_reaction("<:party:123456>")
    assert standin.world.messages[first.id].reactions == {"party:123456": [standin.bot_user.id]}
    await standin.react(first, default_guild.member, "👍")
    await fetched.remove_reaction("👍", discord.Object(default_guild.member.id))
    await fetched.clear_reactions()
    assert standin.world.messages[first.id].reactions == {}
    await mine.delete()
    third = await channel.send("three")
    fourth = await channel.send("four")
    await channel.delete_messages([third, fourth])
    assert [m.content for m in standin.messages_in(default_guild.general)] == ["one"]


async def test_channels_and_overwrites(standin: StandIn, default_guild: DefaultGuild, bot: SelfTestBot) -> None:
    guild = bot.get_guild(default_guild.guild.id)
    assert guild is not None
    category = guild.get_channel(default_guild.category.id)
    assert isinstance(category, discord.CategoryChannel)
    hidden = {guild.default_role: discord.PermissionOverwrite(view_channel=False)}
    created = await guild.create_text_channel("logs", category=category, overwrites=hidden)
    stored = standin.world.channels[created.id]
    assert stored.parent_id == category.id and stored.overwrites[guild.id].deny & (1 << 10)
    with pytest.raises(discord.Forbidden):  # the bot hid the channel from itself: Missing Access
        await created.set_permissions(guild.me, view_channel=True)
    visible = {**hidden, guild.me: discord.PermissionOverwrite(view_channel=True)}
    created = await guild.create_text_channel("logs", category=category, overwrites=visible)
    moderators = guild.get_role(default_guild.moderator_role.id)
    assert moderators is not None
    await created.set_permissions(moderators, view_channel=True, send_messages=True)
    assert standin.world.channels[created.id].overwrites[moderators.id].allow & (1 << 11)
    await created.edit(name="audit-logs", topic="everything")
    await standin.settle()
    assert bot.get_channel(created.id).name == "audit-logs"  # type: ignore[union-attr]
    assert (await bot.fetch_channel(created.id)).topic == "everything"  # type: ignore[union-attr]
    await created.delete(reason="cleanup")
    await standin.settle()
    assert bot.get_channel(created.id) is None
    assert standin.requests("DELETE", "/channels/{channel_id}")[0].reason == "cleanup"


async def test_members_roles_bans(standin: StandIn, default_guild: DefaultGuild, bot: SelfTestBot) -> None:
    guild = bot.get_guild(default_guild.guild.id)
    assert guild is not None
    role = await guild.create_role(name="Regular", colour=discord.Colour.green(), reason="new")
    await role.edit(name="Regulars")
    await standin.settle()
    assert guild.get_role(role.id).name == "Regulars"  # type: ignore[union-attr]
    member = await guild.fetch_member(default_guild.member.id)
    await member.edit(nick="Bobby", roles=[role])
    await standin.settle()
    assert default_guild.member.nick == "Bobby" and default_guild.member.roles == [role.id]
    assert guild.get_member(member.id).nick == "Bobby"  # type: ignore[union-attr]
    await guild.me.edit(nick="Hearthy")
    assert guild.me.nick == "Hearthy" or default_guild.guild.me.nick == "Hearthy"
    assert len([m async for m in guild.fetch_members(limit=None)]) == default_guild.guild.member_count
    await role.delete()
    await standin.settle()
    assert guild.get_role(role.id) is None and default_guild.member.roles == []
    user = await bot.fetch_user(default_guild.admin.id)
    assert user.name == "alice"
    await guild.ban(discord.Object(default_guild.member.id), reason="spam", delete_message_seconds=0)
    await standin.settle()
    assert default_guild.member.id in default_guild.guild.bans
    assert default_guild.guild.bans[default_guild.member.id] == "spam"
    assert guild.get_member(default_guild.member.id) is None
    assert [b.user.id async for b in guild.bans()] == [default_guild.member.id]
    await guild.unban(discord.Object(default_guild.member.id))
    await guild.kick(discord.Object(default_guild.moderator.id))
    assert default_guild.moderator.id not in default_guild.guild.members
    with pytest.raises(discord.Forbidden):
        await guild.kick(discord.Object(default_guild.owner.id))
    fetched = await bot.fetch_guild(guild.id)
    assert fetched.name == guild.name
