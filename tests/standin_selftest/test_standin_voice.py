"""Voice states as the real client sees them: VOICE_STATE_UPDATE for joining, muting (self and server),
deafening, switching and leaving, voice states in GUILD_CREATE after a restart, Connect and Mute Members enforced."""

from __future__ import annotations

from typing import Any

import discord
import pytest

from tests.standin import StandIn
from tests.standin.plugin import DefaultGuild

from .selftest_bot import SelfTestBot

pytestmark = pytest.mark.asyncio(loop_scope="session")


def _updates(bot: SelfTestBot) -> list[tuple[int, Any, Any]]:
    seen: list[tuple[int, Any, Any]] = []

    async def on_voice_state_update(member: discord.Member, before: discord.VoiceState,
                                    after: discord.VoiceState) -> None:
        seen.append((member.id, before.channel and before.channel.id, after.channel and after.channel.id))

    bot.add_listener(on_voice_state_update)
    return seen


async def test_join_mute_switch_leave(standin: StandIn, default_guild: DefaultGuild, bot: SelfTestBot) -> None:
    g = default_guild.guild
    lounge, games = g.add_voice_channel("Lounge"), g.add_voice_channel("Games")
    await standin.settle()
    seen = _updates(bot)
    bob, alice = default_guild.member, default_guild.admin
    g.voice_join(bob, lounge)
    g.voice_join(alice, lounge)
    await standin.settle()
    channel = bot.get_channel(lounge.id)
    assert isinstance(channel, discord.VoiceChannel)
    assert {m.id for m in channel.members} == {bob.id, alice.id}
    g.voice_set(bob, self_mute=True)
    g.voice_set(alice, self_deaf=True)
    await standin.settle()
    guild = bot.get_guild(g.id)
    assert guild is not None
    voice_bob, voice_alice = guild.get_member(bob.id).voice, guild.get_member(alice.id).voice  # type: ignore[union-attr]
    assert voice_bob is not None and voice_bob.self_mute and not voice_bob.self_deaf
    assert voice_alice is not None and voice_alice.self_deaf
    g.voice_join(bob, games)  # switching channels is one update
    g.voice_leave(alice)
    await standin.settle()
    assert seen == [(bob.id, None, lounge.id), (alice.id, None, lounge.id), (bob.id, lounge.id, lounge.id),
                    (alice.id, lounge.id, lounge.id), (bob.id, lounge.id, games.id), (alice.id, lounge.id, None)]
    assert [m.id for m in channel.members] == []
    assert len(standin.events("VOICE_STATE_UPDATE")) == 6


async def test_server_mute_needs_mute_members_and_is_audited(standin: StandIn, default_guild: DefaultGuild,
                                                              bot: SelfTestBot) -> None:
    g = default_guild.guild
    lounge = g.add_voice_channel("Lounge")
    bob = default_guild.member
    g.voice_join(bob, lounge)
    with pytest.raises(PermissionError):
        g.voice_set(bob, mute=True, by=default_guild.moderator)  # "mo" has no Mute Members
    muter = g.add_member("muter", permissions=["mute_members"])
    g.voice_set(bob, mute=True, by=muter)
    await standin.settle()
    member = bot.get_guild(g.id).get_member(bob.id)  # type: ignore[union-attr]
    assert member is not None and member.voice is not None and member.voice.mute
    assert g.audit_log[-1]["action_type"] == 24 and g.audit_log[-1]["changes"][0]["key"] == "mute"


async def test_connect_is_enforced(standin: StandIn, default_guild: DefaultGuild, bot: SelfTestBot) -> None:
    g = default_guild.guild
    stage = g.add_voice_channel("Staff voice")
    g.set_overwrite(stage, "everyone", deny=["connect"])
    with pytest.raises(PermissionError):
        g.voice_join(default_guild.member, stage)
    with pytest.raises(ValueError, match="not a voice channel"):
        g.voice_join(default_guild.member, default_guild.general)


async def test_voice_states_arrive_with_guild_create(standin: StandIn, default_guild: DefaultGuild) -> None:
    g = default_guild.guild
    lounge = g.add_voice_channel("Lounge")
    g.voice_join(default_guild.member, lounge, self_mute=True)
    late = SelfTestBot()
    await standin.connect(late)  # connects after the member joined: only GUILD_CREATE tells it
    try:
        member = late.get_guild(g.id).get_member(default_guild.member.id)  # type: ignore[union-attr]
        assert member is not None and member.voice is not None
        assert member.voice.channel is not None and member.voice.channel.id == lounge.id and member.voice.self_mute
    finally:
        await standin.disconnect(late)
