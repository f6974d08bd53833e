"""Daily AI quotas: per premium tier for the calls members start, and a per-guild budget for background calls.

Members: free 5 a day, monthly 25, yearly and lifetime up to a fair-use ceiling the operator sets
(`AI_FAIR_USE_DAILY_LIMIT`, default 100), counted per user and guild by UTC day. Only calls a user starts are
charged to them; a call that fails is refunded.

Guilds: background features nobody starts on purpose (the embed watcher, ticket summaries and FAQ drafts) are
counted per guild and UTC day against `AI_GUILD_DAILY_BUDGET`; when it is used up they stop until midnight UTC.

The day comes from the bot's clock (not the database's CURRENT_DATE), so tests move it and every process agrees
on UTC.

A GDPR erasure does not reset the quota: it moves the member's counters to `gpt_usage_erased` under a keyed
pseudonym (core/pseudonyms.py), and a charge counts those too (`erased_usage`). Both tables keep
USAGE_RETENTION_DAYS days.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from core.db import Executor
from core.pseudonyms import pseudonym, pseudonym_for_keeping
from gpt import repo

FREE_DAILY_LIMIT = 5
FAIR_USE = "fair use"  # the tier's ceiling is the operator's AI_FAIR_USE_DAILY_LIMIT
DEFAULT_FAIR_USE_DAILY_LIMIT = 100  # the default of AI_FAIR_USE_DAILY_LIMIT
DEFAULT_GUILD_DAILY_BUDGET = 100  # the default of AI_GUILD_DAILY_BUDGET
TIER_DAILY_LIMITS: dict[str | None, int | str] = {
    None: FREE_DAILY_LIMIT,
    "monthly": 25,
    "yearly": FAIR_USE,
    "lifetime": FAIR_USE,
}
USAGE_RETENTION_DAYS = 7


def daily_limit(tier: str | None, fair_use_limit: int = DEFAULT_FAIR_USE_DAILY_LIMIT) -> int:
    """Calls a day for `tier` (None = free); every tier has a finite limit. An unknown tier gets the free limit."""
    limit = TIER_DAILY_LIMITS.get(tier, FREE_DAILY_LIMIT)
    return fair_use_limit if limit == FAIR_USE else int(limit)


def is_fair_use_tier(tier: str | None) -> bool:
    """Whether `tier`'s limit is the operator's fair-use ceiling (yearly, lifetime)."""
    return TIER_DAILY_LIMITS.get(tier) == FAIR_USE


def usage_day(now: datetime) -> date:
    """The UTC day a call made at `now` counts on."""
    return now.astimezone(UTC).date()


def next_reset(now: datetime) -> datetime:
    """When today's quota resets: the next midnight UTC after `now`."""
    return datetime.combine(usage_day(now) + timedelta(days=1), time(0), tzinfo=UTC)


@dataclass(frozen=True)
class QuotaCheck:
    """The outcome of a charge: allowed or not, the count after it (or the count that refused it), the limit."""

    allowed: bool
    used: int
    limit: int
    day: date

    @property
    def remaining(self) -> int:
        """Calls left today."""
        return max(0, self.limit - self.used)


async def check_and_increment_gpt_quota(pool: Executor, user_id: int, guild_id: int, tier: str | None,
                                        today: date, *,
                                        fair_use_limit: int = DEFAULT_FAIR_USE_DAILY_LIMIT) -> QuotaCheck:
    """Charge one call to (user, guild, today) if the tier's limit allows it, atomically (one SQL statement)."""
    limit = daily_limit(tier, fair_use_limit)
    erased = await erased_usage(pool, user_id, guild_id, today)
    count = await repo.charge_usage(pool, user_id, guild_id, today, limit - erased)
    if count is None:
        return QuotaCheck(False, limit, limit, today)
    return QuotaCheck(True, count + erased, limit, today)


async def refund_gpt_quota(pool: Executor, user_id: int, guild_id: int, day: date) -> None:
    """Give back a call charged on `day` (the day of the charge, even if midnight passed since)."""
    await repo.refund_usage(pool, user_id, guild_id, day)


async def usage_today(pool: Executor, user_id: int, guild_id: int, today: date) -> int:
    """Calls counted today for (user, guild), including those counted before an erasure of the user's data."""
    return await repo.usage_on(pool, user_id, guild_id, today) + await erased_usage(pool, user_id, guild_id, today)


async def cleanup_old_usage(pool: Executor, before_date: date) -> int:
    """Delete counters of days before `before_date` (e.g. today − 7 days), kept ones too; returns the rows deleted."""
    return await repo.delete_usage_before(pool, before_date) + await repo.delete_erased_usage_before(pool, before_date)


async def erased_usage(pool: Executor, user_id: int, guild_id: int, day: date) -> int:
    """Calls the user made on `day` in the guild before they had their data erased (0 if they never did)."""
    key = await pseudonym(pool, user_id)
    return 0 if key is None else await repo.erased_usage_on(pool, key, guild_id, day)


async def keep_usage_of_erased_user(conn: Executor, user_id: int) -> int:
    """GDPR erasure: move the user's counters under their pseudonym (the quota holds); returns the rows moved."""
    return await repo.move_usage_to_erased(conn, user_id, await pseudonym_for_keeping(conn, user_id))


async def kept_usage_of(pool: Executor, user_id: int) -> list[dict]:
    """The counters kept under the user's pseudonym since an earlier erasure (for their export)."""
    key = await pseudonym(pool, user_id)
    return [] if key is None else [dict(row) for row in await repo.erased_usage_of(pool, key)]


# --- the guild budget of background calls ---------------------------------------------------------------


async def charge_guild_budget(pool: Executor, guild_id: int, today: date, limit: int) -> QuotaCheck:
    """Charge one background call to (guild, today) if `limit` allows it, atomically (one SQL statement)."""
    count = await repo.charge_guild_usage(pool, guild_id, today, limit)
    if count is None:
        return QuotaCheck(False, limit, limit, today)
    return QuotaCheck(True, count, limit, today)


async def refund_guild_budget(pool: Executor, guild_id: int, day: date) -> None:
    """Give back a background call charged on `day` (the LLM did not answer)."""
    await repo.refund_guild_usage(pool, guild_id, day)


async def claim_budget_notice(pool: Executor, guild_id: int, day: date, now: datetime) -> bool:
    """True for the first caller on `day` who finds the guild's budget used up: that one tells the admins."""
    return await repo.claim_guild_notice(pool, guild_id, day, now)


async def guild_usage_today(pool: Executor, guild_id: int, today: date) -> int:
    """Background calls counted today for the guild."""
    return await repo.guild_usage_on(pool, guild_id, today)


async def cleanup_old_guild_usage(pool: Executor, before_date: date) -> int:
    """Delete guild counters of days before `before_date`; returns the rows deleted."""
    return await repo.delete_guild_usage_before(pool, before_date)
