"""Login, READY/GUILD_CREATE, startup requests, restart and gateway resume."""

from __future__ import annotations

import json
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


def _dispatched(standin: StandIn) -> list[tuple[str, dict]]:
    """(event, data) of every dispatch to the bot's session, in order."""
    frames = [json.loads(frame) for _, frame in standin.gateway.live_sessions[0].buffer]
    return [(f["t"], f["d"]) for f in frames]


def _members_bot() -> commands.Bot:
    intents = discord.Intents.default()
    intents.members = True
    return commands.Bot(command_prefix="!", intents=intents)  # discord.py: large_threshold 250, chunks at start


async def test_a_large_guild_comes_with_the_bots_member_and_is_chunked_on_request(standin: StandIn) -> None:
    big = standin.add_guild("Big", owner="owner")
    for n in range(2498):  # with the owner and the bot: 2,500, more than discord.py's large_threshold of 250
        big.add_member(f"m{n}")
    small = standin.add_guild("Small", owner="owner2")
    bot = await standin.connect(_members_bot(), timeout=30)
    creates = {int(d["id"]): d for name, d in _dispatched(standin) if name == "GUILD_CREATE"}
    assert creates[big.id]["large"] is True and [m["user"]["id"] for m in creates[big.id]["members"]] == [
        str(standin.bot_user.id)]
    assert creates[big.id]["member_count"] == 2500
    assert creates[small.id]["large"] is False and len(creates[small.id]["members"]) == 2  # the owner and the bot
    chunks = [d for name, d in _dispatched(standin) if name == "GUILD_MEMBERS_CHUNK" and int(d["guild_id"]) == big.id]
    assert [(c["chunk_index"], c["chunk_count"], len(c["members"])) for c in chunks] == [
        (0, 3, 1000), (1, 3, 1000), (2, 3, 500)]
    assert [guild for guild, _ in standin.gateway.member_requests] == [big.id]  # the small guild came complete
    cached = bot.get_guild(big.id)
    assert cached is not None and cached.chunked and len(cached.members) == 2500
    assert cached.get_member(big.member("m2497").user.id) is not None


async def test_a_big_world_streams_its_guild_creates_after_ready(standin: StandIn) -> None:
    made = [standin.add_guild(f"G{n}", owner=f"owner{n}") for n in range(260)]  # over STREAM_GUILDS_OVER
    bot = await standin.connect(_members_bot(), timeout=60)
    assert {g.id for g in bot.guilds if not g.unavailable} == {g.id for g in made}
    names = [name for name, _ in _dispatched(standin) if name in ("READY", "GUILD_CREATE")]
    assert names == ["READY"] + ["GUILD_CREATE"] * 260
    assert standin.gateway.identified.is_set()


async def test_a_guilds_channels_come_from_the_index_in_creation_order(standin: StandIn) -> None:
    first, second = standin.add_guild("One", owner="o1"), standin.add_guild("Two", owner="o2")
    a = first.add_text_channel("a")
    b = second.add_text_channel("b")
    c = first.add_text_channel("c")
    del standin.world.channels[a.id]
    d = first.add_voice_channel("d")

    def scanned(guild: object) -> list[int]:
        return [ch.id for ch in dict.values(standin.world.channels) if ch.guild_id == guild.id]  # type: ignore[attr-defined]

    assert [ch.id for ch in first.channels] == scanned(first) == [c.id, d.id]
    assert [ch.id for ch in second.channels] == scanned(second) == [b.id]
