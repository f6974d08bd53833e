"""GET /api/health over real HTTP on the bot's own event loop: the report, its history row, 503 when the
database is down, and the 30-day cleanup."""

from __future__ import annotations

from datetime import timedelta

import httpx

from cogs.health.cog import CLEANUP_KIND
from utils.clock import ManualClock
from utils.config import Settings
from utils.db import Database
from utils.hearth_bot import create_bot


def _bot(url: str, clock: ManualClock):
    settings = Settings(_env_file=None, sync_commands=False, api_port=0)
    return create_bot(settings, Database(url, max_connections=20, acquire_timeout=1), clock=clock,
                      cogs=["health", "audit"])


async def test_health_reports_and_keeps_history(database_url: str, clean_db) -> None:
    clock = ManualClock()
    await clean_db.execute(
        "INSERT INTO audit_logs (guild_id, user_id, command_name, command_type, success, created_at) "
        "VALUES (1, 2, 'config set', 'slash', true, $1), (1, 2, 'config get', 'slash', true, $2)",
        clock.now() - timedelta(hours=1), clock.now() - timedelta(hours=30),
    )
    bot = _bot(database_url, clock)
    async with bot:
        await bot.prepare()
        await bot.api.start("127.0.0.1", 0)
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{bot.api.port}") as client:
            response = await client.get("/api/health")
            docs = await client.get("/openapi.json")
    assert response.status_code == 200
    body = response.json()
    assert body["service"] == "hearth-bot" and body["version"] == bot.version
    assert body["database"]["status"] == "up"
    assert (body["shard_count"], body["shards"]) == (None, [])  # not connected to Discord in this test
    assert body["commands_24h"] == 1  # the 30-hour-old command is outside the window
    assert body["llm"] == {"status": "not_configured"}
    assert {"health", "audit", "services"} <= set(body["pools"])
    assert "/api/health" in docs.json()["paths"]
    row = await clean_db.fetchrow("SELECT service, db_status, active_commands_24h, gpt_status, checked_at "
                                  "FROM health_check_history")
    assert (row["service"], row["db_status"], row["active_commands_24h"], row["gpt_status"]) == (
        "hearth-bot", "up", 1, "not_configured")
    assert row["checked_at"] == clock.now()


async def test_cleanup_deletes_history_older_than_30_days(database_url: str, clean_db) -> None:
    clock = ManualClock()
    insert = ("INSERT INTO health_check_history (service, version, uptime_seconds, db_status, checked_at) "
              "VALUES ('hearth-bot', '0', 1, 'up', $1)")
    for age in (timedelta(days=31), timedelta(days=29), timedelta(hours=1)):
        await clean_db.execute(insert, clock.now() - age)
    bot = _bot(database_url, clock)
    async with bot:
        await bot.prepare()  # the cog schedules its daily clean-up job (one for all processes), first in a day
        assert await bot.timers.due_at(CLEANUP_KIND, "daily") == clock.now() + timedelta(days=1)
        assert (await bot.timers.run_due()).ran == 0
        clock.advance(days=1)
        assert (await bot.timers.run_due()).ran == 1
        assert await clean_db.fetchval("SELECT count(*) FROM health_check_history") == 2  # the 31-day row went
        await clean_db.execute(insert, clock.now() - timedelta(days=29))
        clock.advance(days=3)  # the job is 2 days late (run anyway: housekeeping); the 29-day rows are now 32 and 33
        await bot.timers.run_due()
        assert await bot.timers.due_at(CLEANUP_KIND, "daily") == clock.now() + timedelta(days=1)
        second = _bot(database_url, clock)  # another process loading the cog keeps the one job
        async with second:
            await second.prepare()
        assert await clean_db.fetchval("SELECT count(*) FROM timers WHERE kind = $1", CLEANUP_KIND) == 1
    assert await clean_db.fetchval("SELECT count(*) FROM health_check_history") == 1


async def test_health_is_503_while_the_database_is_down(outage_db) -> None:
    bot = _bot(outage_db.url, ManualClock())
    async with bot:
        await bot.prepare()
        await bot.api.start("127.0.0.1", 0)
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{bot.api.port}", timeout=10) as client:
            assert (await client.get("/api/health")).status_code == 200
            await outage_db.stop()
            try:
                down = await client.get("/api/health")
            finally:
                await outage_db.start()
            assert down.status_code == 503
            assert down.json()["database"]["status"] == "down"
            again = await client.get("/api/health")
        assert again.status_code == 200  # the pool reconnects on its own
