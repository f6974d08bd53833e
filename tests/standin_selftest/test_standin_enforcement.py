"""Permissions, limits, forced failures, unimplemented routes and error capture."""

from __future__ import annotations

import discord
import pytest

from tests.standin import StandIn
from tests.standin.plugin import DefaultGuild

from .selftest_bot import SelfTestBot

pytestmark = pytest.mark.asyncio(loop_scope="session")

CREATE_CHANNEL = "/guilds/{guild_id}/channels"


async def test_create_channel_needs_manage_channels(standin: StandIn, default_guild: DefaultGuild) -> None:
    guild = default_guild.guild
    guild.set_role_permissions(guild.bot_role, ["view_channel", "send_messages"])
    bot = await standin.connect(SelfTestBot())
    async with standin.expect_errors(discord.Forbidden) as caught:
        await standin.slash("makechannel", user=default_guild.admin, name="tickets")
    assert caught.caught[0].source == "tree.on_error"
    (req,) = standin.requests("POST", CREATE_CHANNEL)
    assert req.status == 403 and req.response == {"message": "Missing Permissions", "code": 50013}

    guild.set_role_permissions(guild.bot_role, ["view_channel", "send_messages", "manage_channels"])
    await standin.settle()
    assert bot.get_guild(guild.id).me.guild_permissions.manage_channels  # type: ignore[union-attr]
    result = await standin.slash("makechannel", user=default_guild.admin, name="tickets")
    created = guild.channel("tickets")
    assert result.content == f"created <#{created.id}>"
    assert standin.requests("POST", CREATE_CHANNEL)[-1].reason == "asked nicely"
    assert bot.get_channel(created.id) is not None  # CHANNEL_CREATE reached the bot


async def test_role_hierarchy(standin: StandIn, default_guild: DefaultGuild, bot: SelfTestBot) -> None:
    guild = default_guild.guild
    high = guild.add_role("Boss", above_bot=True)
    low = guild.add_role("Helper")
    await standin.settle()
    ok = await standin.slash("giverole", user=default_guild.admin, member=default_guild.member, role=low)
    assert ok.content == "gave Helper"
    assert low.id in default_guild.member.roles
    assert bot.get_guild(guild.id).get_member(default_guild.member.id).get_role(low.id)  # type: ignore[union-attr]
    req = standin.requests("PUT", "/guilds/{guild_id}/members/{user_id}/roles/{role_id}")[-1]
    assert req.reason == "giverole"
    async with standin.expect_errors(discord.Forbidden):
        await standin.slash("giverole", user=default_guild.admin, member=default_guild.member, role=high)
    assert high.id not in default_guild.member.roles


async def test_the_bot_sees_the_hierarchy_the_routes_enforce(standin: StandIn, default_guild: DefaultGuild,
                                                              bot: SelfTestBot) -> None:
    """A role added after connecting pushes the roles above it up; Discord announces each move (GUILD_ROLE_UPDATE),
    so the bot's own comparison with its top role agrees with what the routes allow."""
    guild = default_guild.guild
    new = guild.add_role("Newcomer")
    above = guild.add_role("Boss", above_bot=True)
    await standin.settle()
    cached = bot.get_guild(guild.id)
    assert cached is not None
    me = cached.me
    assert cached.get_role(new.id) < me.top_role and cached.get_role(above.id) > me.top_role  # type: ignore[operator]
    in_standin = sorted(guild.roles.values(), key=lambda r: r.position)
    assert [r.id for r in sorted(cached.roles)] == [r.id for r in in_standin]
    moved = [e["role"]["id"] for e in standin.events("GUILD_ROLE_UPDATE")]
    assert str(guild.bot_role.id) in moved  # the bot's own role moved up one place


async def test_timeout_is_a_member_patch(standin: StandIn, default_guild: DefaultGuild, bot: SelfTestBot) -> None:
    await standin.slash("timeout", user=default_guild.moderator, member=default_guild.member, minutes=5)
    (patch,) = standin.requests("PATCH", "/guilds/{guild_id}/members/{user_id}")
    assert patch.json["communication_disabled_until"]
    assert patch.reason == "calm down"
    assert default_guild.member.communication_disabled_until == patch.json["communication_disabled_until"]
    member = bot.get_guild(default_guild.guild.id).get_member(default_guild.member.id)  # type: ignore[union-attr]
    assert member is not None and member.is_timed_out()


async def test_message_limits(standin: StandIn, default_guild: DefaultGuild, bot: SelfTestBot) -> None:
    async with standin.expect_errors(discord.HTTPException) as caught:
        await standin.slash("longpost", user=default_guild.member)
    error = caught.caught[0].error
    assert isinstance(error.original, discord.HTTPException)  # type: ignore[union-attr]
    assert error.original.status == 400 and error.original.code == 50035  # type: ignore[union-attr]
    async with standin.expect_errors(discord.HTTPException):
        await standin.slash("bigembed", user=default_guild.member, fields=26)
    ok = await standin.slash("bigembed", user=default_guild.member, fields=25)
    assert len(ok.embeds[0]["fields"]) == 25


