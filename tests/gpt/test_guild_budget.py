"""The per-guild daily budget of background LLM calls: each request counted, refused once used up (admins told
once a day), refunded when the LLM did not answer, per guild and per UTC day."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta

import pytest

from core.db import HearthPool
from gpt.errors import AIUnavailable, GuildBudgetExceeded
from gpt.quota import cleanup_old_guild_usage
from tests.kit.gpt import GUILD, OTHER_GUILD, ServiceFactory
from tests.llm_standin import LLMStandIn
from utils.clock import ManualClock

ASK = [{"role": "user", "content": "is this an event?"}]


async def budget_rows(db: HearthPool) -> dict[tuple[int, str], tuple[int, bool]]:
    rows = await db.fetch("SELECT guild_id, usage_date, call_count, notified_at FROM gpt_guild_usage")
    return {(r["guild_id"], r["usage_date"].isoformat()): (r["call_count"], r["notified_at"] is not None)
            for r in rows}


async def test_a_burst_of_background_calls_stops_at_the_budget_and_admins_are_told_once(
        make_service: ServiceFactory, llm: LLMStandIn, clean_db: HearthPool) -> None:
    told: list[tuple[int, str]] = []

    async def notice(guild_id: int, refused: GuildBudgetExceeded) -> None:
        told.append((guild_id, refused.message))

    service = make_service(openai_api_key="sk-test", openai_base_url=llm.base_url, ai_guild_daily_budget=4)
    service.on_budget_exhausted = notice
    results = await asyncio.gather(*(service.ask(ASK, guild_id=GUILD, background="embed watcher")
                                     for _ in range(12)), return_exceptions=True)
    assert sum(isinstance(r, str) for r in results) == 4
    assert sum(isinstance(r, GuildBudgetExceeded) for r in results) == 8
    assert len(llm.completions) == 4
    assert await budget_rows(clean_db) == {(GUILD, "2026-01-05"): (4, True)}
    assert len(told) == 1 and told[0][0] == GUILD
    assert "used all 4 of today's AI requests for background features" in told[0][1]
    # Members' own quotas are not touched, and another guild has its own budget.
    assert await clean_db.fetchval("SELECT count(*) FROM gpt_usage") == 0
    await service.ask(ASK, guild_id=OTHER_GUILD, background="embed watcher")
    assert (await budget_rows(clean_db))[(OTHER_GUILD, "2026-01-05")] == (1, False)


async def test_the_budget_comes_back_at_midnight_utc_and_the_notice_is_daily(
        make_service: ServiceFactory, llm: LLMStandIn, clean_db: HearthPool, clock: ManualClock) -> None:
    told: list[int] = []

    async def notice(guild_id: int, _refused: GuildBudgetExceeded) -> None:
        told.append(guild_id)

    service = make_service(openai_api_key="sk-test", openai_base_url=llm.base_url, ai_guild_daily_budget=1)
    service.on_budget_exhausted = notice
    clock.set(datetime(2026, 1, 5, 23, 59, tzinfo=UTC))
    await service.ask(ASK, guild_id=GUILD, background="ticket summary")
    for _ in range(2):
        with pytest.raises(GuildBudgetExceeded) as refused:
            await service.ask(ASK, guild_id=GUILD, background="ticket summary")
    assert f"<t:{int(datetime(2026, 1, 6, tzinfo=UTC).timestamp())}:R>" in refused.value.message
    clock.advance(minutes=1)
    await service.ask(ASK, guild_id=GUILD, background="ticket summary")
    with pytest.raises(GuildBudgetExceeded):
        await service.ask(ASK, guild_id=GUILD, background="ticket summary")
    assert told == [GUILD, GUILD]  # once on each day
    assert await budget_rows(clean_db) == {(GUILD, "2026-01-05"): (1, True), (GUILD, "2026-01-06"): (1, True)}
    assert len(llm.completions) == 2


async def test_a_json_repair_costs_a_second_unit_and_a_failed_call_is_refunded(
        make_service: ServiceFactory, llm: LLMStandIn, clean_db: HearthPool) -> None:
    service = make_service(openai_api_key="sk-test", openai_base_url=llm.base_url)
    llm.raw("not json")
    llm.reply_json({"is_event": False})
    await service.ask_json(ASK, guild_id=GUILD, required=("is_event",), background="embed watcher")
    assert await budget_rows(clean_db) == {(GUILD, "2026-01-05"): (2, False)}
    llm.fail(500, times=3)  # the first try and both retries
    with pytest.raises(AIUnavailable):
        await service.ask_json(ASK, guild_id=GUILD, required=("is_event",), background="embed watcher")
    assert await budget_rows(clean_db) == {(GUILD, "2026-01-05"): (2, False)}


async def test_a_budget_of_zero_turns_background_ai_off(
        make_service: ServiceFactory, llm: LLMStandIn, clean_db: HearthPool) -> None:
    service = make_service(openai_api_key="sk-test", openai_base_url=llm.base_url, ai_guild_daily_budget=0)
    with pytest.raises(GuildBudgetExceeded):
        await service.ask(ASK, guild_id=GUILD, background="embed watcher")
    assert llm.completions == []
    # Member-started calls are charged to the member, not to the guild's budget.
    assert await service.ask(ASK, guild_id=GUILD, user_id=1) == "This is the stand-in's reply."


async def test_cleanup_deletes_guild_counters_before_the_cutoff(clean_db: HearthPool) -> None:
    today = date(2026, 1, 5)
    for days_ago in (0, 7, 8):
        await clean_db.execute("INSERT INTO gpt_guild_usage (guild_id, usage_date, call_count) VALUES ($1, $2, 1)",
                               GUILD, today - timedelta(days=days_ago))
    assert await cleanup_old_guild_usage(clean_db, today - timedelta(days=7)) == 1
    assert sorted(day for _, day in await budget_rows(clean_db)) == ["2025-12-29", "2026-01-05"]
