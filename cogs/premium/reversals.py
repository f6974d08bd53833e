"""Refunds and disputes end the premium they paid for: `charge.refunded` (a full refund), `charge.dispute.created`
and `charge.dispute.closed`.

Finding the premium a payment paid for (`find`, before the event's transaction: it reads from Stripe):
- a one-off payment (lifetime): the payment intent of a checkout Hearth granted (`premium_checkouts`);
- a subscription payment (first or renewal): the invoice it paid (`charge.invoice` in older API versions, else
  Stripe's InvoicePayment list for the payment intent) → the invoice's subscription → its premium row, which
  exists only for a subscription Hearth sold.
A payment that paid for no premium (a partial refund, another product) is recorded in `stripe_events` and ignored.

Ending (`apply`, inside the transaction): the reversal is recorded in `premium_reversals`; an active (or lapsed)
row becomes `refunded` or `disputed`, which Stripe events never undo; its expiry jobs are cancelled and the member
is DMed. A subscription that still renews is cancelled in Stripe first, so the member is not charged again.

Closed disputes: `won` (and an inquiry closed without a chargeback, `warning_closed`/`prevented`) restores the row
when no other refund or dispute still ends it: lifetime for good, a subscription until the end of the period it
had paid for (it does not renew: it was cancelled) or `expired` when that is over. `lost` keeps it ended.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import asyncpg

from cogs.premium import notices, repo
from cogs.premium.event_part import EventPart
from cogs.premium.expiry_jobs import arm, disarm
from cogs.premium.stripe_gateway import RetryLater, StripeGateway
from cogs.premium.stripe_objects import ENDED_STATUSES, fully_refunded, object_id, subscription_id_of
from cogs.premium.sync import Outcome

log = logging.getLogger(__name__)

EVENTS = ("charge.refunded", "charge.dispute.created", "charge.dispute.closed")
RESTORING = {"won", "warning_closed", "prevented"}  # the payment stands: what it paid for comes back
ENDED_BY = {"refund": "refunded", "dispute": "disputed"}  # premium_subs.status after a reversal


@dataclass(frozen=True)
class Target:
    """The premium row a refunded or disputed payment paid for (None: no premium)."""

    row_id: int | None
    payment_intent_id: str | None


def _kind(event_type: str) -> str:
    return "refund" if event_type == "charge.refunded" else "dispute"


def _restores(event_type: str, obj: dict[str, Any]) -> bool:
    return event_type == "charge.dispute.closed" and obj.get("status") in RESTORING


class Reversals(EventPart):
    """Finding and applying refunds and disputes."""

    def _stripe(self) -> StripeGateway:
        if self.gateway is None:
            raise RetryLater("STRIPE_SECRET_KEY is not configured: the payment cannot be traced")
        return self.gateway

    async def find(self, event_type: str, obj: dict[str, Any]) -> Target:
        """The premium row the charge or dispute is about; stops its subscription renewing when it ends."""
        payment_intent = object_id(obj.get("payment_intent"))
        if event_type == "charge.refunded" and not fully_refunded(obj):
            log.info("Charge %s refunded in part; premium unchanged", obj.get("id"))
            return Target(None, payment_intent)
        row_id = await self._row_paid_by(obj, payment_intent)
        if row_id is None:
            log.info("Stripe %s %s: the payment paid for no premium; ignored", event_type, obj.get("id"))
            return Target(None, payment_intent)
        if not _restores(event_type, obj):
            await self._stop_renewal(row_id)
        return Target(row_id, payment_intent)

    async def _row_paid_by(self, obj: dict[str, Any], payment_intent: str | None) -> int | None:
        if payment_intent is not None:
            checkout = await repo.granted_by_payment(self.pool, payment_intent)
            if checkout is not None:
                return checkout["premium_sub_id"]
        invoice_id = object_id(obj.get("invoice"))
        if invoice_id is None and payment_intent is not None:
            invoice_id = await self._stripe().invoice_paid_by(payment_intent)
        if invoice_id is None:
            return None
        invoice = await self._stripe().invoice(invoice_id)
        sub_id = subscription_id_of(invoice) if invoice else None
        return await repo.row_id_of_subscription(self.pool, sub_id) if sub_id else None

    async def _stop_renewal(self, row_id: int) -> None:
        row = await repo.by_id(self.pool, row_id)
        sub_id = row["stripe_subscription_id"] if row else None
        if sub_id is None:
            return
        subscription = await self._stripe().subscription(sub_id)
        if subscription is not None and subscription.get("status") not in ENDED_STATUSES:
            await self._stripe().cancel_subscription(sub_id)
            log.info("Premium: cancelled subscription %s in Stripe (its payment was refunded or disputed)", sub_id)

    async def apply(self, conn: asyncpg.Connection, event_type: str, obj: dict[str, Any], target: Target,
                    created: datetime) -> Outcome:
        """Record the reversal and end (or, for a won dispute, restore) the row, inside the event's transaction."""
        outcome = Outcome()
        if target.row_id is None:
            return outcome
        peek = await repo.by_id(conn, target.row_id)
        if peek is None:
            return outcome
        await repo.lock_user(conn, peek["user_id"])
        row = await repo.by_id_for_update(conn, target.row_id)
        if _restores(event_type, obj):
            await repo.close_dispute(conn, row["guild_id"], str(obj["id"]), str(obj["status"]), self.clock.now())
            await self._restore(conn, row, outcome)
            return outcome
        kind = _kind(event_type)
        await repo.record_reversal(conn, guild_id=row["guild_id"], premium_sub_id=row["id"], kind=kind,
                                   object_id=str(obj["id"]), payment_intent_id=target.payment_intent_id,
                                   status=str(obj.get("status") or ENDED_BY[kind]), now=self.clock.now())
        if event_type == "charge.dispute.closed":  # lost: it stays ended (and ends now if its opening was missed)
            await repo.close_dispute(conn, row["guild_id"], str(obj["id"]), str(obj.get("status")), self.clock.now())
        if row["status"] in ("active", "expired"):
            await repo.set_status(conn, row["id"], ENDED_BY[kind], created)
            await disarm(self.sync.timers, conn, row["id"])
            outcome.changed_for(row["user_id"])
            log.info("Premium: row #%s of user %s ended by a %s (%s)", row["id"], row["user_id"], kind, obj["id"])
            if row["status"] == "active":
                outcome.tell(row["user_id"], notices.reversed_payment(row["tier"], self.guild_name(row["guild_id"]),
                                                                      kind))
        return outcome

    async def _restore(self, conn: asyncpg.Connection, row: asyncpg.Record, outcome: Outcome) -> None:
        """A dispute closed in the payment's favour: bring the row back unless something else still ends it."""
        if row["status"] != "disputed" or await repo.reversals_in_effect(conn, row["guild_id"], row["id"]):
            return
        now = self.clock.now()
        if row["expires_at"] is not None and row["expires_at"] <= now:
            await repo.restore(conn, row["id"], "expired")  # its paid period is over meanwhile
            return
        current = await repo.active_for_user(conn, row["user_id"])
        if current is not None and (row["tier"] != "lifetime" or current["tier"] == "lifetime"):
            log.info("Premium: row #%s not restored, user %s has other active premium", row["id"], row["user_id"])
            return
        # A restored lifetime replaces a subscription bought meanwhile, as buying lifetime does.
        await self.sync.make_room(conn, row["user_id"], row["id"], row["tier"], outcome)
        restored = await repo.restore(conn, row["id"], "active")
        await arm(self.sync.timers, conn, restored, now, renews=False)
        outcome.changed_for(row["user_id"])
        outcome.tell(row["user_id"], notices.restored(row["tier"], self.guild_name(row["guild_id"]),
                                                      row["expires_at"]))
