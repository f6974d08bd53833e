"""Migration 0012_pings on a database that already has data: who set each stored text comes from its creator,
the engagement totals from the daily counts, and participants and weekly results get their parent's guild_id."""

from __future__ import annotations

from datetime import date

import asyncpg

from core.migrations import run_alembic, upgrade_to_head
from tests.conftest import create_database, drop_database


async def test_upgrade_backfills_authors_totals_and_guild_ids(pg_server) -> None:
    url = await create_database(pg_server, "hearth_pings_backfill")
    try:
        await run_alembic(url, "upgrade", "0007_engagement")
        conn = await asyncpg.connect(url)
        try:
            await conn.execute("INSERT INTO reminders (guild_id, name, channel_id, message, created_by) "
                               "VALUES (1, 'r', 2, '@everyone hi', 7)")
            await conn.execute("INSERT INTO custom_commands (guild_id, name, trigger_type, trigger_value, response, "
                               "created_by) VALUES (1, 'c', 'exact', '!c', '@everyone', 8)")
            await conn.executemany("INSERT INTO engagement_daily_counts (guild_id, user_id, day, messages) "
                                   "VALUES ($1, $2, $3, $4)",
                                   [(1, 5, date(2026, 1, d), d) for d in range(1, 6)] + [(2, 5, date(2026, 1, 1), 9)])
            challenge = await conn.fetchval("INSERT INTO engagement_challenges (guild_id, title) VALUES (3, 't') "
                                            "RETURNING id")
            await conn.execute("INSERT INTO engagement_participants (challenge_id, user_id, message_count) "
                               "VALUES ($1, 5, 4)", challenge)
            week = await conn.fetchval("INSERT INTO engagement_weekly_awards (guild_id, week_start, week_end) "
                                       "VALUES (4, '2026-01-05', '2026-01-11') RETURNING id")
            await conn.execute("INSERT INTO engagement_weekly_results (week_id, award_key, user_id) "
                               "VALUES ($1, 'star', 5)", week)
        finally:
            await conn.close()
        await upgrade_to_head(url)
        conn = await asyncpg.connect(url)
        try:
            assert await conn.fetchval("SELECT message_set_by FROM reminders") == 7
            assert await conn.fetchval("SELECT response_set_by FROM custom_commands") == 8
            totals = await conn.fetch("SELECT guild_id, user_id, messages FROM engagement_member_totals "
                                      "ORDER BY guild_id")
            assert [tuple(r) for r in totals] == [(1, 5, 15), (2, 5, 9)]
            assert await conn.fetchval("SELECT guild_id FROM engagement_participants") == 3
            assert await conn.fetchval("SELECT guild_id FROM engagement_weekly_results") == 4
        finally:
            await conn.close()
    finally:
        await drop_database(pg_server, "hearth_pings_backfill")
