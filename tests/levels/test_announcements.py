"""Level-up announcements in each mode (the current channel, a set channel, a DM, off), through the admin's
template, pinging the member who levelled up and nobody else whatever their name or the template says; announced
once."""

from __future__ import annotations

from tests.kit.levels import LevelsDesk
from tests.standin.models import Member, Pings
from utils.errors import BadInput

HOSTILE = "@everyone @here <@&{role}> <@{owner}> **bold**"


async def _level_up(levels: LevelsDesk, member: Member, channel=None) -> None:
    levels.fixed_xp(20)
    await levels.seed(member, 90)
    await levels.talk(member, channel=channel)
    await levels.flush()


def _announcements(levels: LevelsDesk, channel) -> list:
    return [m for m in levels.discord.messages_in(channel) if m.author.id == levels.discord.world.bot_user.id]


async def test_current_channel_mentions_only_the_member(levels: LevelsDesk) -> None:
    bob = levels.member
    chat = levels.server.add_text_channel("chat")
    await levels.discord.settle()
    await _level_up(levels, bob, channel=chat)
    [message] = _announcements(levels, chat)
    assert message.content == f"🎉 {bob.mention} reached **level 1**!"
    assert message.pings == Pings(everyone=False, roles=[], users=[bob.id])
    assert _announcements(levels, levels.guild.general) == []
    await levels.flush()  # nothing new: not announced again
    assert len(_announcements(levels, chat)) == 1


async def test_a_hostile_name_and_template_ping_nobody_else(levels: LevelsDesk) -> None:
    g, s = levels.guild, levels.server
    loud = s.add_role("Loud", mentionable=True)
    hostile = s.add_member("hostile", nick=HOSTILE.format(role=loud.id, owner=g.owner.id))
    await levels.discord.settle()
    await levels.set("announce_message",
                     "@everyone {member} ({member.name}) hit {level} <@&" + str(loud.id) + "> {member.mention}")
    await _level_up(levels, hostile)
    [message] = _announcements(levels, g.general)
    assert message.pings == Pings(everyone=False, roles=[], users=[hostile.id])
    assert "\\*\\*bold\\*\\*" in message.content  # the name is shown as typed, not as markdown
    assert message.allowed_mentions["parse"] == [] and message.allowed_mentions["users"] == [hostile.id]


async def test_the_announcement_channel(levels: LevelsDesk) -> None:
    levelups = levels.server.add_text_channel("level-ups")
    await levels.discord.settle()
    await levels.set("announce", "channel")
    await levels.set("announce_channel", levelups.id)
    await levels.set("announce_message", "{member.name} is now level {level} (was {old_level}, {xp} XP) on {server}")
    await _level_up(levels, levels.member)
    [message] = _announcements(levels, levelups)
    assert message.content == f"bob is now level 1 (was 0, 110 XP) on {levels.server.name}"
    assert not message.pings and _announcements(levels, levels.guild.general) == []


async def test_direct_message(levels: LevelsDesk) -> None:
    await levels.set("announce", "dm")
    await _level_up(levels, levels.member)
    [message] = levels.discord.dms_to(levels.member)
    assert "reached **level 1**" in message.content and not message.pings
    assert _announcements(levels, levels.guild.general) == []


async def test_closed_dms_lose_only_the_message(levels: LevelsDesk) -> None:
    await levels.set("announce", "dm")
    levels.member.user.dms_open = False
    await _level_up(levels, levels.member)
    assert levels.discord.dms_to(levels.member) == [] and await levels.level(levels.member) == 1
    assert [e.new_level for e in levels.heard] == [1]


async def test_off(levels: LevelsDesk) -> None:
    await levels.set("announce", "off")
    await _level_up(levels, levels.member)
    assert _announcements(levels, levels.guild.general) == [] and levels.discord.dms_to(levels.member) == []
    assert [e.new_level for e in levels.heard] == [1]  # the hook fires whatever the announcement


async def test_no_permission_to_post_is_not_an_error(levels: LevelsDesk) -> None:
    s = levels.server
    quiet = s.add_text_channel("quiet")
    s.set_overwrite(quiet, s.bot_role, deny=["send_messages"])
    await levels.discord.settle()
    await _level_up(levels, levels.member, channel=quiet)
    assert _announcements(levels, quiet) == [] and await levels.level(levels.member) == 1


async def test_a_bad_template_is_refused_when_set(levels: LevelsDesk) -> None:
    async with levels.discord.expect_errors(BadInput, required=False):
        result = await levels.discord.slash("config set", user=levels.owner, guild=levels.server, scope="levels",
                                            key="announce_message", value="Hi {member.nick}!")
    assert "Unknown variable {member.nick}" in result.text
    assert await levels.db.fetchval("SELECT count(*) FROM bot_settings WHERE key = 'announce_message'") == 0
