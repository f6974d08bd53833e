"""Server insight's counters: messages, joins and leaves counted in memory (no row written per message), added to
`guild_daily_stats` by the flush loop a minute later and at shutdown, per UTC day; bots not counted; kept 400
days by the retention job."""

from __future__ import annotations

from datetime import timedelta

from cogs.insight.cog import FLUSH_INTERVAL, KEEP
from tests.hearth_harness import Hearth


async def _rows(hearth: Hearth) -> list[tuple]:
    rows = await hearth.db.fetch("SELECT guild_id, day, messages, joins, leaves FROM guild_daily_stats "
                                 "ORDER BY guild_id, day")
    return [tuple(row) for row in rows]


async def test_counts_wait_in_memory_and_are_written_by_the_flush_loop(hearth: Hearth) -> None:
    g = hearth.guild
    today = hearth.clock.now().date()
    await hearth.discord.say(g.general, g.member, "one")
    await hearth.discord.say(g.general, g.admin, "two")
    robot = g.guild.add_member("robot", bot=True)
    await hearth.discord.settle()
    await hearth.discord.say(g.general, robot, "beep")  # other bots are not counted
    await hearth.discord.member_join(g.guild, "newcomer")
    assert await _rows(hearth) == []  # nothing written per message
    await hearth.move_clock(hearth.clock.now() + timedelta(seconds=FLUSH_INTERVAL + 1))
    await hearth.discord.settle()
    assert await _rows(hearth) == [(g.guild.id, today, 2, 1, 0)]
    # The next day's counts go to the next day; the ones still in memory are written at shutdown.
    await hearth.move_clock(hearth.clock.now() + timedelta(days=1))
    await hearth.discord.say(g.general, g.member, "tomorrow")
    await hearth.discord.member_leave(g.guild, g.guild.member("newcomer"))
    await hearth.restart()
    assert await _rows(hearth) == [(g.guild.id, today, 2, 1, 0), (g.guild.id, today + timedelta(days=1), 1, 0, 1)]


async def test_days_older_than_400_days_are_pruned(hearth: Hearth) -> None:
    g = hearth.guild
    run = hearth.clock.now() + timedelta(days=1, minutes=1)
    today = run.date()
    for age in (1, 399, 401, 800):
        await hearth.db.execute("INSERT INTO guild_daily_stats (guild_id, day, messages) VALUES ($1, $2, 5)",
                                g.guild.id, today - timedelta(days=age))
    await hearth.move_clock(run)
    kept = [today - row[1] for row in await _rows(hearth)]
    assert kept == [timedelta(days=399), timedelta(days=1)] and KEEP == timedelta(days=400)
    assert await hearth.bot.timers.due_at("guild_daily_stats_retention", "daily") == run + timedelta(days=1)
