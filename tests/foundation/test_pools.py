"""The pool factory: budget, names, timeouts; cogs open and close their pools without leaking connections."""

from __future__ import annotations

import logging

import pytest

from core.config import Settings
from core.db import Database, PoolBudgetExceeded
from core.hearth_bot import create_bot


async def _connections(pool, application_name: str) -> int:
    return await pool.fetchval(
        "SELECT count(*) FROM pg_stat_activity WHERE application_name = $1 AND datname = current_database()",
        application_name,
    )


async def test_budget_shrinks_then_refuses(database_url: str, caplog) -> None:
    db = Database(database_url, max_connections=5)
    try:
        first = await db.create_pool("first", 3)
        with caplog.at_level(logging.WARNING, logger="core.db"):
            second = await db.create_pool("second", 3)
        assert (first.get_max_size(), second.get_max_size()) == (3, 2)
        assert "asked for 3 connections but only 2 are left" in caplog.text
        with pytest.raises(PoolBudgetExceeded, match="DB_MAX_CONNECTIONS"):
            await db.create_pool("third", 1)
        await first.close()
        assert db.budget.available == 3
        third = await db.create_pool("third", 1)
        assert db.budget.reserved == {"second": 2, "third": 1}
        assert sorted(db.pools) == ["second", "third"]
        await third.close()
    finally:
        await db.close_all()
    assert db.budget.available == 5 and db.pools == {}


async def test_pool_names_itself_and_decodes_json(database_url: str, pool) -> None:
    db = Database(database_url, max_connections=4)
    try:
        named = await db.create_pool("reminders", 2)
        assert await named.fetchval("SELECT current_setting('application_name')") == "hearth:reminders"
        assert await named.fetchval("SELECT '{\"a\": [1, 2]}'::jsonb") == {"a": [1, 2]}
        assert await _connections(pool, "hearth:reminders") == 1
    finally:
        await db.close_all()
    assert await _connections(pool, "hearth:reminders") == 0


async def test_acquire_waits_at_most_the_acquire_timeout(database_url: str) -> None:
    db = Database(database_url, max_connections=1, acquire_timeout=0.05)
    try:
        single = await db.create_pool("single", 1)
        async with single.acquire():
            with pytest.raises(TimeoutError):
                await single.fetchval("SELECT 1")  # the only connection is taken
    finally:
        await db.close_all()


async def test_command_timeout_stops_a_slow_query(database_url: str) -> None:
    db = Database(database_url, max_connections=1, command_timeout=0.1)
    try:
        slow = await db.create_pool("slow", 1)
        with pytest.raises(TimeoutError):
            await slow.execute("SELECT pg_sleep(5)")
    finally:
        await db.close_all()


def _bot(database_url: str, max_connections: int = 10, cogs: list[str] | None = None):
    settings = Settings(_env_file=None, sync_commands=False)
    return create_bot(settings, Database(database_url, max_connections=max_connections),
                      cog_package="tests.fake_cogs", cogs=cogs)


async def test_broken_cog_is_reported_and_the_rest_load(database_url: str, caplog) -> None:
    bot = _bot(database_url)
    async with bot:
        with caplog.at_level(logging.ERROR, logger="core.hearth_bot"):
            loaded = await bot.load_cogs()
        assert loaded == ["greedy", "healthy"]
        assert bot.cog_failures == {"broken": "RuntimeError: this cog is broken on purpose"}
        assert "Cog broken failed to load" in caplog.text
        assert bot.get_cog("Healthy").loaded_value == 42
        assert bot.settings_registry.get("healthy", "enabled") is not None


async def test_cog_selection_limits_what_loads(database_url: str) -> None:
    bot = _bot(database_url, cogs=["healthy"])
    async with bot:
        assert await bot.load_cogs() == ["healthy"]
        assert bot.get_cog("Greedy") is None


async def test_cog_reload_leaks_no_connection(database_url: str, pool) -> None:
    bot = _bot(database_url, cogs=["healthy"])
    async with bot:
        await bot.load_cogs()
        assert await _connections(pool, "hearth:healthy") == 1
        for _ in range(5):
            await bot.reload_extension("tests.fake_cogs.healthy")
        assert await _connections(pool, "hearth:healthy") == 1
        assert bot.db.budget.reserved == {"healthy": 2}
        await bot.unload_extension("tests.fake_cogs.healthy")
        assert await _connections(pool, "hearth:healthy") == 0
        assert bot.db.budget.reserved == {}
        assert bot.settings_registry.get("healthy", "enabled") is None


async def test_cog_that_does_not_fit_the_budget_fails_alone(database_url: str) -> None:
    bot = _bot(database_url, max_connections=2, cogs=["healthy", "greedy"])
    async with bot:
        # Cogs load in name order: greedy is shrunk to the whole budget, healthy then finds nothing left.
        assert await bot.load_cogs() == ["greedy"]
        assert bot.get_cog("Greedy").pool.get_max_size() == 2
        assert "PoolBudgetExceeded" in bot.cog_failures["healthy"]
    assert bot.db.pools == {}


async def test_every_cog_loads_within_the_default_connection_budget(hearth) -> None:
    """A new cog's pool must still fit in DB_MAX_CONNECTIONS' default: a cog whose pool does not fit fails to
    load (or, when the budget is short, every later pool shrinks)."""
    bot = hearth.bot
    assert bot.cog_failures == {}
    budget = Settings(_env_file=None).db_max_connections
    wanted = {owner: sizes["max"] for owner, sizes in bot.db.pool_sizes().items()}
    assert sum(wanted.values()) <= budget, wanted
    assert all(cog.pool_size <= wanted.get(cog.pool_owner, 0) for cog in bot.cogs.values()
               if getattr(cog, "pool_size", 0)), "a cog's pool was shrunk to fit the budget"
