"""Daily AI quotas: atomic under concurrency, per tier, by UTC day, refunded on failure, system calls free."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from core.db import HearthPool
from gpt.errors import AIUnavailable, QuotaExceeded
from gpt.quota import check_and_increment_gpt_quota, cleanup_old_usage, next_reset, refund_gpt_quota, usage_day
from gpt.service import LLMService
from tests.kit.gpt import GUILD, OTHER_GUILD, OTHER_USER, USER, usage
from tests.kit.premium import seed_premium
from tests.llm_standin import DEFAULT_REPLY, Fail, LLMRequest, LLMStandIn
from utils.clock import ManualClock

ASK = [{"role": "user", "content": "hello"}]
TODAY = date(2026, 1, 5)


async def test_free_tier_gets_five_a_day_then_is_refused(clean_db: HearthPool) -> None:
    counts = [await check_and_increment_gpt_quota(clean_db, USER, GUILD, None, TODAY) for _ in range(6)]
    assert [c.allowed for c in counts] == [True] * 5 + [False]
    assert [c.used for c in counts[:5]] == [1, 2, 3, 4, 5]
    assert counts[4].remaining == 0 and counts[5].limit == 5
    assert await usage(clean_db) == {"2026-01-05": 5}


async def test_twenty_concurrent_calls_at_limit_five_reach_the_llm_five_times(
        service: LLMService, llm: LLMStandIn, clean_db: HearthPool) -> None:
    results = await asyncio.gather(*(service.ask(ASK, guild_id=GUILD, user_id=USER) for _ in range(20)),
                                   return_exceptions=True)
    answers = [r for r in results if isinstance(r, str)]
    refused = [r for r in results if isinstance(r, QuotaExceeded)]
    assert len(answers) == 5 and len(refused) == 15, results
    assert len(llm.completions) == 5
    assert await usage(clean_db) == {"2026-01-05": 5}


async def test_premium_tiers_get_more_and_yearly_lifetime_stop_at_the_fair_use_ceiling(clean_db: HearthPool) -> None:
    monthly = [await check_and_increment_gpt_quota(clean_db, USER, GUILD, "monthly", TODAY) for _ in range(26)]
    assert sum(c.allowed for c in monthly) == 25 and not monthly[-1].allowed
    for tier, user in (("yearly", OTHER_USER), ("lifetime", OTHER_USER + 1)):
        checks = [await check_and_increment_gpt_quota(clean_db, user, GUILD, tier, TODAY, fair_use_limit=40)
                  for _ in range(41)]
        assert [c.allowed for c in checks] == [True] * 40 + [False]
        assert checks[-1].limit == 40 and checks[39].remaining == 0
        assert await usage(clean_db, user) == {"2026-01-05": 40}
    default = [await check_and_increment_gpt_quota(clean_db, OTHER_USER + 2, GUILD, "lifetime", TODAY)
               for _ in range(101)]
    assert sum(c.allowed for c in default) == 100  # AI_FAIR_USE_DAILY_LIMIT's default


async def test_premium_member_gets_25_through_the_service(
        service: LLMService, llm: LLMStandIn, clean_db: HearthPool) -> None:
    await seed_premium(clean_db, USER, GUILD, "monthly")
    for _ in range(25):
        await service.ask(ASK, guild_id=GUILD, user_id=USER)
    with pytest.raises(QuotaExceeded) as refused:
        await service.ask(ASK, guild_id=GUILD, user_id=USER)
    assert "all 25 of your AI requests" in refused.value.message
    assert "Premium members get more" not in refused.value.message
    assert len(llm.completions) == 25
    # Premium applies to its own guild only: elsewhere the same user is on the free limit.
    await clean_db.execute("INSERT INTO gpt_usage (user_id, guild_id, usage_date, call_count) VALUES ($1, $2, $3, 5)",
                           USER, OTHER_GUILD, TODAY)
    with pytest.raises(QuotaExceeded):
        await service.ask(ASK, guild_id=OTHER_GUILD, user_id=USER)


async def test_over_quota_message_gives_the_reset_time_and_no_ai_text(
        service: LLMService, llm: LLMStandIn, clock: ManualClock) -> None:
    clock.set(datetime(2026, 3, 10, 17, 30, tzinfo=UTC))
    for _ in range(5):
        await service.ask(ASK, guild_id=GUILD, user_id=USER)
    with pytest.raises(QuotaExceeded) as refused:
        await service.ask(ASK, guild_id=GUILD, user_id=USER)
    midnight = int(datetime(2026, 3, 11, tzinfo=UTC).timestamp())
    assert refused.value.message == (
        f"You've used all 5 of your AI requests for today on this server. They reset <t:{midnight}:R> "
        "(midnight UTC). Premium members get more requests per day."
    )
    assert DEFAULT_REPLY not in refused.value.message
    assert len(llm.completions) == 5
    # ensure_ready (used before opening a modal) refuses the same way, without charging.
    with pytest.raises(QuotaExceeded):
        await service.ensure_ready(GUILD, USER)


async def test_days_are_utc_and_roll_over_at_utc_midnight(
        service: LLMService, llm: LLMStandIn, clean_db: HearthPool, clock: ManualClock) -> None:
    # 01:30 in UTC+02:00 is still the previous day in UTC.
    clock.set(datetime(2026, 1, 6, 1, 30, tzinfo=timezone(timedelta(hours=2))))
    assert usage_day(clock.now()) == date(2026, 1, 5)
    assert next_reset(clock.now()) == datetime(2026, 1, 6, tzinfo=UTC)
    for _ in range(5):
        await service.ask(ASK, guild_id=GUILD, user_id=USER)
    with pytest.raises(QuotaExceeded):
        await service.ask(ASK, guild_id=GUILD, user_id=USER)
    clock.set(datetime(2026, 1, 5, 23, 59, 59, tzinfo=UTC))
    with pytest.raises(QuotaExceeded):
        await service.ask(ASK, guild_id=GUILD, user_id=USER)
    clock.advance(seconds=1)  # midnight UTC
    await service.ask(ASK, guild_id=GUILD, user_id=USER)
    assert await usage(clean_db) == {"2026-01-05": 5, "2026-01-06": 1}
    assert len(llm.completions) == 6


async def test_system_calls_are_not_charged(service: LLMService, llm: LLMStandIn, clean_db: HearthPool) -> None:
    for _ in range(8):  # more than any free limit
        assert await service.ask(ASK, guild_id=GUILD) == "This is the stand-in's reply."
    assert await clean_db.fetchval("SELECT count(*) FROM gpt_usage") == 0
    assert len(llm.completions) == 8


@pytest.mark.parametrize("status", [500, 429])
async def test_failed_call_is_refunded_after_bounded_retries(
        service: LLMService, llm: LLMStandIn, clean_db: HearthPool, status: int) -> None:
    await service.ask(ASK, guild_id=GUILD, user_id=USER)
    llm.fail(status, times=3)
    with pytest.raises(AIUnavailable) as failed:
        await service.ask(ASK, guild_id=GUILD, user_id=USER)
    assert failed.value.message == ("The AI service is not answering right now, try again later. "
                                    "This request did not count against your daily AI limit.")
    assert len(llm.completions) == 4  # one success, then the failing call tried 1 + 2 retries
    assert await usage(clean_db) == {"2026-01-05": 1}


async def test_a_retry_that_succeeds_is_charged_once(
        service: LLMService, llm: LLMStandIn, clean_db: HearthPool) -> None:
    llm.fail(500)
    llm.reply("second try worked")
    assert await service.ask(ASK, guild_id=GUILD, user_id=USER) == "second try worked"
    assert await usage(clean_db) == {"2026-01-05": 1}


async def test_timeout_is_refunded(service: LLMService, llm: LLMStandIn, clean_db: HearthPool) -> None:
    assert service.client is not None
    service.client.timeout, service.client.max_retries = 0.1, 0
    llm.hang()
    with pytest.raises(AIUnavailable):
        await service.ask(ASK, guild_id=GUILD, user_id=USER)
    assert await usage(clean_db) == {"2026-01-05": 0}
    assert len(llm.completions) == 1


async def test_refund_never_goes_below_zero(clean_db: HearthPool) -> None:
    await refund_gpt_quota(clean_db, USER, GUILD, TODAY)  # no row at all
    assert await usage(clean_db) == {}
    await check_and_increment_gpt_quota(clean_db, USER, GUILD, None, TODAY)
    await refund_gpt_quota(clean_db, USER, GUILD, TODAY)
    await refund_gpt_quota(clean_db, USER, GUILD, TODAY)
    assert await usage(clean_db) == {"2026-01-05": 0}


async def test_refund_goes_to_the_day_that_was_charged(
        service: LLMService, llm: LLMStandIn, clean_db: HearthPool, clock: ManualClock) -> None:
    clock.set(datetime(2026, 1, 5, 23, 59, 59, tzinfo=UTC))

    def fail_after_midnight(_request: LLMRequest) -> Fail:
        clock.set(datetime(2026, 1, 6, 0, 0, 5, tzinfo=UTC))  # the call straddles midnight, then fails
        return Fail(503)

    llm.respond_with(fail_after_midnight)
    with pytest.raises(AIUnavailable):
        await service.ask(ASK, guild_id=GUILD, user_id=USER)
    assert await usage(clean_db) == {"2026-01-05": 0}


async def test_counters_are_per_guild(service: LLMService, llm: LLMStandIn, clean_db: HearthPool) -> None:
    for _ in range(5):
        await service.ask(ASK, guild_id=GUILD, user_id=USER)
    await service.ask(ASK, guild_id=OTHER_GUILD, user_id=USER)
    assert await usage(clean_db) == {"2026-01-05": 5}
    assert await usage(clean_db, USER, OTHER_GUILD) == {"2026-01-05": 1}


async def test_cleanup_deletes_only_days_before_the_cutoff(clean_db: HearthPool) -> None:
    for days_ago in (0, 6, 7, 8, 30):
        day = TODAY - timedelta(days=days_ago)
        await check_and_increment_gpt_quota(clean_db, USER, GUILD, None, day)
    deleted = await cleanup_old_usage(clean_db, TODAY - timedelta(days=7))
    assert deleted == 2
    assert list(await usage(clean_db)) == ["2025-12-29", "2025-12-30", "2026-01-05"]
