"""XP per message: the cooldown on the test's clock, the configurable range, no database round trip per message,
one statement per flush, nothing lost at shutdown or when a write fails, levels off, guild isolation."""

from __future__ import annotations

import asyncpg
import pytest

from cogs.levels import curve
from cogs.levels.api import LevelsApi
from tests.kit.levels import LevelsDesk


async def test_a_member_earns_xp_at_most_once_a_minute(levels: LevelsDesk) -> None:
    d, g = levels.discord, levels.guild
    levels.fixed_xp(20)
    for n in range(5):  # a burst within a minute: only the first counts
        await d.say(g.general, g.member, f"spam {n}")
    levels.hearth.clock.advance(seconds=59)
    await d.say(g.general, g.member, "still within the minute")
    await levels.flush()
    assert await levels.xp(g.member) == 20
    levels.hearth.clock.advance(seconds=1)  # exactly a minute after the first: counts again
    await d.say(g.general, g.member, "a minute later")
    await levels.flush()
    assert await levels.xp(g.member) == 40
    messages = await levels.db.fetchval("SELECT messages FROM levels_members WHERE user_id = $1", g.member.id)
    assert messages == 2  # the messages that earned XP


async def test_the_cooldown_and_the_range_are_settings(levels: LevelsDesk) -> None:
    d, g = levels.discord, levels.guild
    await levels.set("cooldown", 10)
    await levels.set("xp_min", 40)
    await levels.set("xp_max", 30)  # the wrong way round: still the range 30–40
    drawn: list[tuple[int, int]] = []
    levels.cog.rng.randint = lambda low, high: drawn.append((low, high)) or high
    await d.say(g.general, g.member, "one")
    levels.hearth.clock.advance(seconds=9)
    await d.say(g.general, g.member, "too soon")
    levels.hearth.clock.advance(seconds=1)
    await d.say(g.general, g.member, "ten seconds later")
    await levels.flush()
    assert drawn == [(30, 40), (30, 40)]
    assert await levels.xp(g.member) == 80


async def test_members_each_have_their_own_cooldown(levels: LevelsDesk) -> None:
    d, g = levels.discord, levels.guild
    levels.fixed_xp(15)
    for member in (g.member, g.admin, g.moderator, g.member, g.admin):
        await d.say(g.general, member, "hello")
    await levels.flush()
    assert [await levels.xp(m) for m in (g.member, g.admin, g.moderator)] == [15, 15, 15]


async def test_no_database_round_trip_per_message(levels: LevelsDesk) -> None:
    d, g, hearth = levels.discord, levels.guild, levels.hearth
    await levels.talk(g.admin)  # warm-up: the guild's settings and level rules are read once, then cached
    await levels.flush()
    cog = levels.cog

    def trips() -> tuple[int, int]:
        # The levels pool's round trips other than the flush loop's writes (moving the clock lets it run).
        return hearth.bot.db.pools["levels"].acquisitions - cog.flushes, hearth.bot.db.pools["services"].acquisitions

    before = trips()
    for n in range(30):
        hearth.clock.advance(seconds=61)
        await d.say(g.general, (g.member, g.admin, g.moderator)[n % 3], f"message {n}")
    assert trips() == before  # thirty messages earning XP: no database round trip on their path
    await levels.flush()
    assert await levels.db.fetchval("SELECT sum(messages) FROM levels_members") == 31


async def test_one_statement_per_flush(levels: LevelsDesk) -> None:
    d, g = levels.discord, levels.guild
    await levels.set("cooldown", 0)
    for n in range(12):  # the clock stands still: only an explicit flush writes
        await d.say(g.general, (g.member, g.admin, g.moderator)[n % 3], f"message {n}")
    assert await levels.db.fetchval("SELECT count(*) FROM levels_members") == 0
    statements: list[str] = []
    pool = levels.cog.pool
    original = pool.acquire

    def counting_acquire(*args, **kwargs):
        statements.append("acquire")
        return original(*args, **kwargs)

    pool.acquire = counting_acquire
    try:
        assert await levels.cog.flush() == 3  # three members, one write
    finally:
        pool.acquire = original
    assert statements == ["acquire"] and levels.cog.buffer.take() == {}
    assert await levels.db.fetchval("SELECT sum(messages) FROM levels_members") == 12


async def test_levels_off_earns_nothing(levels: LevelsDesk) -> None:
    g = levels.guild
    await levels.set("enabled", False)
    await levels.talk(g.member, 3)
    await levels.flush()
    assert await levels.xp(g.member) == 0 and len(levels.cog.buffer) == 0


