"""GDPR: the engagement cog exports everything it holds about a member (also what is still buffered) and erases
it, keeping the guild's history of challenges and weekly awards with the winner forgotten."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from cogs.engagement.gdpr import TABLES
from core.gdpr import erase_everything, export_everything
from tests.engagement.helpers import cog
from tests.hearth_harness import Hearth

START = datetime(2026, 6, 1, 12, tzinfo=UTC)


async def test_export_and_erase_cover_every_engagement_table(hearth: Hearth) -> None:
    g, d = hearth.guild, hearth.discord
    hearth.clock.set(START)
    await d.slash("challenge start", user=g.admin, guild=g.guild, options={"channel": g.general},
                  mode="leaderboard", title="Sprint", duration="1h")
    for n in range(3):
        await d.say(g.general, g.member, f"mine {n}")
    await d.say(g.general, g.admin, "someone else's")
    await hearth.move_clock(START + timedelta(hours=1))
    engagement = cog(hearth)
    week_id = await hearth.db.fetchval("INSERT INTO engagement_weekly_awards (guild_id, week_start, week_end) "
                                       "VALUES ($1, $2, $3) RETURNING id", g.guild.id, date(2026, 5, 25),
                                       date(2026, 5, 31))
    await hearth.db.execute("INSERT INTO engagement_weekly_results (guild_id, week_id, award_key, user_id, metric) "
                            "VALUES ($1, $2, 'motivator', $3, 9)", g.guild.id, week_id, g.member.id)
    await hearth.db.execute("INSERT INTO engagement_og_claims (guild_id, user_id) VALUES ($1, $2)",
                            g.guild.id, g.member.id)
    await d.say(g.general, g.member, "still buffered when the request comes")
    data, missing = await export_everything(hearth.bot, hearth.db, g.member.id)
    assert missing == []
    mine = data["engagement"]
    assert set(mine) == set(TABLES)
    assert all(mine[table] for table in mine), {t: len(r) for t, r in mine.items()}
    assert len(mine["engagement_weekly_messages"]) == 4  # the buffered message too
    assert mine["engagement_daily_counts"][0]["messages"] == 4
    erasure = await erase_everything(hearth.bot, hearth.db, g.member.id)
    assert erasure.committed and erasure.not_erased == []
    report = erasure.report
    assert report.anonymised["engagement_challenges"] == 1 and report.anonymised["engagement_weekly_results"] == 1
    assert report.deleted["engagement_weekly_messages"] == 4 and report.deleted["engagement_participants"] == 1
    for table, column in (("engagement_daily_counts", "user_id"), ("engagement_member_totals", "user_id"),
                          ("engagement_challenges", "winner_id"),
                          ("engagement_weekly_results", "user_id"), ("engagement_badges", "user_id"),
                          ("engagement_streaks", "user_id"), ("engagement_og_claims", "user_id")):
        assert await hearth.db.fetchval("SELECT count(*) FROM " + table + " WHERE " + column + " = $1",
                                        g.member.id) == 0, table
    # The guild keeps its history, and other members' data is untouched.
    assert await hearth.db.fetchval("SELECT messages_count FROM engagement_challenges") == 4
    assert await hearth.db.fetchval("SELECT count(*) FROM engagement_daily_counts WHERE user_id = $1",
                                    g.admin.id) == 1
    await engagement.flush()
    assert await hearth.db.fetchval("SELECT count(*) FROM engagement_weekly_messages WHERE user_id = $1",
                                    g.member.id) == 0
