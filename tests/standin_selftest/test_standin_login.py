"""Login, READY/GUILD_CREATE, startup requests, restart and gateway resume."""

from __future__ import annotations

import time

import discord
import pytest
from discord.ext import commands

from tests.standin import StandIn
from tests.standin.plugin import DefaultGuild

from .selftest_bot import SelfTestBot

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def test_ready_and_guild_create_populate_the_cache(
    standin: StandIn, default_guild: DefaultGuild, bot: SelfTestBot
) -> None:
    guild = bot.get_guild(default_guild.guild.id)
    assert guild is not None
    assert guild.name == "Hearth Test"
    assert guild.owner_id == default_guild.owner.id
    assert guild.member_count == len(default_guild.guild.members) == len(guild.members)
    assert guild.chunked
    assert {c.name for c in guild.channels} == {"Community", "general"}
    general = guild.get_channel(default_guild.general.id)
    assert isinstance(general, discord.TextChannel)
    assert general.category_id == default_guild.category.id
    assert guild.me.top_role.managed
    assert guild.get_role(default_guild.moderator_role.id).permissions.kick_members  # type: ignore[union-attr]
    assert bot.user is not None and bot.user.id == standin.bot_user.id
    assert bot.application_id == standin.world.application_id


async def test_startup_requests_and_command_sync_are_recorded(
    standin: StandIn, default_guild: DefaultGuild, bot: SelfTestBot
) -> None:
    assert [r.route for r in standin.http.requests[:2]] == ["/users/@me", "/oauth2/applications/@me"]
    (sync,) = standin.requests("PUT", "/applications/{application_id}/commands")
    names = {(c["name"], c.get("type", 1)) for c in sync.json}
    assert ("config", 1) in names and ("Report message", 3) in names and ("Inspect user", 2) in names
    stored = {c["name"]: c for c in standin.world.commands[None]}
    assert stored["config"]["id"].isdigit()
    assert sync.headers["Content-Type"] == "application/json"


async def test_connect_is_fast(standin: StandIn, default_guild: DefaultGuild) -> None:
    started = time.perf_counter()
    await standin.connect(SelfTestBot())
    assert time.perf_counter() - started < 1.0


async def test_restart_keeps_state_and_resyncs(standin: StandIn, default_guild: DefaultGuild) -> None:
    first = await standin.connect(SelfTestBot())
    await standin.slash("ticket", user=default_guild.admin, number=1)
    second = await standin.restart(first, SelfTestBot(sync=False))
    assert first.is_closed()
    assert second.is_ready()
    assert second.get_guild(default_guild.guild.id) is not None
    assert len(standin.gateway.live_sessions) == 1
    assert standin.last_message(default_guild.general).content == "ticket 1"  # type: ignore[union-attr]


async def test_drop_gateway_resumes_and_replays_missed_events(
    standin: StandIn, default_guild: DefaultGuild, bot: SelfTestBot
) -> None:
    session = standin.gateway.live_sessions[0]
    await standin.gateway.drop(session)
    # Events while disconnected are buffered and replayed on RESUME.
    await standin.say(default_guild.general, default_guild.member, "while away", settle=False)
    await session.resumed.wait()
    await standin.settle()
    assert ("message", "while away") in bot.events
    assert len(standin.gateway.sessions) == 1  # resumed, not re-identified
    await standin.drop_gateway()
    await standin.say(default_guild.general, default_guild.member, "after")
    assert ("message", "after") in bot.events


async def test_auto_sharded_bot_uses_gateway_bot(standin: StandIn, default_guild: DefaultGuild) -> None:
    class Sharded(commands.AutoShardedBot):
        pass

    sharded = Sharded(command_prefix="!", intents=discord.Intents.default())
    await standin.connect(sharded)
    assert standin.requests("GET", "/gateway/bot")
    assert sharded.get_guild(default_guild.guild.id) is not None
    assert standin.gateway.live_sessions[0].shard == [0, 1]


async def test_missing_members_intent_sends_only_the_bot_member(standin: StandIn, default_guild: DefaultGuild) -> None:
    plain = commands.Bot(command_prefix="!", intents=discord.Intents.default())
    await standin.connect(plain)
    guild = plain.get_guild(default_guild.guild.id)
    assert guild is not None and len(guild.members) == 1
    await standin.member_join(default_guild.guild, "carol")
    assert guild.member_count == len(default_guild.guild.members) - 1  # no GUILD_MEMBER_ADD without the intent
