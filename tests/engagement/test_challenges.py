"""Challenges end to end with a hand-moved clock: leaderboard and random modes, manual end, guild isolation."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import asyncpg
import pytest

from cogs.engagement import repo
from cogs.engagement.rules import weighted_pick
from tests.engagement.helpers import cog
from tests.hearth_harness import Hearth
from utils.errors import BadInput

START = datetime(2026, 6, 1, 12, tzinfo=UTC)


async def _start(hearth: Hearth, channel, mode: str, duration: str = "2h", title: str = "Photo week"):
    return await hearth.discord.slash("challenge start", user=hearth.guild.admin, guild=hearth.guild.guild,
                                      options={"channel": channel}, mode=mode, title=title, duration=duration)


async def _chat(hearth: Hearth, channel, counts: dict) -> None:
    for member, n in counts.items():
        for i in range(n):
            await hearth.discord.say(channel, member, f"entry {i}")


async def test_leaderboard_challenge_ends_on_time_with_top_n_and_a_badge(hearth: Hearth) -> None:
    g, d = hearth.guild, hearth.discord
    hearth.clock.set(START)
    arena = g.guild.add_text_channel("arena")
    await d.settle()
    result = await _start(hearth, arena, "leaderboard")
    assert result.ephemeral and "started in" in result.text
    assert "Photo week" in d.last_message(arena).embeds[0]["title"]
    await _chat(hearth, arena, {g.member: 5, g.moderator: 3, g.admin: 1})
    await _chat(hearth, g.general, {g.admin: 9})  # another channel: not part of the challenge
    await cog(hearth).flush()
    await _chat(hearth, arena, {g.admin: 1})  # still buffered when the end comes: it counts
    await hearth.move_clock(START + timedelta(hours=2) - timedelta(seconds=1))
    assert "is over" not in d.last_message(arena).content
    await hearth.move_clock(START + timedelta(hours=2))
    announcement = d.last_message(arena).content
    assert "is over! 3 participant(s), 10 message(s)" in announcement
    lines = announcement.splitlines()
    assert lines[1] == f"🥇 <@{g.member.id}> — 5 message(s)" and lines[2] == f"🥈 <@{g.moderator.id}> — 3 message(s)"
    assert lines[3] == f"🥉 <@{g.admin.id}> — 2 message(s)"
    row = await hearth.db.fetchrow("SELECT active, winner_id, messages_count FROM engagement_challenges")
    assert tuple(row) == (False, g.member.id, 10)
    assert await hearth.db.fetchval("SELECT user_id FROM engagement_badges WHERE badge_key = 'challenge_winner'") \
        == g.member.id
    # After the end, messages there no longer count.
    await _chat(hearth, arena, {g.admin: 4})
    await cog(hearth).flush()
    assert await hearth.db.fetchval("SELECT sum(message_count) FROM engagement_participants") == 10
    assert await hearth.db.fetchval("SELECT count(*) FROM timers WHERE kind = 'engagement_challenge'") == 0


class FixedDraw(random.Random):
    """A random source that always answers `value` (for a draw the test can predict)."""

    def __init__(self, value: float) -> None:
        super().__init__()
        self.value = value

    def random(self) -> float:
        return self.value


def test_the_draw_is_weighted_by_messages() -> None:
    entries = [(1, 5), (2, 3), (3, 0), (4, 2)]
    assert weighted_pick(entries, FixedDraw(0.0)) == 1
    assert weighted_pick(entries, FixedDraw(0.49)) == 1  # 4.9 of 10
    assert weighted_pick(entries, FixedDraw(0.5)) == 2
    assert weighted_pick(entries, FixedDraw(0.79)) == 2
    assert weighted_pick(entries, FixedDraw(0.8)) == 4  # user 3 has no ticket
    assert weighted_pick([], FixedDraw(0.3)) is None
    wins = {1: 0, 2: 0, 4: 0}
    rng = random.Random(7)
    for _ in range(10_000):
        wins[weighted_pick(entries, rng)] += 1
    assert 4_700 < wins[1] < 5_300 and 2_700 < wins[2] < 3_300 and 1_700 < wins[4] < 2_300


async def test_random_challenge_draws_a_weighted_winner(hearth: Hearth) -> None:
    g, d = hearth.guild, hearth.discord
    hearth.clock.set(START)
    cog(hearth).rng = FixedDraw(0.75)  # 0.75 × 8 tickets = 6: past bob's 5, inside mo's 3
    await _start(hearth, g.general, "random", duration="1d")
    await _chat(hearth, g.general, {g.member: 5, g.moderator: 3})
    await hearth.move_clock(START + timedelta(days=1))
    announcement = d.last_message(g.general)
    assert f"The draw picked <@{g.moderator.id}> (3 message(s), so 3 ticket(s))" in announcement.content
    assert await hearth.db.fetchval("SELECT winner_id FROM engagement_challenges") == g.moderator.id


async def test_manual_end_status_and_one_challenge_per_channel(hearth: Hearth) -> None:
    g, d = hearth.guild, hearth.discord
    hearth.clock.set(START)
    await _start(hearth, g.general, "leaderboard", duration="3d")
    with d.expect_errors(BadInput):
        again = await _start(hearth, g.general, "random")
    assert "already has a running challenge" in again.text
    await _chat(hearth, g.general, {g.member: 2})
    status = await d.slash("challenge status", user=g.admin, guild=g.guild)
    assert "Photo week" in status.text and "bob — 2" in status.text
    ended = await d.slash("challenge end", user=g.admin, guild=g.guild)
    assert "is over! 1 participant(s), 2 message(s)" in ended.text
    # The end job is cancelled.
    assert await hearth.db.fetchval("SELECT count(*) FROM timers WHERE kind = 'engagement_challenge'") == 0
    await hearth.move_clock(START + timedelta(days=3))
    assert sum("is over" in m.content for m in d.messages_in(g.general)) == 1


async def test_a_refused_announcement_leaves_no_challenge_running(hearth: Hearth) -> None:
    """Discord failing on the announcement rolls the challenge back: the admin can simply try again."""
    import discord

    from utils.errors import DISCORD_UNAVAILABLE

    g, d = hearth.guild, hearth.discord
    hearth.clock.set(START)
    d.fail("POST", f"/channels/{g.general.id}/messages", 500, times=None)
    async with d.expect_errors(discord.DiscordServerError):
        failed = await _start(hearth, g.general, "leaderboard")
    assert failed.ephemeral and failed.text == DISCORD_UNAVAILABLE
    assert await hearth.db.fetchval("SELECT count(*) FROM engagement_challenges") == 0
    assert await hearth.db.fetchval("SELECT count(*) FROM timers WHERE kind = 'engagement_challenge'") == 0
    d.http.failures.clear()
    again = await _start(hearth, g.general, "leaderboard")
    assert again.text.startswith("✅ Challenge #")
    assert await hearth.db.fetchval("SELECT count(*) FROM engagement_challenges WHERE active") == 1


@pytest.mark.parametrize("duration", ["soon", "0m", "100d"])
async def test_bad_durations_are_refused(hearth: Hearth, duration: str) -> None:
    with hearth.discord.expect_errors(BadInput):
        result = await _start(hearth, hearth.guild.general, "leaderboard", duration=duration)
    assert "duration" in result.text or "90 days" in result.text
    assert await hearth.db.fetchval("SELECT count(*) FROM engagement_challenges") == 0


async def test_a_guild_cannot_end_or_see_another_guilds_challenge(hearth: Hearth) -> None:
    g, d = hearth.guild, hearth.discord
    hearth.clock.set(START)
    other = d.add_guild("Other")
    chat = other.add_text_channel("chat")
    boss = other.add_member("boss", permissions=["manage_guild"])
    await d.settle()
    await d.slash("challenge start", user=boss, guild=other, options={"channel": chat}, mode="leaderboard",
                  title="Theirs", duration="1h")
    await _chat(hearth, chat, {boss: 3})
    status = await d.slash("challenge status", user=g.admin, guild=g.guild)
    assert "Theirs" not in status.text and "No challenge is running" in status.text
    with d.expect_errors(BadInput):
        refused = await d.slash("challenge end", user=g.admin, guild=g.guild)
    assert "No challenge is running" in refused.text
    assert await hearth.db.fetchval("SELECT active FROM engagement_challenges") is True
    await hearth.move_clock(START + timedelta(hours=1))
    assert "is over! 1 participant(s), 3 message(s)" in d.last_message(chat).content
    # The participants carry their guild (every query filters on it), and none can claim another guild's challenge.
    rows = await hearth.db.fetch("SELECT guild_id, user_id, message_count FROM engagement_participants")
    assert [tuple(r) for r in rows] == [(other.id, boss.id, 3)]
    theirs = await hearth.db.fetchval("SELECT id FROM engagement_challenges")
    assert await repo.participants(hearth.db, g.guild.id, theirs) == []
    with pytest.raises(asyncpg.ForeignKeyViolationError):
        await hearth.db.execute("INSERT INTO engagement_participants (guild_id, challenge_id, user_id, message_count) "
                                "VALUES ($1, $2, $3, 99)", g.guild.id, theirs, g.member.id)


async def test_a_tie_goes_to_the_member_who_started_first_even_within_one_flush(hearth: Hearth) -> None:
    """ivan posts 3 messages, then hugo 3, then gina 2, all before one counting flush: ivan and hugo tie, and
    ivan started first, so ivan wins (the order of first participation is recorded, not read from row ids)."""
    g, d = hearth.guild, hearth.discord
    hearth.clock.set(START)
    arena = g.guild.add_text_channel("arena")
    ivan, hugo, gina = (g.guild.add_member(name) for name in ("ivan", "hugo", "gina"))
    await d.settle()
    await _start(hearth, arena, "leaderboard")
    await _chat(hearth, arena, {ivan: 3, hugo: 3, gina: 2})
    result = await d.slash("challenge end", user=g.admin, guild=g.guild, options={"channel": arena})
    assert result.ephemeral
    lines = d.last_message(arena).content.splitlines()
    assert lines[1] == f"🥇 <@{ivan.id}> — 3 message(s)" and lines[2] == f"🥈 <@{hugo.id}> — 3 message(s)"
    assert lines[3] == f"🥉 <@{gina.id}> — 2 message(s)"
    assert await hearth.db.fetchval("SELECT winner_id FROM engagement_challenges") == ivan.id
