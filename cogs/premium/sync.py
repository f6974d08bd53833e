"""Applying what Stripe says to `premium_subs`, inside the transaction that records the event.

Rules (also in docs/premium.md):
- A premium row is created only for a checkout Hearth created and verified (`grant`, see completion.py); events
  about any other subscription, whatever its metadata says, are ignored.
- A subscription is premium until the end of its paid period; `past_due` (Stripe retrying a failed renewal) does
  not extend it. `canceled`/`unpaid`/`incomplete_expired`/`paused` end it (`cancelled`, which is final; so are
  `refunded` and `disputed`, see reversals.py).
- Events can arrive out of order: a subscription event older than the row's `stripe_updated_at` changes nothing.
- One active premium per user. A new purchase replaces the user's active one (the old row becomes `cancelled`,
  the user is told to cancel a still-renewing old subscription) — except that lifetime premium is never replaced
  by a subscription.
- Every writer takes the user's advisory lock first, so concurrent events for one user apply one after another.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import asyncpg

from cogs.premium import notices, repo
from cogs.premium.expiry_jobs import arm, disarm
from cogs.premium.stripe_objects import (
    ENDED_STATUSES,
    LIVE_STATUSES,
    RETRYING_STATUSES,
    Buyer,
    customer_id,
    period_end,
    tier_of,
    timestamp,
)
from core.timers import TimerService

log = logging.getLogger(__name__)

TierOfPrice = Callable[[str | None], str | None]  # the operator's price id → its tier
GuildName = Callable[[int], str]
FINAL_STATUSES = {"cancelled", "refunded", "disputed"}  # Stripe events never bring these rows back


@dataclass
class Outcome:
    """What applying one event did: DMs to send after commit, and whether any row changed (and whose)."""

    notices: list[notices.Notice] = field(default_factory=list)
    changed: bool = False
    users: set[int] = field(default_factory=set)  # whose premium changed: every process's cache drops them
    granted_row: int | None = None  # the premium_subs row a verified checkout created

    def changed_for(self, user_id: int) -> None:
        """A row of this user changed."""
        self.changed = True
        self.users.add(user_id)

    def tell(self, user_id: int, text: str) -> None:
        """Queue a DM for after the commit."""
        self.notices.append(notices.Notice(user_id, text))


class SubscriptionSync:
    """Turns Stripe objects into `premium_subs` rows, timers and notices."""

    def __init__(self, timers: TimerService, clock: Any, tier_of_price: TierOfPrice, guild_name: GuildName) -> None:
        self.timers = timers
        self.clock = clock
        self.tier_of_price = tier_of_price
        self.guild_name = guild_name

    async def apply_subscription(self, conn: asyncpg.Connection, subscription: dict[str, Any], created: datetime,
                                 *, grant: Buyer | None = None, previous: dict[str, Any] | None = None) -> Outcome:
        """Bring the subscription's row in line with `subscription` (a snapshot taken at `created`). Only `grant`
        (a verified checkout of Hearth's, for this subscription) may create the row."""
        outcome = Outcome()
        sub_id = subscription["id"]
        peek = await repo.owner_of_subscription(conn, sub_id)
        user_id = peek["user_id"] if peek else grant.user_id if grant else None
        if user_id is None:
            log.info("Premium: subscription %s did not come from a checkout Hearth created; ignored", sub_id)
            return outcome
        await repo.lock_user(conn, user_id)
        row = await repo.by_stripe_subscription(conn, sub_id)
        if row is None and grant is None:
            return outcome
        if row is not None and row["stripe_updated_at"] is not None and created < row["stripe_updated_at"]:
            log.info("Premium: event for %s from %s is older than the row (%s); ignored", sub_id, created,
                     row["stripe_updated_at"])
            return outcome
        if row is not None and row["status"] in FINAL_STATUSES:
            return outcome  # final: a cancelled, refunded or disputed subscription never comes back by itself
        status = subscription.get("status")
        renews = status in LIVE_STATUSES and not subscription.get("cancel_at_period_end")
        if status in ENDED_STATUSES:
            if row is not None:
                await self._cancel(conn, row, created, outcome)
            return outcome
        if status not in LIVE_STATUSES | RETRYING_STATUSES:
            return outcome  # incomplete: the first payment is still under way; checkout completion follows
        if row is None:
            assert grant is not None and grant.tier is not None
            guild_id, tier = grant.guild_id, grant.tier  # the tier whose price the checkout was verified to charge
        else:
            guild_id, tier = row["guild_id"], tier_of(subscription, self.tier_of_price, row["tier"])
        if status in RETRYING_STATUSES:
            if row is not None and row["status"] == "active":  # keep what was paid, do not extend
                await self._update(conn, row, tier, row["expires_at"], subscription, created, renews, outcome)
            return outcome
        end = period_end(subscription)
        if row is None:
            await self._activate(conn, user_id, guild_id, tier, sub_id, customer_id(subscription), end, created,
                                 renews, outcome)
        elif row["status"] != "active":  # expired after a failed renewal, now paid again
            if await self.make_room(conn, user_id, row["id"], tier, outcome):
                await self._update(conn, row, tier, end, subscription, created, renews, outcome)
                outcome.tell(user_id, notices.activated(tier, self.guild_name(row["guild_id"]), end, renews))
        else:
            await self._update(conn, row, tier, end, subscription, created, renews, outcome)
            if (previous or {}).get("cancel_at_period_end") is False and subscription.get("cancel_at_period_end"):
                outcome.tell(user_id, notices.will_not_renew(tier, self.guild_name(row["guild_id"]), end))
        return outcome

    async def apply_lifetime(self, conn: asyncpg.Connection, buyer: Buyer, session: dict[str, Any],
                             created: datetime) -> Outcome:
        """A paid and verified one-off checkout: lifetime premium for the buyer in the guild they bought it in."""
        outcome = Outcome()
        await repo.lock_user(conn, buyer.user_id)
        if await self.make_room(conn, buyer.user_id, None, "lifetime", outcome):
            row = await repo.insert_active(conn, user_id=buyer.user_id, guild_id=buyer.guild_id, tier="lifetime",
                                           subscription_id=None, customer_id=customer_id(session), expires_at=None,
                                           now=self.clock.now(), stripe_updated_at=created)
            outcome.changed_for(buyer.user_id)
            outcome.granted_row = row["id"]
            outcome.tell(buyer.user_id, notices.activated("lifetime", self.guild_name(row["guild_id"]), None, False))
        return outcome

    async def payment_failed(self, conn: asyncpg.Connection, invoice: dict[str, Any], sub_id: str,
                             created: datetime) -> Outcome:
        """A renewal payment failed: tell the user; if the paid period is over, premium lapses (`expired`) until
        a payment goes through (then `invoice.paid` brings it back)."""
        outcome = Outcome()
        peek = await repo.owner_of_subscription(conn, sub_id)
        if peek is None:
            return outcome  # the first payment of a checkout: Stripe shows the error on the checkout page
        await repo.lock_user(conn, peek["user_id"])
        row = await repo.by_stripe_subscription(conn, sub_id)
        if row is None or row["status"] in FINAL_STATUSES:
            return outcome
        lapsed = row["status"] == "active" and row["expires_at"] is not None and row["expires_at"] <= self.clock.now()
        if lapsed:
            await repo.set_status(conn, row["id"], "expired", created)
            await disarm(self.timers, conn, row["id"])
            outcome.changed_for(row["user_id"])
        outcome.tell(row["user_id"], notices.payment_failed(
            row["tier"], self.guild_name(row["guild_id"]), timestamp(invoice.get("next_payment_attempt")),
            lapsed or row["status"] == "expired"))
        return outcome

    # --- steps -------------------------------------------------------------------------------------------------

    async def _activate(self, conn: asyncpg.Connection, user_id: int, guild_id: int, tier: str, sub_id: str,
                        customer: str | None, end: datetime | None, created: datetime, renews: bool,
                        outcome: Outcome) -> None:
        if not await self.make_room(conn, user_id, None, tier, outcome):
            return
        row = await repo.insert_active(conn, user_id=user_id, guild_id=guild_id, tier=tier, subscription_id=sub_id,
                                       customer_id=customer, expires_at=end, now=self.clock.now(),
                                       stripe_updated_at=created)
        await arm(self.timers, conn, row, self.clock.now(), renews=renews)
        outcome.changed_for(user_id)
        outcome.granted_row = row["id"]
        outcome.tell(user_id, notices.activated(tier, self.guild_name(guild_id), end, renews))

    async def _update(self, conn: asyncpg.Connection, row: asyncpg.Record, tier: str, end: datetime | None,
                      subscription: dict[str, Any], created: datetime, renews: bool, outcome: Outcome) -> None:
        updated = await repo.update_from_stripe(conn, row["id"], status="active", tier=tier, expires_at=end,
                                                customer_id=customer_id(subscription), stripe_updated_at=created)
        await arm(self.timers, conn, updated, self.clock.now(), renews=renews)
        outcome.changed_for(row["user_id"])

    async def _cancel(self, conn: asyncpg.Connection, row: asyncpg.Record, created: datetime,
                      outcome: Outcome) -> None:
        await repo.set_status(conn, row["id"], "cancelled", created)
        await disarm(self.timers, conn, row["id"])
        outcome.changed_for(row["user_id"])
        if row["status"] == "active":
            outcome.tell(row["user_id"], notices.cancelled(row["tier"], self.guild_name(row["guild_id"])))

    async def make_room(self, conn: asyncpg.Connection, user_id: int, keep_id: int | None, tier: str,
                         outcome: Outcome) -> bool:
        """Free the user's one active slot for a new or revived row; False when lifetime premium keeps it."""
        current = await repo.active_for_user(conn, user_id)
        if current is None or current["id"] == keep_id:
            return True
        guild = self.guild_name(current["guild_id"])
        if current["tier"] == "lifetime":
            log.warning("Premium: user %s bought %s while lifetime premium is active; not applied", user_id, tier)
            outcome.tell(user_id, notices.kept_lifetime(guild))
            return False
        await repo.set_status(conn, current["id"], "cancelled")
        await disarm(self.timers, conn, current["id"])
        outcome.tell(user_id, notices.replaced(current["tier"], guild, current["stripe_subscription_id"] is not None))
        return True
