"""Two bot processes writing XP for the same members: each level-up is decided by the one write that crossed the
boundary (the flush's RETURNING), so it is announced — and its hook fired — exactly once."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from cogs.levels import curve, repo
from cogs.levels.api import LevelUp
from tests.kit.levels import LevelsDesk
from tests.waiting import eventually

NOW = datetime(2026, 6, 3, 12, tzinfo=UTC)


async def test_concurrent_writes_see_disjoint_xp_intervals(levels: LevelsDesk) -> None:
    """The decision itself, with the interleaving forced: the second writer waits on the first's row lock and then
    adds to what the first wrote."""
    g = levels.guild
    await levels.seed(g.member, 90)
    key = (g.guild.id, g.member.id, 20, 1, 0)
    async with levels.db.acquire() as first, levels.db.acquire() as second:
        async with first.transaction():
            [mine] = await repo.flush(first, [key], NOW)  # holds the row until it commits
            blocked_pid = second.get_server_pid()
            waiting = asyncio.ensure_future(_in_transaction(second, key))

            async def blocked() -> bool:
                return bool(await levels.db.fetchval(
                    "SELECT wait_event_type = 'Lock' FROM pg_stat_activity WHERE pid = $1", blocked_pid))

            await eventually(blocked, timeout=10, message="the second write never waited for the row lock")
            assert not waiting.done()
        [theirs] = await waiting
    assert (mine["xp"], theirs["xp"]) == (110, 130)
    crossed = [curve.level_of(row["xp"] - 20) < curve.level_of(row["xp"]) for row in (mine, theirs)]
    assert crossed == [True, False]


async def _in_transaction(conn, key):
    async with conn.transaction():
        return await repo.flush(conn, [key], NOW)


async def test_two_processes_announce_a_level_up_once(levels: LevelsDesk) -> None:
    d, g, hearth = levels.discord, levels.guild, levels.hearth
    other = await d.connect(hearth.make_bot(cogs=["config", "levels"]))
    try:
        heard_other: list[LevelUp] = []

        async def on_hearth_level_up(event: LevelUp) -> None:
            heard_other.append(event)

        other.add_listener(on_hearth_level_up)
        cogs = [hearth.bot.get_cog("Levels"), other.get_cog("Levels")]
        for cog in cogs:
            cog.rng.randint = lambda low, high: 20
        members = [g.member, g.admin, g.moderator]
        for round_ in range(3):
            for member in members:
                await levels.seed(member, curve.total_xp(round_ + 1) - 10)  # 10 XP below the next level
            hearth.clock.advance(seconds=61)
            for member in members:  # both processes receive each message and buffer 20 XP
                await d.say(g.general, member, f"round {round_}")
            await asyncio.gather(*(cog.flush() for cog in cogs))
            await d.settle()
        events = levels.heard + heard_other
        assert sorted((e.user_id, e.new_level) for e in events) == sorted(
            (m.id, level) for m in members for level in (1, 2, 3))
        announced = [m for m in d.messages_in(g.general) if "reached **level" in m.content]
        assert len(announced) == 9
        assert sorted(m.content for m in announced) == sorted(
            f"🎉 {m.mention} reached **level {level}**!" for m in members for level in (1, 2, 3))
    finally:
        await d.disconnect(other)
