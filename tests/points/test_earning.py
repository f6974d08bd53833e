"""Earning: messages through the buffer (no database round trip per message, one statement per flush, nothing lost
at shutdown), the cooldown, ignored channels and the off switch, challenge wins and level-ups through the other
features' hooks."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from cogs.points.buffer import ActivityGate, PointsBuffer
from tests.kit.points import PointsDesk


def _trips(desk: PointsDesk) -> dict[str, int]:
    return {owner: desk.hearth.bot.db.pools[owner].acquisitions for owner in ("points", "services")}


async def _activity(desk: PointsDesk, member) -> list[tuple[int, str]]:
    rows = await desk.db.fetch("SELECT amount, reference FROM points_ledger WHERE guild_id = $1 AND user_id = $2 "
                               "AND kind = 'activity' ORDER BY id", desk.server.id, member.id)
    return [(r["amount"], r["reference"]) for r in rows]


async def test_messages_earn_without_a_database_round_trip(desk: PointsDesk) -> None:
    d, g = desk.d, desk.g
    await d.say(g.general, g.admin, "warm-up: the guild's settings are read once, then cached")
    before = _trips(desk)
    for n in range(30):
        await d.say(g.general, (g.member, g.moderator, g.owner)[n % 3], f"message {n}")
    assert _trips(desk) == before  # thirty messages, not one round trip
    assert await desk.db.fetchval("SELECT count(*) FROM points_ledger") == 0
    assert await desk.cog.flush() == 4  # one point per member per minute: the admin and three others
    assert _trips(desk) == {**before, "points": before["points"] + 1}  # one statement for all of them
    assert await desk.balance(g.member) == 1


async def test_each_minute_earns_and_the_days_row_grows(desk: PointsDesk) -> None:
    d, g, clock = desk.d, desk.g, desk.hearth.clock
    before, flushes = _trips(desk), desk.cog.flushes
    for minute in range(5):
        for n in range(6):
            await d.say(g.general, g.member if n % 2 else g.moderator, f"minute {minute} message {n}")
        clock.advance(seconds=61)  # the background flush runs as the clock moves
    await desk.cog.flush()
    # One round trip per flush that had something to write, none per message.
    assert _trips(desk)["points"] - before["points"] == desk.cog.flushes - flushes
    day = clock.now().date().isoformat()
    assert await _activity(desk, g.member) == [(5, f"activity:{day}")]
    assert await desk.balance(g.moderator) == 5
    clock.advance(days=1)
    await d.say(g.general, g.member, "the next day")
    await desk.cog.flush()
    assert [amount for amount, _ in await _activity(desk, g.member)] == [5, 1]
    assert await desk.broken_accounts() == []


async def test_the_cooldown_ignored_channels_and_the_off_switch(desk: PointsDesk) -> None:
    d, g, clock = desk.d, desk.g, desk.hearth.clock
    spam = desk.server.add_text_channel("spam")
    await d.settle()
    await desk.setting("points", "ignored_channels", [spam.id])
    await desk.setting("points", "message_cooldown", 300)
    await desk.setting("points", "message_points", 3)
    await d.say(spam, g.member, "not counted here")
    await d.say(g.general, g.member, "counted")
    clock.advance(seconds=200)
    await d.say(g.general, g.member, "inside the cooldown")
    clock.advance(seconds=101)
    await d.say(g.general, g.member, "after it")
    await desk.setting("points", "enabled", False)
    clock.advance(minutes=10)
    await d.say(g.general, g.member, "points are off")
    await desk.cog.flush()
    assert await desk.balance(g.member) == 6


async def test_shutdown_writes_what_is_buffered(desk: PointsDesk) -> None:
    d, g = desk.d, desk.g
    await d.say(g.general, g.member, "just before the restart")
    await desk.hearth.restart()  # unloading the cog (as SIGTERM does) flushes the buffer
    assert await desk.balance(g.member) == 1


async def test_a_challenge_win_earns_points_once(desk: PointsDesk) -> None:
    d, g = desk.d, desk.g
    await desk.setting("points", "message_points", 0)
    arena = desk.server.add_text_channel("arena")
    await d.settle()
    started = await d.slash("challenge start", user=g.admin, guild=desk.server, options={"channel": arena},
                            mode="leaderboard", title="Sprint", duration="1h")
    assert "started" in started.text
    for n in range(3):
        await d.say(arena, g.member, f"entry {n}")
    await d.say(arena, g.moderator, "one entry")
    ended = await d.slash("challenge end", user=g.admin, guild=desk.server)
    assert "is over" in ended.text
    await desk.hearth.move_clock(desk.hearth.clock.now() + timedelta(hours=2))  # the job was cancelled: nothing more
    await desk.cog.flush()
    challenge = await desk.db.fetchval("SELECT id FROM engagement_challenges")
    rows = await desk.db.fetch("SELECT user_id, amount, reference FROM points_ledger")
    assert [tuple(r) for r in rows] == [(g.member.id, 100, f"challenge:{challenge}")]
    await desk.cog.on_challenge_won(desk.server.id, challenge, g.member.id)  # heard twice: credited once
    await desk.cog.flush()
    assert await desk.balance(g.member) == 100


async def test_level_ups_earn_points_once_per_level_through_the_levels_cog(desk: PointsDesk) -> None:
    g = desk.g
    await desk.setting("levels", "enabled", True)
    given = await desk.d.slash("xp give", user=g.admin, options={"member": g.member, "amount": 300})
    assert "level 2" in given.text, given.text  # 0 → 2: two levels reached at once (100 and 255 XP)
    await desk.cog.flush()
    rows = await desk.db.fetch("SELECT amount, reference, reason FROM points_ledger WHERE user_id = $1 ORDER BY id",
                               g.member.id)
    assert [tuple(r) for r in rows] == [(50, "level:1", "Reached level 1"), (50, "level:2", "Reached level 2")]
    await desk.d.slash("xp remove", user=g.admin, options={"member": g.member, "amount": 300})
    await desk.d.slash("xp give", user=g.admin, options={"member": g.member, "amount": 300})  # the same levels again
    await desk.cog.flush()
    assert await desk.balance(g.member) == 100  # each level earns once


def test_the_buffer_is_bounded_credits_once_and_merges_failed_batches() -> None:
    buffer = PointsBuffer(capacity=2)
    buffer.add(1, 10, 1, "activity", "activity:2026-06-01", "Messages")
    buffer.add(1, 10, 1, "activity", "activity:2026-06-01", "Messages")  # the day's credit grows
    buffer.add(1, 10, 50, "level", "level:5", "Reached level 5")
    buffer.add(1, 10, 50, "level", "level:5", "Reached level 5")  # a one-off credit counts once
    buffer.add(1, 11, 3, "activity", "activity:2026-06-01", "Messages")  # full: dropped and counted
    assert buffer.dropped == 3
    failed = buffer.take()
    assert sorted((e.reference, e.amount) for e in failed) == [("activity:2026-06-01", 2), ("level:5", 50)]
    buffer.add(1, 10, 1, "activity", "activity:2026-06-01", "Messages")
    buffer.put_back(failed)
    assert sorted((e.reference, e.amount) for e in buffer.take()) == [("activity:2026-06-01", 3), ("level:5", 50)]


def test_the_cooldown_memory_is_bounded() -> None:
    gate, start = ActivityGate(max_keys=3), datetime(2026, 6, 1, tzinfo=UTC)
    assert [gate.allow(1, user, start, 60) for user in (1, 2, 3)] == [True, True, True]
    assert gate.allow(1, 1, start + timedelta(seconds=30), 60) is False
    assert gate.allow(1, 4, start + timedelta(days=2), 60) is True  # the day-old keys were swept first
    assert len(gate) == 1
