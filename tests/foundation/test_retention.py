"""Retention of the log tables: each owning cog's daily job deletes what is older than the retention, keeps what
is newer, and honours each guild's own setting (audit_logs, faq_search_logs) or the operator's (stripe_events;
health_check_history is covered in tests/health). Rows are seeded as a busy server would have them; the clock is
moved past the daily job, as a day passing would."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from core import retention
from tests.hearth_harness import Hearth
from utils.errors import BadInput

OTHER_GUILD = 555_000_000_000_000_001  # a guild with no setting: the defaults apply
LONG_GUILD = 555_000_000_000_000_002  # a guild that keeps its records longer than the default
DAY = timedelta(days=1)


def _run_at(hearth: Hearth) -> datetime:
    """When the daily jobs first run: a day after the bot first loaded (plus a minute, to be past them)."""
    return hearth.clock.now() + DAY + timedelta(minutes=1)


async def _audit(hearth: Hearth, guild_id: int, when: datetime, count: int = 1) -> None:
    await hearth.db.execute(
        "INSERT INTO audit_logs (guild_id, user_id, command_name, command_type, success, created_at) "
        "SELECT $1, 7, 'faq search', 'slash', true, $2::timestamptz FROM generate_series(1, $3)",
        guild_id, when, count)


async def _audit_ages(hearth: Hearth, guild_id: int, now: datetime) -> list[timedelta]:
    rows = await hearth.db.fetch("SELECT DISTINCT created_at FROM audit_logs WHERE guild_id = $1 "
                                 "AND command_name = 'faq search' ORDER BY created_at DESC", guild_id)
    return [now - row["created_at"] for row in rows]


async def test_old_command_records_go_each_guild_after_its_own_retention(hearth: Hearth) -> None:
    g = hearth.guild
    set_short = await hearth.discord.slash("config set", user=g.admin, guild=g.guild, scope="audit",
                                           key="retention_days", value="7")
    assert set_short.ephemeral and "audit.retention_days" in set_short.text
    await hearth.bot.guild_settings.set(LONG_GUILD, "audit", "retention_days", 365, changed_by=None)
    run = _run_at(hearth)
    for guild_id in (g.guild.id, OTHER_GUILD, LONG_GUILD, 0):  # 0: commands used in DMs
        for age in (timedelta(days=3), timedelta(days=8), timedelta(days=89), timedelta(days=91),
                    timedelta(days=400)):
            await _audit(hearth, guild_id, run - age)
    await _audit(hearth, OTHER_GUILD, run - timedelta(days=120), count=12_000)  # a backlog: several batches

    await hearth.move_clock(run)

    days = [timedelta(days=n) for n in (3, 8, 89, 91)]
    assert await _audit_ages(hearth, g.guild.id, run) == days[:1]  # its own 7 days
    assert await _audit_ages(hearth, OTHER_GUILD, run) == days[:3]  # the default, 90 days
    assert await _audit_ages(hearth, 0, run) == days[:3]
    assert await _audit_ages(hearth, LONG_GUILD, run) == days  # its own 365 days
    # The job comes back a day later, and keeps deleting what ages past the retention.
    assert await hearth.bot.timers.due_at("audit_logs_retention", "daily") == run + DAY
    await hearth.move_clock(run + DAY * 2)
    assert await _audit_ages(hearth, OTHER_GUILD, run + DAY * 2) == [timedelta(days=n) for n in (5, 10)]


async def test_old_faq_searches_go_after_the_guilds_retention(hearth: Hearth) -> None:
    g = hearth.guild
    result = await hearth.discord.slash("config set", user=g.admin, guild=g.guild, scope="faq",
                                        key="search_log_retention_days", value="30")
    assert result.ephemeral and "faq.search_log_retention_days" in result.text
    run = _run_at(hearth)
    for guild_id in (g.guild.id, OTHER_GUILD):
        for age in (29, 31, 89, 91):
            await hearth.db.execute(
                "INSERT INTO faq_search_logs (guild_id, user_id, query, results_count, searched_at) "
                "VALUES ($1, 7, 'reset password', 1, $2)", guild_id, run - timedelta(days=age))

    await hearth.move_clock(run)

    rows = await hearth.db.fetch("SELECT guild_id, searched_at FROM faq_search_logs "
                                 "ORDER BY guild_id, searched_at DESC")
    kept = [(row["guild_id"], (run - row["searched_at"]).days) for row in rows]
    assert kept == sorted([(g.guild.id, 29), (OTHER_GUILD, 29), (OTHER_GUILD, 31), (OTHER_GUILD, 89)])


async def test_handled_stripe_events_are_kept_for_the_operators_retention(hearth: Hearth) -> None:
    run = _run_at(hearth)
    for age in (29, 89, 91, 365):
        await hearth.db.execute(
            "INSERT INTO stripe_events (event_id, type, created_at, processed_at) VALUES ($1, 'invoice.paid', $2, $2)",
            f"evt_{age}", run - timedelta(days=age))

    await hearth.move_clock(run)

    events = [row["event_id"] for row in await hearth.db.fetch("SELECT event_id FROM stripe_events ORDER BY 1")]
    assert events == ["evt_29", "evt_89"]  # STRIPE_EVENTS_RETENTION_DAYS defaults to 90


async def test_a_retention_setting_outside_its_range_is_refused(hearth: Hearth) -> None:
    g = hearth.guild
    for value in ("0", "4000"):
        with hearth.discord.expect_errors(BadInput):
            result = await hearth.discord.slash("config set", user=g.admin, guild=g.guild, scope="audit",
                                                key="retention_days", value=value)
        assert "must be between 1 and 3650" in result.text
    assert await hearth.db.fetchval("SELECT count(*) FROM bot_settings") == 0


async def test_a_large_backlog_is_deleted_in_bounded_runs(hearth: Hearth, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(retention, "BATCH", 4)
    monkeypatch.setattr(retention, "RUN_LIMIT", 10)
    run = _run_at(hearth)
    await _audit(hearth, OTHER_GUILD, run - timedelta(days=100), count=25)
    await _audit(hearth, OTHER_GUILD, run - timedelta(days=1), count=2)

    left = []
    for minutes in (0, 1, 2):  # one bounded run, then the job comes back a minute later until it is done
        await hearth.move_clock(run + timedelta(minutes=minutes))
        left.append(await hearth.db.fetchval("SELECT count(*) FROM audit_logs WHERE guild_id = $1", OTHER_GUILD))
    assert left == [17, 7, 2]
    assert await hearth.bot.timers.due_at("audit_logs_retention", "daily") == run + timedelta(minutes=2) + DAY
