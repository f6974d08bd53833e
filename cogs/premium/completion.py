"""A completed Checkout Session (`checkout.session.completed` / `…async_payment_succeeded`): premium only for a
session Hearth created whose charge matches the price of its tier (rules in verify.py).

`judge` runs before the event's transaction (it reads from Stripe: the session's line items, the subscription);
`apply` runs inside it, with the checkout row locked so two events for one session grant once. A refused
session is recorded (`premium_checkouts.status = 'refused'` with the reason, or only `stripe_events` and a log
line for a session Hearth never created) and never grants; the buyer of a refused Hearth session is told.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

import asyncpg

from cogs.premium import notices, repo
from cogs.premium.event_part import EventPart
from cogs.premium.stripe_gateway import RetryLater
from cogs.premium.stripe_objects import Buyer, object_id, subscription_id_of
from cogs.premium.sync import Outcome
from cogs.premium.verify import charge_problem, marker_problem

if TYPE_CHECKING:
    pass

log = logging.getLogger(__name__)

PAID = ("paid", "no_payment_required")


@dataclass(frozen=True)
class Verdict:
    """What `judge` found: whether the session is Hearth's, and if so whether it may grant."""

    ours: bool
    refusal: str | None = None  # a Hearth session that must not grant, and why
    waiting: bool = False  # paid by a delayed method: `…async_payment_succeeded` follows
    subscription: dict[str, Any] | None = None  # read back from Stripe (subscription mode)


class CheckoutCompletions(EventPart):
    """Judging and applying completed Checkout Sessions."""

    async def judge(self, session: dict[str, Any]) -> Verdict:
        """Check the session against Hearth's record and Stripe's line items (outside any transaction)."""
        session_id = str(session.get("id"))
        record = await repo.checkout(self.pool, session_id)
        problem = marker_problem(record, session)
        if problem is not None:
            log.warning("Stripe checkout session %s ignored, no premium: %s (client_reference_id %r)", session_id,
                        problem, session.get("client_reference_id"))
            return Verdict(ours=False)
        assert record is not None
        if record["status"] != "open":
            return Verdict(ours=True)  # decided by an earlier event; `apply` sees the status and does nothing
        if session.get("payment_status") not in PAID:
            log.info("Checkout session %s completed unpaid (delayed payment method); waiting", session_id)
            return Verdict(ours=True, waiting=True)
        if self.gateway is None:
            raise RetryLater("STRIPE_SECRET_KEY is not configured: the session's line items cannot be read")
        items, more = await self.gateway.line_items(session_id)
        problem = charge_problem(record, session, items, more)
        if problem is not None:
            log.warning("Stripe checkout session %s of user %s refused, no premium: %s", session_id,
                        record["user_id"], problem)
            return Verdict(ours=True, refusal=problem)
        if record["mode"] != "subscription":
            return Verdict(ours=True)
        sub_id = subscription_id_of(session)
        subscription = await self.gateway.subscription(sub_id) if sub_id else None
        if subscription is None:
            return Verdict(ours=True, refusal=f"subscription {sub_id!r} does not exist in Stripe")
        return Verdict(ours=True, subscription=subscription)

    async def apply(self, conn: asyncpg.Connection, session: dict[str, Any], verdict: Verdict,
                    created: datetime) -> Outcome:
        """Grant or refuse, inside the event's transaction."""
        if not verdict.ours or verdict.waiting:
            return Outcome()
        session_id = str(session["id"])
        record = await repo.checkout(conn, session_id, lock=True)
        if record is None or record["status"] != "open":
            return Outcome()  # another event for this session decided already
        now = self.clock.now()
        links = {"payment_intent_id": object_id(session.get("payment_intent")),
                 "subscription_id": subscription_id_of(session)}
        if verdict.refusal is not None:
            await repo.finish_checkout(conn, session_id, status="refused", refusal=verdict.refusal, now=now, **links)
            outcome = Outcome()
            outcome.tell(record["user_id"], notices.not_applied(record["tier"], self.guild_name(record["guild_id"])))
            return outcome
        grant = Buyer(record["user_id"], record["guild_id"], record["tier"])
        if verdict.subscription is not None:
            outcome = await self.sync.apply_subscription(conn, verdict.subscription, created, grant=grant)
        else:
            outcome = await self.sync.apply_lifetime(conn, grant, session, created)
        if outcome.granted_row is None:
            log.warning("Checkout session %s verified but not applied (see the user's DMs)", session_id)
        await repo.finish_checkout(conn, session_id, status="granted" if outcome.granted_row else "not_applied",
                                   now=now, premium_sub_id=outcome.granted_row, **links)
        return outcome
