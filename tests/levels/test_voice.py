"""Voice XP: whole minutes in a voice channel with someone else, not muted or deafened, from VOICE_STATE_UPDATE on
the bot's clock; credited at each flush and when a member stops earning; a restart keeps the minutes."""

from __future__ import annotations

import pytest_asyncio

from tests.hearth_harness import Hearth
from tests.kit.levels import LevelsDesk, levels_desk
from tests.standin.models import Channel

RATE = 10  # XP per minute


@pytest_asyncio.fixture(loop_scope="session")
async def voice(hearth: Hearth) -> tuple[LevelsDesk, Channel]:
    """Levels with voice XP on, and a voice channel."""
    desk = await levels_desk(hearth, voice_xp=RATE)
    lounge = desk.server.add_voice_channel("Lounge")
    await desk.discord.settle()
    return desk, lounge


async def _minutes(levels: LevelsDesk, minutes: float) -> None:
    levels.hearth.clock.advance(minutes=minutes)
    await levels.discord.settle()


async def test_two_members_earn_per_minute(voice: tuple[LevelsDesk, Channel]) -> None:
    levels, lounge = voice
    s, bob, alice = levels.server, levels.member, levels.guild.admin
    s.voice_join(bob, lounge)
    s.voice_join(alice, lounge)
    await levels.discord.settle()
    await _minutes(levels, 10)
    await levels.flush()
    assert (await levels.xp(bob), await levels.xp(alice)) == (10 * RATE, 10 * RATE)
    minutes = await levels.db.fetchval("SELECT voice_minutes FROM levels_members WHERE user_id = $1", bob.id)
    assert minutes == 10


async def test_alone_earns_nothing_and_a_bot_is_no_company(voice: tuple[LevelsDesk, Channel]) -> None:
    levels, lounge = voice
    s, bob = levels.server, levels.member
    music = s.add_member("music", bot=True)
    await levels.discord.settle()
    s.voice_join(bob, lounge)
    s.voice_join(music, lounge)
    await levels.discord.settle()
    await _minutes(levels, 30)
    await levels.flush()
    assert await levels.xp(bob) == 0 and await levels.xp(music) == 0


async def test_muted_and_deafened_members_do_not_earn(voice: tuple[LevelsDesk, Channel]) -> None:
    levels, lounge = voice
    s, bob, alice, mo = levels.server, levels.member, levels.guild.admin, levels.guild.moderator
    for member in (bob, alice, mo):
        s.voice_join(member, lounge)
    await levels.discord.settle()
    await _minutes(levels, 5)
    s.voice_set(bob, self_mute=True)  # from minute 5: bob earns nothing (the others still have a listener)
    s.voice_set(mo, self_deaf=True)  # mo neither
    await levels.discord.settle()
    await _minutes(levels, 5)
    await levels.flush()
    assert [await levels.xp(m) for m in (bob, alice, mo)] == [5 * RATE, 10 * RATE, 5 * RATE]
    s.voice_set(bob, self_mute=False)
    muter = s.add_member("muter", permissions=["mute_members"])
    s.voice_set(alice, mute=True, by=muter)  # a server mute counts as muted
    await levels.discord.settle()
    await _minutes(levels, 3)
    await levels.flush()
    assert [await levels.xp(m) for m in (bob, alice, mo)] == [8 * RATE, 10 * RATE, 5 * RATE]


async def test_listening_to_nobody_is_alone(voice: tuple[LevelsDesk, Channel]) -> None:
    levels, lounge = voice
    s, bob, alice = levels.server, levels.member, levels.guild.admin
    s.voice_join(bob, lounge)
    s.voice_join(alice, lounge, self_deaf=True)  # the only other member hears nothing
    await levels.discord.settle()
    await _minutes(levels, 10)
    await levels.flush()
    assert await levels.xp(bob) == 0


async def test_whole_minutes_carry_over_and_leaving_credits_them(voice: tuple[LevelsDesk, Channel]) -> None:
    levels, lounge = voice
    s, bob, alice = levels.server, levels.member, levels.guild.admin
    s.voice_join(bob, lounge)
    s.voice_join(alice, lounge)
    await levels.discord.settle()
    await _minutes(levels, 1.5)
    await levels.flush()
    assert await levels.xp(bob) == RATE  # one whole minute; the half carries over
    await _minutes(levels, 1)
    s.voice_leave(alice)  # bob is alone from now on: his 2.5 minutes end as 2 whole ones
    await levels.discord.settle()
    await _minutes(levels, 20)
    await levels.flush()
    assert (await levels.xp(bob), await levels.xp(alice)) == (2 * RATE, 2 * RATE)


async def test_voice_channel_multipliers(voice: tuple[LevelsDesk, Channel]) -> None:
    levels, lounge = voice
    s, d = levels.server, levels.discord
    afk = s.add_voice_channel("AFK")
    await d.settle()
    await d.slash("config levels multiplier", user=levels.owner, guild=s, options={"value": 2.0, "channel": lounge})
    await d.slash("config levels noxp", user=levels.owner, guild=s, options={"channel": afk})
    bob, alice, mo, owner = levels.member, levels.guild.admin, levels.guild.moderator, levels.owner
    for member, channel in ((bob, lounge), (alice, lounge), (mo, afk), (owner, afk)):
        s.voice_join(member, channel)
    await d.settle()
    await _minutes(levels, 4)
    await levels.flush()
    assert [await levels.xp(m) for m in (bob, alice, mo, owner)] == [8 * RATE] * 2 + [0, 0]


async def test_voice_xp_is_off_unless_set(hearth: Hearth) -> None:
    levels = await levels_desk(hearth)  # voice_xp defaults to 0
    lounge = levels.server.add_voice_channel("Lounge")
    await levels.discord.settle()
    levels.server.voice_join(levels.member, lounge)
    levels.server.voice_join(levels.guild.admin, lounge)
    await levels.discord.settle()
    await _minutes(levels, 10)
    await levels.set("voice_xp", RATE)  # turned on now: they earn from now on
    await _minutes(levels, 3)
    await levels.flush()
    assert await levels.xp(levels.member) == 3 * RATE


async def test_a_restart_keeps_the_minutes(voice: tuple[LevelsDesk, Channel]) -> None:
    levels, lounge = voice
    s, bob, alice = levels.server, levels.member, levels.guild.admin
    s.voice_join(bob, lounge)
    s.voice_join(alice, lounge)
    await levels.discord.settle()
    levels.hearth.clock.advance(minutes=4)  # the flush loop may or may not have run: the total is what counts
    await levels.hearth.restart()  # the shutdown flush credits the 4 minutes; the new bot sees them in voice
    assert await levels.xp(bob) == 4 * RATE
    await _minutes(levels, 6)
    await levels.flush()
    assert (await levels.xp(bob), await levels.xp(alice)) == (10 * RATE, 10 * RATE)
