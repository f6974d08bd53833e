"""Expiry of premium through the timers service: a DM 7 days before `expires_at`, and `expired` at it.

Two job kinds keyed by the subscription row id. They are (re)scheduled in the same transaction that sets or
moves `expires_at` (`arm`), and cancelled when the row stops being active, so nothing polls. Each job carries
the `expires_at` it was armed for: a job whose row has moved on since does nothing.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import asyncpg

from cogs.premium import notices, repo
from cogs.premium.api import announce_change, premium_of
from cogs.premium.stripe_gateway import StripeGateway
from cogs.premium.stripe_objects import LIVE_STATUSES, period_end
from core.db import Executor
from core.timers import Job

if TYPE_CHECKING:
    from core.hearth_bot import HearthBot
    from core.timers import TimerService

log = logging.getLogger(__name__)

WARNING_KIND = "premium_expiry_warning"
EXPIRY_KIND = "premium_expiry"
WARN_BEFORE = timedelta(days=7)
JOB_TIMEOUT = timedelta(minutes=2)  # a Stripe call (its client's own timeout) and a DM


def warns(tier: str, renews: bool) -> bool:
    """Whether a 7-day DM is due: for anything that ends, and before a yearly renewal (monthly renewals are
    announced by Stripe's own receipts; a DM every month would be noise)."""
    return not renews or tier == "yearly"


async def arm(timers: TimerService, conn: asyncpg.Connection, row: asyncpg.Record, now: datetime,
              *, renews: bool) -> None:
    """Schedule (or move, or cancel) the row's warning and expiry jobs, inside the caller's transaction."""
    key = str(row["id"])
    expires_at = row["expires_at"]
    if row["status"] != "active" or expires_at is None:
        await disarm(timers, conn, row["id"])
        return
    payload = {"expires_at": expires_at.isoformat(), "renews": renews}
    await timers.schedule(row["guild_id"], EXPIRY_KIND, key, expires_at, payload, conn=conn)
    if row["expiry_warning_sent_at"] is None and expires_at > now and warns(row["tier"], renews):
        await timers.schedule(row["guild_id"], WARNING_KIND, key, max(now, expires_at - WARN_BEFORE), payload,
                              conn=conn)
    else:
        await timers.cancel(WARNING_KIND, key, conn=conn)


async def disarm(timers: TimerService, conn: Executor, row_id: int) -> None:
    """Cancel both jobs of a row (it was cancelled, replaced or is lifetime)."""
    await timers.cancel(WARNING_KIND, str(row_id), conn=conn)
    await timers.cancel(EXPIRY_KIND, str(row_id), conn=conn)


class ExpiryJobs:
    """The handlers of both kinds, registered by the cog."""

    def __init__(self, bot: HearthBot, pool: Any, gateway: StripeGateway | None) -> None:
        self.bot = bot
        self.pool = pool
        self.gateway = gateway

    def register(self) -> None:
        """Handle both kinds; late jobs (after downtime) still run: a warning or an expiry is never dropped. Both
        must happen, so a job that keeps failing (Stripe unreachable) is retried until it works (a warning whose
        expiry has passed then does nothing: the expiry speaks for itself)."""
        timers = self.bot.timers
        timers.register(WARNING_KIND, self.warn, on_skip=self.warn, timeout=JOB_TIMEOUT,
                        describe=lambda job: f"premium expiry reminder (subscription #{job.key}, sent late)")
        timers.register(EXPIRY_KIND, self.expire, on_skip=self.expire, timeout=JOB_TIMEOUT,
                        describe=lambda job: f"premium expiry (subscription #{job.key}, applied late)")

    def unregister(self) -> None:
        """Stop handling both kinds (their jobs wait in the table)."""
        self.bot.timers.unregister(WARNING_KIND)
        self.bot.timers.unregister(EXPIRY_KIND)

    async def warn(self, job: Job) -> None:
        """DM the 7-day warning, at most once per expiry date."""
        expires_at = datetime.fromisoformat(job.payload["expires_at"])
        now = self.bot.clock.now()
        if expires_at <= now:
            return  # the expiry job speaks for itself
        row = await repo.claim_expiry_warning(self.pool, int(job.key), expires_at, now)
        if row is None:
            return  # already sent, or the row moved on
        text = notices.expiry_warning(row["tier"], notices.guild_name(self.bot, row["guild_id"]), expires_at,
                                      bool(job.payload.get("renews")))
        await notices.send_dm(self.bot, notices.Notice(row["user_id"], text))

    async def expire(self, job: Job) -> None:
        """At `expires_at`: extend if Stripe renewed the subscription meanwhile, else set the row `expired`."""
        row = await repo.by_id(self.pool, int(job.key))
        if (row is None or row["status"] != "active" or row["expires_at"] is None
                or row["expires_at"].isoformat() != job.payload["expires_at"]):
            return
        if await self._renewed(row):
            return
        now = self.bot.clock.now()
        async with self.pool.acquire() as conn, conn.transaction():
            ended = await repo.expire(conn, row["id"], now)
            if ended is not None:
                await timers_cancel_warning(self.bot.timers, conn, row["id"])
                await announce_change(conn, [row["user_id"]])
        if ended is None:
            return
        premium_of(self.bot).invalidate()
        log.info("Premium: subscription #%s of user %s expired", row["id"], row["user_id"])
        text = notices.expired(row["tier"], notices.guild_name(self.bot, row["guild_id"]))
        await notices.send_dm(self.bot, notices.Notice(row["user_id"], text))

    async def _renewed(self, row: asyncpg.Record) -> bool:
        """Ask Stripe whether the subscription was renewed (its webhook may still be on its way); extend if so.

        A Stripe failure raises: the timers service retries the job later instead of expiring a paid user."""
        if row["stripe_subscription_id"] is None or self.gateway is None:
            return False
        subscription = await self.gateway.subscription(row["stripe_subscription_id"])
        now = self.bot.clock.now()
        end = period_end(subscription) if subscription else None
        if subscription is None or subscription.get("status") not in LIVE_STATUSES or end is None or end <= now:
            return False
        async with self.pool.acquire() as conn, conn.transaction():
            await repo.lock_user(conn, row["user_id"])
            extended = await repo.extend(conn, row["id"], end)
            if extended is None:
                return True  # changed meanwhile (cancelled, transferred away …): its new state has its own jobs
            await arm(self.bot.timers, conn, extended, now, renews=not subscription.get("cancel_at_period_end"))
            await announce_change(conn, [row["user_id"]])
        self.bot.timers.rearm()
        premium_of(self.bot).invalidate()
        log.info("Premium: subscription #%s renewed in Stripe until %s (webhook not seen yet)", row["id"], end)
        return True


async def timers_cancel_warning(timers: TimerService, conn: Executor, row_id: int) -> None:
    """Cancel a row's pending warning (it expired first)."""
    await timers.cancel(WARNING_KIND, str(row_id), conn=conn)
