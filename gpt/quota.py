"""Daily AI quotas per premium tier, counted per user and guild by UTC day.

free 5 a day, monthly 25, yearly and lifetime unlimited (still counted, for statistics and abuse checks).
Only calls a user starts are charged; a call that fails is refunded. The day comes from the bot's clock
(not the database's CURRENT_DATE), so tests move it and every process agrees on UTC.

A GDPR erasure does not reset the quota: it moves the member's counters to `gpt_usage_erased` under a keyed
pseudonym (utils/pseudonyms.py), and a limited charge counts those too (`erased_usage`). Both tables keep
USAGE_RETENTION_DAYS days.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from gpt import repo
from gpt.repo import Executor
from utils.pseudonyms import pseudonym, pseudonym_for_keeping

FREE_DAILY_LIMIT = 5
TIER_DAILY_LIMITS: dict[str | None, int | None] = {
    None: FREE_DAILY_LIMIT,
    "monthly": 25,
    "yearly": None,
    "lifetime": None,
}
USAGE_RETENTION_DAYS = 7


def daily_limit(tier: str | None) -> int | None:
    """Calls a day for `tier` (None = free); None means unlimited. An unknown tier gets the free limit."""
    return TIER_DAILY_LIMITS.get(tier, FREE_DAILY_LIMIT)


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
    limit: int | None
    day: date

    @property
    def remaining(self) -> int | None:
        """Calls left today (None = unlimited)."""
        return None if self.limit is None else max(0, self.limit - self.used)


async def check_and_increment_gpt_quota(pool: Executor, user_id: int, guild_id: int, tier: str | None,
                                        today: date) -> QuotaCheck:
    """Charge one call to (user, guild, today) if the tier's limit allows it, atomically (one SQL statement)."""
    limit = daily_limit(tier)
    erased = await erased_usage(pool, user_id, guild_id, today) if limit is not None else 0
    count = await repo.charge_usage(pool, user_id, guild_id, today, None if limit is None else limit - erased)
    if count is None:
        return QuotaCheck(False, limit or 0, limit, today)
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
