"""Weekly awards: computed for the guild's local week, posted once, badges assigned, the set of awards a setting."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import asyncpg
import pytest

from cogs.engagement import repo
from tests.engagement.helpers import cog, setting
from tests.hearth_harness import Hearth

MONDAY_9_BRUSSELS = datetime(2026, 6, 8, 7, tzinfo=UTC)  # Monday 8 June, 09:00 in Brussels (summer time)


@pytest.fixture
async def week(hearth: Hearth):
    """A week of activity in Brussels: bob talks most, mo posts images, alice's message gets the most reactions."""
    g, d = hearth.guild, hearth.discord
    hearth.clock.set(datetime(2026, 6, 1, 10, tzinfo=UTC))
    awards = g.guild.add_text_channel("awards")
    await d.settle()
    await setting(hearth, "timezone", "Europe/Brussels", scope="system")
    await setting(hearth, "awards_channel", awards.id)
    hearth.clock.set(datetime(2026, 6, 3, 12, tzinfo=UTC))
    for n in range(4):
        await d.say(g.general, g.member, f"chatty {n}")
    for n in range(2):
        await d.say(g.general, g.moderator, f"photo {n}", attachments=[(f"p{n}.jpg", b"\xff\xd8fake", "image/jpeg")])
    star = await d.say(g.general, g.admin, "the best joke")
    hearth.clock.set(datetime(2026, 6, 7, 21, 30, tzinfo=UTC))  # Sunday 23:30 in Brussels: still this week
    await d.say(g.general, g.admin, "late Sunday")
    hearth.clock.set(datetime(2026, 6, 7, 22, 30, tzinfo=UTC))  # Monday 00:30 in Brussels: next week
    for n in range(5):
        await d.say(g.general, g.owner, f"next week {n}")
    for user in (g.member, g.moderator, g.owner):
        await d.react(star, user, "😂")
    await cog(hearth).flush()
    return hearth, awards, star


async def test_weekly_awards_are_posted_exactly_once(week) -> None:
    hearth, awards, star = week
    g, d = hearth.guild, hearth.discord
    assert await hearth.bot.timers.due_at("engagement_awards", str(g.guild.id)) == MONDAY_9_BRUSSELS
    await hearth.move_clock(MONDAY_9_BRUSSELS - timedelta(seconds=1))
    assert d.messages_in(awards) == []
    await hearth.move_clock(MONDAY_9_BRUSSELS)
    posts = d.messages_in(awards)
    assert len(posts) == 1
    embed = posts[0].embeds[0]
    assert embed["title"] == "🏆 Weekly awards · 01 Jun – 07 Jun 2026"
    fields = {f["name"]: f["value"] for f in embed["fields"]}
    assert fields["🚀 Motivator"].startswith(f"<@{g.member.id}> — 4 messages")
    assert fields["⭐ Star"].startswith(f"<@{g.admin.id}> — 3 reactions")
    assert f"/{g.general.id}/{star.id}" in fields["⭐ Star"]
    assert fields["📸 Photographer"].startswith(f"<@{g.moderator.id}> — 2 images")
    badges = await hearth.db.fetch("SELECT badge_key, user_id FROM engagement_badges ORDER BY badge_key")
    assert [tuple(b) for b in badges] == [("motivator", g.member.id), ("photographer", g.moderator.id),
                                          ("star", g.admin.id)]
    # Next Monday is planned …
    assert await hearth.bot.timers.due_at("engagement_awards", str(g.guild.id)) == MONDAY_9_BRUSSELS + timedelta(7)
    # … and the same week run again (a retry, a second process, a restart) posts nothing and awards nothing more.
    await hearth.bot.timers.schedule(g.guild.id, "engagement_awards", str(g.guild.id), MONDAY_9_BRUSSELS)
    await hearth.move_clock(MONDAY_9_BRUSSELS + timedelta(minutes=1))
    await hearth.restart()
    assert await cog(hearth).award_week(g.guild.id, date(2026, 6, 1)) is None
    await d.settle()
    assert len(d.messages_in(awards)) == 1
    assert await hearth.db.fetchval("SELECT count(*) FROM engagement_badges") == 3
    assert await hearth.db.fetchval("SELECT count(*) FROM engagement_weekly_awards") == 1
    assert await hearth.db.fetchval("SELECT count(*) FROM engagement_weekly_results") == 3


async def test_which_awards_run_is_a_setting(week) -> None:
    hearth, awards, _ = week
    await setting(hearth, "awards", ["star"])
    await hearth.move_clock(MONDAY_9_BRUSSELS)
    fields = [f["name"] for f in hearth.discord.last_message(awards).embeds[0]["fields"]]
    assert fields == ["⭐ Star"]
    assert await hearth.db.fetchval("SELECT count(*) FROM engagement_badges") == 1


async def test_unsetting_the_channel_stops_the_awards(week) -> None:
    hearth, awards, _ = week
    await hearth.bot.guild_settings.reset(hearth.guild.guild.id, "engagement", "awards_channel", changed_by=1)
    await hearth.discord.settle()
    await hearth.move_clock(MONDAY_9_BRUSSELS)
    assert hearth.discord.messages_in(awards) == []
    assert await hearth.db.fetchval("SELECT count(*) FROM timers WHERE kind = 'engagement_awards'") == 0


async def test_two_guilds_weekly_results_stay_apart(week) -> None:
    hearth, awards, _ = week
    g, d = hearth.guild, hearth.discord
    other = d.add_guild("Other")
    their_awards = other.add_text_channel("their-awards")
    chat = other.add_text_channel("chat")
    stranger = other.add_member("stranger")
    await d.settle()
    await setting(hearth, "awards_channel", their_awards.id, guild=other)
    hearth.clock.set(datetime(2026, 6, 5, 12, tzinfo=UTC))
    for n in range(9):
        await d.say(chat, stranger, f"elsewhere {n}")
    await cog(hearth).flush()
    await hearth.move_clock(MONDAY_9_BRUSSELS + timedelta(hours=2))  # both guilds' weeks are over
    ours = {f["name"]: f["value"] for f in d.last_message(awards).embeds[0]["fields"]}
    assert ours["🚀 Motivator"].startswith(f"<@{g.member.id}> — 4 messages")
    theirs = {f["name"]: f["value"] for f in d.last_message(their_awards).embeds[0]["fields"]}
    assert theirs == {"🚀 Motivator": theirs["🚀 Motivator"]} and theirs["🚀 Motivator"].startswith(
        f"<@{stranger.id}> — 9 messages")
    rows = await hearth.db.fetch("SELECT r.guild_id, w.guild_id AS week_guild, r.user_id "
                                 "FROM engagement_weekly_results r JOIN engagement_weekly_awards w ON w.id = r.week_id")
    assert all(r["guild_id"] == r["week_guild"] for r in rows) and len(rows) == 4
    assert {r["user_id"] for r in rows if r["guild_id"] == other.id} == {stranger.id}
    their_week = await hearth.db.fetchval("SELECT id FROM engagement_weekly_awards WHERE guild_id = $1", other.id)
    assert await repo.results(hearth.db, g.guild.id, their_week) == []
    with pytest.raises(asyncpg.ForeignKeyViolationError):  # a result cannot claim another guild's week
        await hearth.db.execute("INSERT INTO engagement_weekly_results (guild_id, week_id, award_key, user_id) "
                                "VALUES ($1, $2, 'star', $3)", g.guild.id, their_week, g.member.id)
