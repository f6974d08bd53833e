"""GET /api/health over real HTTP on the bot's own event loop: the report, its history sampled at most once a
minute whatever the request rate, 503 when the database is down, the retention of the history, and the API
documentation served only when enabled."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import httpx

from cogs.health.cog import CLEANUP_KIND
from core.config import Settings
from core.db import Database
from core.hearth_bot import create_bot
from utils.clock import ManualClock


def _bot(url: str, clock: ManualClock, **options):
    settings = Settings(_env_file=None, sync_commands=False, api_port=0, **options)
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
    assert response.status_code == 200
    body = response.json()
    assert body["service"] == "hearth-bot" and body["version"] == bot.version
    assert body["database"]["status"] == "up"
    assert (body["shard_count"], body["shards"]) == (None, [])  # not connected to Discord in this test
    assert body["commands_24h"] == 1  # the 30-hour-old command is outside the window
    assert body["llm"] == {"status": "not_configured"}
    assert {"health", "audit", "services"} <= set(body["pools"])
    row = await clean_db.fetchrow("SELECT service, db_status, active_commands_24h, gpt_status, checked_at "
                                  "FROM health_check_history")
    assert (row["service"], row["db_status"], row["active_commands_24h"], row["gpt_status"]) == (
        "hearth-bot", "up", 1, "not_configured")
    assert row["checked_at"] == clock.now()


async def test_history_older_than_the_retention_is_deleted_daily(database_url: str, clean_db) -> None:
    clock = ManualClock()
    insert = ("INSERT INTO health_check_history (service, version, uptime_seconds, db_status, checked_at) "
              "VALUES ('hearth-bot', '0', 1, 'up', $1)")
    for age in (timedelta(days=31), timedelta(days=29), timedelta(hours=1)):
        await clean_db.execute(insert, clock.now() - age)
    bot = _bot(database_url, clock)
    async with bot:
        await bot.prepare()  # the cog schedules its daily clean-up job (one for all processes), first in a day
        assert await bot.timers.due_at(CLEANUP_KIND, "daily") == clock.now() + timedelta(days=1)
        await bot.timers.run_due()
        assert await clean_db.fetchval("SELECT count(*) FROM health_check_history") == 3  # not due yet
        clock.advance(days=1)
        await bot.timers.run_due()
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


async def test_the_operator_sets_how_long_health_history_is_kept(database_url: str, clean_db) -> None:
    clock = ManualClock()
    insert = ("INSERT INTO health_check_history (service, version, uptime_seconds, db_status, checked_at) "
              "SELECT 'hearth-bot', '0', 1, 'up', $1::timestamptz - n * interval '1 hour' "
              "FROM generate_series(0, $2 - 1) AS n")
    await clean_db.execute(insert, clock.now() - timedelta(days=8), 12_000)  # a backlog older than a week
    await clean_db.execute(insert, clock.now() - timedelta(days=5), 3)
    bot = _bot(database_url, clock, health_history_retention_days=7)
    async with bot:
        await bot.prepare()
        clock.advance(days=1, minutes=1)  # past the daily job
        await bot.timers.run_due()
    # The backlog went (in batches, in one run); the rows newer than 7 days stayed.
    ages = [clock.now() - row["checked_at"] for row in
            await clean_db.fetch("SELECT checked_at FROM health_check_history ORDER BY checked_at DESC")]
    assert ages == [timedelta(days=6, minutes=1), timedelta(days=6, hours=1, minutes=1),
                    timedelta(days=6, hours=2, minutes=1)]


async def test_a_burst_of_health_checks_keeps_at_most_one_sample_a_minute(database_url: str, clean_db) -> None:
    clock = ManualClock()
    first, second = _bot(database_url, clock), _bot(database_url, clock)  # two processes behind a load balancer
    async with first, second:
        for bot in (first, second):
            await bot.prepare()
            await bot.api.start("127.0.0.1", 0)
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{first.api.port}") as a, \
                httpx.AsyncClient(base_url=f"http://127.0.0.1:{second.api.port}") as b:

            async def burst(count: int) -> set[int]:
                answers = await asyncio.gather(*(client.get("/api/health") for client in (a, b)
                                                 for _ in range(count // 2)))
                return {response.status_code for response in answers}

            samples = []
            for moment in (timedelta(0), timedelta(seconds=30), timedelta(seconds=59), timedelta(seconds=61),
                           timedelta(seconds=90), timedelta(minutes=5)):
                clock.set(ManualClock().now() + moment)
                assert await burst(100) == {200}
                samples.append(await clean_db.fetchval("SELECT count(*) FROM health_check_history"))
    # 600 requests over 5 minutes of clock time, on two processes: one row at 0 s, one at 61 s, one at 5 min.
    assert samples == [1, 1, 1, 2, 2, 3]
    times = [row["checked_at"] - ManualClock().now() for row in
             await clean_db.fetch("SELECT checked_at FROM health_check_history ORDER BY checked_at")]
    assert times == [timedelta(0), timedelta(seconds=61), timedelta(minutes=5)]


async def test_api_documentation_is_served_only_when_enabled(database_url: str, clean_db) -> None:
    for enabled in (False, True):
        bot = _bot(database_url, ManualClock(), api_docs_enabled=enabled)
        async with bot:
            await bot.prepare()
            await bot.api.start("127.0.0.1", 0)
            async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{bot.api.port}") as client:
                answers = {path: (await client.get(path)).status_code for path in ("/docs", "/redoc", "/openapi.json")}
                schema = await client.get("/openapi.json")
                health = await client.get("/api/health")
        assert health.status_code == 200
        if enabled:
            assert answers == {"/docs": 200, "/redoc": 200, "/openapi.json": 200}
            assert "/api/health" in schema.json()["paths"]
        else:
            assert answers == {"/docs": 404, "/redoc": 404, "/openapi.json": 404}


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
