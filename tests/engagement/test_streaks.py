"""Streaks count days in the guild's time zone; the optional nickname suffix follows Discord's rules."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from cogs.engagement.rules import nick_length, streak_nick
from tests.engagement.helpers import cog, setting
from tests.hearth_harness import Hearth


def _utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


async def _streak(hearth: Hearth, member) -> tuple:
    row = await hearth.db.fetchrow("SELECT current_days, best_days, last_day FROM engagement_streaks "
                                   "WHERE guild_id = $1 AND user_id = $2", hearth.guild.guild.id, member.id)
    return tuple(row) if row else None


@pytest.fixture
async def new_york(hearth: Hearth) -> Hearth:
    await setting(hearth, "timezone", "America/New_York", scope="system")
    return hearth


async def test_streak_grows_across_local_midnight_and_breaks_after_a_missed_day(new_york: Hearth) -> None:
    hearth, g, d = new_york, new_york.guild, new_york.discord
    engagement = cog(hearth)
    hearth.clock.set(_utc(2026, 6, 2, 3, 50))  # 1 June, 23:50 in New York
    await d.say(g.general, g.member, "late on Monday")
    hearth.clock.set(_utc(2026, 6, 2, 4, 10))  # 2 June, 00:10 in New York (still 2 June in UTC as well)
    await d.say(g.general, g.member, "just after midnight")
    await d.say(g.general, g.member, "a second message the same day does not add a day")
    await engagement.flush()  # both local days in one flush window
    assert await _streak(hearth, g.member) == (2, 2, date(2026, 6, 2))
    hearth.clock.set(_utc(2026, 6, 3, 14))  # 3 June, 10:00 in New York: day three, in its own flush
    await d.say(g.general, g.member, "Wednesday")
    await engagement.flush()
    assert await _streak(hearth, g.member) == (3, 3, date(2026, 6, 3))
    hearth.clock.set(_utc(2026, 6, 5, 14))  # 4 June missed
    await d.say(g.general, g.member, "back on Friday")
    await engagement.flush()
    assert await _streak(hearth, g.member) == (1, 3, date(2026, 6, 5))


async def test_profile_shows_a_broken_streak_as_zero(new_york: Hearth) -> None:
    hearth, g, d = new_york, new_york.guild, new_york.discord
    hearth.clock.set(_utc(2026, 6, 1, 16))
    await d.say(g.general, g.member, "day one")
    await cog(hearth).flush()
    hearth.clock.set(_utc(2026, 6, 3, 16))  # no message on 2 June: the streak is over, even before any sweep
    g.guild.set_overwrite(g.general, g.guild.bot_role, deny=["attach_files"])  # the text profile, to read it
    await d.settle()
    result = await d.slash("profile", user=g.member, guild=g.guild, channel=g.general)
    assert "🔥 0 day(s) (best 1)" in result.text and "1 (rank #1)" in result.text


def test_streak_nickname_fits_discord_limit() -> None:
    assert streak_nick("Alice", 12) == "Alice 🔥12"
    long = streak_nick("A" * 40, 365)
    assert nick_length(long) <= 32 and long.endswith(" 🔥365") and long.startswith("A" * 20)


@pytest.fixture
async def nicknames(new_york: Hearth) -> Hearth:
    new_york.clock.set(_utc(2026, 6, 1, 14))  # 1 June, 10:00 in New York
    await setting(new_york, "streak_nickname_min", 2)
    await setting(new_york, "streak_nicknames", True)
    return new_york


async def _two_days(hearth: Hearth, *members) -> None:
    for moment in (_utc(2026, 6, 1, 15), _utc(2026, 6, 2, 15)):
        await hearth.move_clock(moment)
        for member in members:
            await hearth.discord.say(hearth.guild.general, member, "hello")
        await cog(hearth).flush()


async def test_nickname_suffix_rules_and_restore_when_the_streak_ends(nicknames: Hearth) -> None:
    hearth, g, d = nicknames, nicknames.guild, nicknames.discord
    long_name = g.guild.add_member("carol", nick="Carol the magnificent of Hearth")  # 31 characters
    high = g.guild.add_role("Elders", ["view_channel", "send_messages"], above_bot=True)
    elder = g.guild.add_member("dave", roles=[high], nick="Dave")
    await d.settle()
    await hearth.move_clock(_utc(2026, 6, 1, 15))
    await d.say(g.general, g.member, "day one")
    await cog(hearth).flush()
    assert g.guild.members[g.member.id].nick is None  # 1 day < the 2-day minimum
    await _two_days(hearth, g.member, long_name, elder, g.owner)
    assert g.guild.members[g.member.id].nick == "bob 🔥2"
    carol = g.guild.members[long_name.id].nick
    assert carol.endswith(" 🔥2") and nick_length(carol) == 32 and carol.startswith("Carol the magnificent")
    assert g.guild.members[elder.id].nick == "Dave"  # their role is above the bot's
    assert g.guild.members[g.owner.id].nick is None  # bots can't rename the owner
    stored = await hearth.db.fetchval("SELECT base_nickname FROM engagement_streaks WHERE user_id = $1", long_name.id)
    assert stored == "Carol the magnificent of Hearth"
    # 3 June passes without a message; the sweep at local midnight on 4 June ends both streaks.
    await hearth.move_clock(_utc(2026, 6, 3, 15))
    assert g.guild.members[g.member.id].nick == "bob 🔥2"
    await hearth.move_clock(_utc(2026, 6, 4, 4, 1))  # 00:01 on 4 June in New York
    assert g.guild.members[g.member.id].nick is None
    assert g.guild.members[long_name.id].nick == "Carol the magnificent of Hearth"
    assert await hearth.db.fetchval("SELECT count(*) FROM engagement_streaks WHERE current_days > 0 "
                                    "OR nickname_applied") == 0


async def test_turning_the_feature_off_restores_nicknames(nicknames: Hearth) -> None:
    hearth, g = nicknames, nicknames.guild
    await _two_days(hearth, g.member, g.moderator)
    assert g.guild.members[g.member.id].nick == "bob 🔥2"
    assert g.guild.members[g.moderator.id].nick == "mo 🔥2"
    # The moderator renames themselves meanwhile: their new name is the one they keep.
    renamed = g.guild.members[g.moderator.id]
    renamed.nick = "Mo the Great"
    hearth.discord.world.emit("GUILD_MEMBER_UPDATE", {**hearth.discord.world.member_payload(renamed),
                                                      "guild_id": str(g.guild.id)}, g.guild.id)
    await setting(hearth, "streak_nicknames", False)
    assert g.guild.members[g.member.id].nick is None
    assert g.guild.members[g.moderator.id].nick == "Mo the Great"
    assert await hearth.db.fetchval("SELECT count(*) FROM timers WHERE kind = 'engagement_streaks'") == 0