async def test_a_category_holds_at_most_50_channels(standin: StandIn, default_guild: DefaultGuild,
                                                   bot: SelfTestBot) -> None:
    """Discord refuses a 51st channel in a category: 400 Invalid Form Body (50035) on parent_id."""
    guild = default_guild.guild
    full = guild.add_category("Full")
    for i in range(50):
        guild.add_text_channel(f"c-{i}", category=full)
    await standin.settle()
    cached = bot.get_guild(guild.id)
    assert cached is not None
    category = cached.get_channel(full.id)
    with pytest.raises(discord.HTTPException) as info:
        await cached.create_text_channel("one-too-many", category=category)  # type: ignore[arg-type]
    assert info.value.status == 400 and info.value.code == 50035
    assert "In parent_id: Maximum number of channels in category reached (50)" in info.value.text
    assert sum(1 for c in standin.world.channels.values() if c.parent_id == full.id) == 50
    outside = await cached.create_text_channel("outside")
    with pytest.raises(discord.HTTPException):
        await outside.edit(category=category)  # type: ignore[arg-type]
    assert standin.world.channels[outside.id].parent_id is None


async def test_cannot_send_where_not_allowed(standin: StandIn, default_guild: DefaultGuild, bot: SelfTestBot) -> None:
    guild = default_guild.guild
    hidden = guild.add_text_channel("staff", overwrites={guild.bot_role: {"deny": ["send_messages"]}})
    await standin.settle()
    channel = bot.get_channel(hidden.id)
    with pytest.raises(discord.Forbidden) as info:
        await channel.send("hi")  # type: ignore[union-attr]
    assert info.value.code == 50013
    default_guild.member.user.dms_open = False
    async with standin.expect_errors(discord.Forbidden) as caught:
        await standin.slash("dm", user=default_guild.admin, options={"user": default_guild.member, "text": "x"})
    assert caught.caught[0].error.original.code == 50007  # type: ignore[union-attr]


async def test_forced_429_is_retried(standin: StandIn, default_guild: DefaultGuild, bot: SelfTestBot) -> None:
    rule = standin.fail("POST", "/channels/{channel_id}/messages", status=429, times=2)
    channel = bot.get_channel(default_guild.general.id)
    sent = await channel.send("eventually")  # type: ignore[union-attr]
    assert rule.hits == 2
    statuses = [r.status for r in standin.requests("POST", "/channels/{channel_id}/messages")]
    assert statuses == [429, 429, 200]
    assert standin.last_message(default_guild.general).id == sent.id  # type: ignore[union-attr]


async def test_forced_500_and_403_surface(standin: StandIn, default_guild: DefaultGuild, bot: SelfTestBot) -> None:
    channel = bot.get_channel(default_guild.general.id)
    standin.fail("POST", "/channels/{channel_id}/messages", status=500, times=None)
    with pytest.raises(discord.DiscordServerError):
        await channel.send("never")  # type: ignore[union-attr]
    assert len(standin.requests("POST", "/channels/{channel_id}/messages")) == 5  # discord.py retried 5xx
    standin.http.failures.clear()
    standin.fail("*", f"/channels/{default_guild.general.id}/messages", status=403, times=1)
    with pytest.raises(discord.Forbidden):
        await channel.send("nope")  # type: ignore[union-attr]
    await channel.send("fine")  # type: ignore[union-attr]
    assert [m.content for m in standin.messages_in(default_guild.general)] == ["fine"]


async def test_unimplemented_route_is_reported(standin: StandIn, default_guild: DefaultGuild, bot: SelfTestBot) -> None:
    with pytest.raises(discord.NotFound) as info:
        await bot.http.request(discord.http.Route("GET", "/guilds/{guild_id}/emojis", guild_id=default_guild.guild.id))
    assert "not implemented" in info.value.text
    problems = standin.problems()
    assert len(problems) == 1 and f"GET /guilds/{default_guild.guild.id}/emojis" in problems[0]
    with pytest.raises(AssertionError, match="unimplemented route"):
        standin.assert_clean()
    standin.http.unimplemented.clear()  # keep this test's own teardown green


async def test_unexpected_errors_are_reported(standin: StandIn, default_guild: DefaultGuild, bot: SelfTestBot) -> None:
    result = await standin.slash("boom", user=default_guild.member)
    assert not result.responded
    (error,) = standin.errors.unexpected
    assert error.source == "tree.on_error" and "kaboom" in repr(error.error.original)  # type: ignore[union-attr]
    assert "unexpected bot error" in standin.problems()[0]
    standin.errors.errors.clear()
    async with standin.expect_errors(RuntimeError) as caught:
        await standin.slash("boom", user=default_guild.member)
    assert len(caught.caught) == 1 and not standin.errors.unexpected
    with pytest.raises(AssertionError, match="expected an error"):
        async with standin.expect_errors(KeyError):
            await standin.slash("ping", user=default_guild.member)


async def test_listener_errors_are_captured(standin: StandIn, default_guild: DefaultGuild, bot: SelfTestBot) -> None:
    async def on_message(message: discord.Message) -> None:
        raise ValueError("listener broke")

    bot.add_listener(on_message, "on_message")
    async with standin.expect_errors(ValueError) as caught:
        await standin.say(default_guild.general, default_guild.member, "anything")
    assert caught.caught[0].source == "bot.on_error"