async def test_bots_and_webhooks_earn_nothing(levels: LevelsDesk) -> None:
    g = levels.guild
    robot = g.guild.add_member("robot", bot=True)
    await levels.discord.settle()
    await levels.talk(robot, 2)
    await levels.flush()
    assert await levels.xp(robot) == 0


async def test_unflushed_xp_survives_a_restart(levels: LevelsDesk) -> None:
    d, g = levels.discord, levels.guild
    await levels.set("cooldown", 0)
    levels.fixed_xp(25)
    for n in range(3):  # the clock stands still: the flush loop does not run
        await d.say(g.general, g.member, f"message {n}")
    assert await levels.xp(g.member) == 0 and levels.cog.pending_xp(g.guild.id, g.member.id) == 75
    await levels.hearth.restart()  # unloading the cog (as SIGTERM does) writes the buffer
    assert await levels.xp(g.member) == 75


async def test_a_failed_write_keeps_the_xp_for_the_next_flush(levels: LevelsDesk) -> None:
    g = levels.guild
    levels.fixed_xp(20)
    await levels.talk(g.member)
    await levels.db.execute("ALTER TABLE levels_members RENAME TO levels_members_away")
    try:
        with pytest.raises(asyncpg.UndefinedTableError):
            await levels.cog.flush()
    finally:
        await levels.db.execute("ALTER TABLE levels_members_away RENAME TO levels_members")
    await levels.talk(g.member)
    assert await levels.cog.flush() == 1
    assert await levels.xp(g.member) == 40


async def test_another_guild_never_sees_these_members(levels: LevelsDesk) -> None:
    d, g = levels.discord, levels.guild
    other = d.add_guild("Elsewhere")
    lobby = other.add_text_channel("lobby")
    stranger = other.add_member("stranger")
    await d.settle()
    await levels.hearth.bot.guild_settings.set(other.id, "levels", "enabled", True, changed_by=other.owner_id)
    levels.fixed_xp(30)
    await levels.talk(g.member)
    await levels.talk(stranger, channel=lobby)
    await levels.flush()
    rows = await levels.db.fetch("SELECT guild_id, user_id, xp FROM levels_members ORDER BY guild_id")
    assert {(r["guild_id"], r["user_id"], r["xp"]) for r in rows} == {(g.guild.id, g.member.id, 30),
                                                                       (other.id, stranger.id, 30)}
    api = levels.hearth.bot.apis.get(LevelsApi)
    assert await api.xp_of(other.id, g.member.id) == 0 and await api.xp_of(g.guild.id, stranger.id) == 0


def test_the_curve_at_its_boundaries() -> None:
    assert [curve.xp_to_next(level) for level in range(4)] == [100, 155, 220, 295]
    assert [curve.total_xp(level) for level in range(6)] == [0, 100, 255, 475, 770, 1150]
    assert (curve.level_of(0), curve.level_of(99), curve.level_of(100)) == (0, 0, 1)
    assert (curve.level_of(254), curve.level_of(255), curve.level_of(474), curve.level_of(475)) == (1, 2, 2, 3)
    assert curve.level_of(curve.total_xp(50) - 1) == 49 and curve.level_of(curve.total_xp(50)) == 50
    assert curve.level_of(10 ** 15) == curve.MAX_LEVEL
    progress = curve.progress(300)
    assert (progress.level, progress.into_level, progress.needed, progress.remaining) == (2, 45, 220, 175)


async def test_level_boundary_through_messages(levels: LevelsDesk) -> None:
    g = levels.guild
    levels.fixed_xp(20)
    await levels.seed(g.member, 80)
    await levels.talk(g.member)  # 80 → 100: exactly level 1
    await levels.flush()
    assert (await levels.xp(g.member), await levels.level(g.member)) == (100, 1)
    assert [(e.old_level, e.new_level, e.xp) for e in levels.heard] == [(0, 1, 100)]
    await levels.seed(g.member, 234)
    await levels.talk(g.member)  # 254: one short of level 2
    await levels.flush()
    assert await levels.level(g.member) == 1 and len(levels.heard) == 1
    levels.fixed_xp(1)
    await levels.talk(g.member)  # 255: level 2
    await levels.flush()
    assert [(e.old_level, e.new_level) for e in levels.heard] == [(0, 1), (1, 2)]


async def test_a_jump_over_several_levels_is_one_level_up(levels: LevelsDesk) -> None:
    g = levels.guild
    await levels.set("xp_min", 500)
    await levels.set("xp_max", 500)
    await levels.talk(g.member)
    await levels.flush()
    assert [(e.old_level, e.new_level, e.source) for e in levels.heard] == [(0, 3, "activity")]
    assert levels.heard[0].channel_id == g.general.id

