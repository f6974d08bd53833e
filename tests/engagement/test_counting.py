"""Buffered counting: no database write per message, one set-based statement per table per flush, nothing lost at
shutdown, a bounded buffer, reactions, ignored channels, guild isolation."""

from __future__ import annotations

from datetime import UTC, date, datetime

import asyncpg
import pytest

from cogs.engagement.buffer import EngagementBuffer
from tests.engagement.helpers import cog, setting
from tests.hearth_harness import Hearth

NOON = datetime(2026, 6, 3, 12, tzinfo=UTC)


async def _counts(hearth: Hearth, guild_id: int) -> dict[int, int]:
    rows = await hearth.db.fetch("SELECT user_id, sum(messages) AS n FROM engagement_daily_counts WHERE guild_id = $1 "
                                 "GROUP BY user_id", guild_id)
    return {r["user_id"]: r["n"] for r in rows}


async def test_messages_are_buffered_then_written_with_one_statement_per_table(hearth: Hearth) -> None:
    g, d = hearth.guild, hearth.discord
    hearth.clock.set(NOON)
    engagement = cog(hearth)
    await d.say(g.general, g.admin, "warm-up: the guild's settings are read once, then cached")

    def trips() -> dict[str, int]:
        return {owner: hearth.bot.db.pools[owner].acquisitions for owner in ("engagement", "services")}

    before = trips()
    for n in range(29):
        await d.say(g.general, g.member if n % 3 else g.admin, f"message {n}")
    await d.say(g.general, g.member, "look", attachments=[("cat.png", b"\x89PNG fake", "image/png")])
    # Thirty-one messages: no database round trip at all on the message path.
    assert trips() == before
    assert await hearth.db.fetchval("SELECT count(*) FROM engagement_weekly_messages") == 0
    assert await engagement.flush() == 31
    assert engagement.last_statements == 3  # weekly index, daily counts, streaks
    assert await _counts(hearth, g.guild.id) == {g.member.id: 20, g.admin.id: 11}
    assert await hearth.db.fetchval("SELECT count(*) FROM engagement_weekly_messages WHERE has_image") == 1
    day = await hearth.db.fetchval("SELECT DISTINCT day FROM engagement_daily_counts")
    assert day == date(2026, 6, 3)
    assert await engagement.flush() == 0  # nothing left


async def test_shutdown_writes_what_is_buffered(hearth: Hearth) -> None:
    g, d = hearth.guild, hearth.discord
    hearth.clock.set(NOON)
    for n in range(7):
        await d.say(g.general, g.member, f"before shutdown {n}")
    await hearth.restart()  # unloading the cog (as SIGTERM does) flushes the buffer
    assert await _counts(hearth, g.guild.id) == {g.member.id: 7}
    assert await hearth.db.fetchval("SELECT count(*) FROM engagement_weekly_messages") == 7


async def test_a_failed_write_keeps_the_counts_for_the_next_flush(hearth: Hearth) -> None:
    g, d = hearth.guild, hearth.discord
    hearth.clock.set(NOON)
    engagement = cog(hearth)
    await d.say(g.general, g.member, "one")
    await hearth.db.execute("ALTER TABLE engagement_daily_counts RENAME TO engagement_daily_counts_away")
    try:
        with pytest.raises(asyncpg.UndefinedTableError):
            await engagement.flush()
    finally:
        await hearth.db.execute("ALTER TABLE engagement_daily_counts_away RENAME TO engagement_daily_counts")
    await d.say(g.general, g.member, "two")
    assert await engagement.flush() == 2
    assert await _counts(hearth, g.guild.id) == {g.member.id: 2}
    streak = await hearth.db.fetchrow("SELECT current_days, last_day FROM engagement_streaks")
    assert tuple(streak) == (1, date(2026, 6, 3))


def test_the_buffer_is_bounded_and_merges_failed_batches() -> None:
    buffer = EngagementBuffer(message_capacity=5, key_capacity=2)
    day = date(2026, 6, 3)
    for n in range(8):
        buffer.add_message(1, 10, 100, n, NOON, day, False, None)
    assert len(buffer) == 5 and buffer.dropped_messages == 3  # the index is bounded …
    assert buffer.take().daily == {(1, 10, day): 8}  # … the counters are not affected
    buffer.add_message(1, 11, 100, 50, NOON, day, False, None)
    buffer.add_message(1, 12, 100, 51, NOON, day, False, None)  # full: a daily and a streak key
    assert buffer.dropped_increments == 1
    failed = buffer.take()
    buffer.add_message(1, 11, 100, 52, NOON, day, False, None)
    buffer.put_back(failed)
    assert buffer.take().daily == {(1, 11, day): 2}


async def test_ignored_channels_and_the_off_switch(hearth: Hearth) -> None:
    g, d = hearth.guild, hearth.discord
    hearth.clock.set(NOON)
    spam = g.guild.add_text_channel("spam")
    await d.settle()
    await setting(hearth, "ignored_channels", [spam.id])
    await d.say(spam, g.member, "not counted")
    await d.say(g.general, g.member, "counted")
    await setting(hearth, "enabled", False)
    await d.say(g.general, g.member, "not counted either")
    await cog(hearth).flush()
    assert await _counts(hearth, g.guild.id) == {g.member.id: 1}


async def test_reaction_counts_follow_adds_and_removes(hearth: Hearth) -> None:
    g, d = hearth.guild, hearth.discord
    hearth.clock.set(NOON)
    engagement = cog(hearth)
    message = await d.say(g.general, g.member, "vote for me")
    await engagement.flush()
    for user in (g.admin, g.moderator, g.owner):
        await d.react(message, user, "⭐")
    await d.unreact(message, g.owner, "⭐")
    await d.react(message, g.admin, "🎉")
    await engagement.flush()
    assert await hearth.db.fetchval("SELECT reactions_count FROM engagement_weekly_messages WHERE message_id = $1",
                                    message.id) == 3


async def test_guilds_never_see_each_others_counts(hearth: Hearth) -> None:
    g, d = hearth.guild, hearth.discord
    hearth.clock.set(NOON)
    other = d.add_guild("Other")
    chat = other.add_text_channel("chat")
    stranger = other.add_member("stranger")
    await d.settle()
    for n in range(5):
        await d.say(chat, stranger, f"elsewhere {n}")
    await d.say(g.general, g.member, "here")
    await cog(hearth).flush()
    assert await _counts(hearth, g.guild.id) == {g.member.id: 1}
    assert await _counts(hearth, other.id) == {stranger.id: 5}
    totals = await hearth.db.fetch("SELECT guild_id, user_id, messages FROM engagement_member_totals ORDER BY guild_id")
    assert sorted(tuple(r) for r in totals) == sorted([(g.guild.id, g.member.id, 1), (other.id, stranger.id, 5)])
    board = await d.slash("leaderboard", user=g.member, guild=g.guild, period="all")
    assert board.files and board.files[0].filename == "leaderboard.png"
    # Without Attach Files the leaderboard is text: only this guild's member is on it.
    g.guild.set_overwrite(g.general, g.guild.bot_role, deny=["attach_files"])
    await d.settle()
    text = await d.slash("leaderboard", user=g.member, guild=g.guild, channel=g.general, period="all")
    assert not text.files
    assert "stranger" not in text.text and "#1** bob — 1 message(s)" in text.text
