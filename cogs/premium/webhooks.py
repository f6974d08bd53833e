"""`POST /webhooks/stripe`: Stripe tells the bot about payments; verified, idempotent, order-tolerant.

- The signature is checked on the raw body with the endpoint secret (`stripe.WebhookSignature.verify_header`,
  Stripe's 5-minute tolerance): a bad signature or a replayed old delivery is 400. A signed body that is not an
  event of the expected shape (`malformed`) is 400 too, and bodies over the API's size limit are 413. Without a
  secret nothing is accepted (503): an unsigned endpoint would let anyone grant themselves premium.
- Each event id is inserted into `stripe_events` in the same transaction as its effect: a redelivery (or a
  concurrent duplicate, which waits on the primary key) finds it and changes nothing.
- A completed checkout grants premium only when Hearth created the session and it charged the operator's price
  of its tier (completion.py, verify.py); anything else is recorded (`stripe_events`, `premium_checkouts`, the
  log) and ignored. Events about subscriptions Hearth did not sell change nothing.
- Full refunds and disputes end the premium they paid for; a won dispute restores it (reversals.py).
- Where the event alone does not say enough (checkout completion, paid invoices, refunds), Stripe is asked
  before the event's transaction (line items, the subscription, the invoice a payment paid), so the current
  state is applied whatever order events arrive in.
- The effect's transaction also notifies every bot process (`announce_change`, LISTEN/NOTIFY): each drops the
  user's cached premium answers, whichever process received the webhook.
- Database or Stripe trouble answers 503 and nothing is recorded: Stripe delivers the event again later.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

import asyncpg
from fastapi import Request
from fastapi.responses import JSONResponse

from cogs.premium import notices, repo
from cogs.premium.api import announce_change, premium_of
from cogs.premium.completion import CheckoutCompletions
from cogs.premium.reversals import EVENTS as REVERSAL_EVENTS
from cogs.premium.reversals import Reversals
from cogs.premium.stripe_gateway import RetryLater, StripeFailure, StripeGateway
from cogs.premium.stripe_objects import subscription_id_of, timestamp
from cogs.premium.sync import Outcome, SubscriptionSync
from core.http_api import Routes
from utils.errors import DATABASE_ERRORS
from utils.lazy_import import lazy_module

if TYPE_CHECKING:
    import stripe

    from core.hearth_bot import HearthBot
else:
    stripe = lazy_module("stripe")  # ~9 MiB resident: imported at the first webhook delivery, not at start-up

log = logging.getLogger(__name__)

PATH = "/webhooks/stripe"
TOLERANCE_SECONDS = 300  # stripe.Webhook.DEFAULT_TOLERANCE (tests/premium check they agree)
MAX_CREATED = 253_402_300_800  # year 10000: later "created" values do not fit a timestamp
CHECKOUT_EVENTS = ("checkout.session.completed", "checkout.session.async_payment_succeeded")
HANDLED = (*CHECKOUT_EVENTS, "customer.subscription.updated", "customer.subscription.deleted", "invoice.paid",
           "invoice.payment_failed", *REVERSAL_EVENTS)  # the events to enable on the endpoint (docs/premium.md)

class _KeyedLocks:
    """One asyncio lock per event id while deliveries of it are in flight in this process: duplicates wait
    for the first instead of all calling Stripe (the database guarantees once-only across processes)."""

    def __init__(self) -> None:
        self._locks: dict[str, tuple[asyncio.Lock, int]] = {}

    @asynccontextmanager
    async def hold(self, key: str) -> AsyncIterator[None]:
        lock, users = self._locks.get(key, (asyncio.Lock(), 0))
        self._locks[key] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._locks[key]
            if users == 1:
                del self._locks[key]
            else:
                self._locks[key] = (lock, users - 1)


class StripeWebhooks:
    """The route and the handling of each event type."""

    def __init__(self, bot: HearthBot, pool: Any, sync: SubscriptionSync, gateway: StripeGateway | None) -> None:
        self.bot = bot
        self.pool = pool
        self.sync = sync
        self.gateway = gateway
        guild_name = sync.guild_name
        self.completions = CheckoutCompletions(pool, gateway, sync, bot.clock, guild_name)
        self.reversals = Reversals(pool, gateway, sync, bot.clock, guild_name)
        self._in_flight = _KeyedLocks()
        self.router = Routes()
        self.router.add_api_route(PATH, self.receive, methods=["POST"], summary="Stripe webhook endpoint",
                                  response_description="200 once handled (or already handled before)")

    async def receive(self, request: Request) -> JSONResponse:
        """Verify, then handle one delivery."""
        secret = self.bot.config.stripe_webhook_secret
        if secret is None:
            return _answer(503, error="Stripe webhooks are not configured on this bot (STRIPE_WEBHOOK_SECRET).")
        body = await request.body()
        try:
            # Only the signature check: building Stripe's event object would crash (500) on a signed body that
            # is JSON but not an object; the shape is checked below, by `malformed`.
            stripe.WebhookSignature.verify_header(body, request.headers.get("stripe-signature"),
                                                  secret.get_secret_value(), TOLERANCE_SECONDS)
            event = json.loads(body)
        except stripe.SignatureVerificationError as exc:
            log.warning("Stripe webhook refused: %s", exc.user_message or exc)
            return _answer(400, error="invalid or expired signature")
        except ValueError:  # not JSON (or not UTF-8)
            return _answer(400, error="malformed event")
        problem = malformed(event)
        if problem is not None:
            log.warning("Stripe webhook refused: signed but malformed event (%s)", problem)
            return _answer(400, error="malformed event")
        event_id, event_type = event["id"], event["type"]
        try:
            async with self._in_flight.hold(event_id):
                duplicate = not await self.process(event)
        except RetryLater as exc:
            return _answer(503, error=str(exc))
        except StripeFailure as exc:
            return _answer(503, error=f"could not read from Stripe: {exc.message}")
        except DATABASE_ERRORS as exc:
            log.warning("Stripe event %s not handled, database unavailable: %s", event_id, exc)
            return _answer(503, error="database unavailable")
        except (KeyError, TypeError, AttributeError, ValueError) as exc:
            # A field inside the object of an unexpected type: the transaction rolled back, nothing is recorded.
            log.warning("Stripe event %s (%s) refused: malformed object (%s: %s)", event_id, event_type,
                        type(exc).__name__, exc)
            return _answer(400, error="malformed event")
        log.info("Stripe event %s (%s) %s", event_id, event_type, "was a duplicate" if duplicate else "handled")
        return _answer(200, received=True, duplicate=duplicate)

    async def process(self, event: dict[str, Any]) -> bool:
        """Handle a verified event once: False when it had been handled already."""
        if await repo.event_recorded(self.pool, event["id"]):
            return False
        fetched = await self._read_back(event)
        async with self.pool.acquire() as conn, conn.transaction():
            if not await repo.record_event(conn, event["id"], event["type"], timestamp(event["created"]),
                                           self.bot.clock.now()):
                return False
            outcome = await self._apply(conn, event, fetched)
            # Every bot process (this one too) drops these users' cached premium when the transaction commits.
            await announce_change(conn, outcome.users)
        if outcome.changed:
            self.bot.timers.rearm()  # jobs scheduled in the transaction are visible only now
            premium_of(self.bot).invalidate()  # at once here; other processes on the notification
        await notices.send_all(self.bot, outcome.notices)
        return True

    async def _read_back(self, event: dict[str, Any]) -> Any:
        """What the event's handling needs from Stripe, asked outside the transaction: the verdict on a completed
        checkout, the premium a refunded or disputed payment paid for, a paid invoice's subscription."""
        kind, obj = event["type"], event["data"]["object"]
        if kind in CHECKOUT_EVENTS:
            return await self.completions.judge(obj)
        if kind in REVERSAL_EVENTS:
            return await self.reversals.find(kind, obj)
        if kind != "invoice.paid":
            return None
        sub_id = subscription_id_of(obj)
        if sub_id is None:
            return None
        if self.gateway is None:
            log.error("Stripe event %s needs subscription %s, but STRIPE_SECRET_KEY is not set", event["id"], sub_id)
            raise RetryLater("STRIPE_SECRET_KEY is not configured, the subscription cannot be read")
        found = await self.gateway.subscription(sub_id)
        if found is None:
            log.warning("Stripe event %s: subscription %s does not exist in Stripe", event["id"], sub_id)
        return found

    async def _apply(self, conn: asyncpg.Connection, event: dict[str, Any], fetched: Any) -> Outcome:
        kind, obj, created = event["type"], event["data"]["object"], timestamp(event["created"])
        assert created is not None
        if kind in CHECKOUT_EVENTS:
            return await self.completions.apply(conn, obj, fetched, created)
        if kind in REVERSAL_EVENTS:
            return await self.reversals.apply(conn, kind, obj, fetched, created)
        if kind in ("customer.subscription.updated", "customer.subscription.deleted"):
            return await self.sync.apply_subscription(conn, obj, created,
                                                      previous=event["data"].get("previous_attributes"))
        if kind == "invoice.paid" and fetched is not None:
            return await self.sync.apply_subscription(conn, fetched, created)
        if kind == "invoice.payment_failed":
            sub_id = subscription_id_of(obj)
            if sub_id is not None:
                return await self.sync.payment_failed(conn, obj, sub_id, created)
        return Outcome()


def malformed(event: Any) -> str | None:
    """Why a signed event does not have the shape of a Stripe event (None when it does): checked before anything
    is written, so a wrongly shaped body is a 400, never a 500 or a half-applied event."""
    if not isinstance(event, dict):
        return "not a JSON object"
    event_id, event_type, created, data = event.get("id"), event.get("type"), event.get("created"), event.get("data")
    if not isinstance(event_id, str) or not 0 < len(event_id) <= 255:
        return "id is not a text of 1 to 255 characters"
    if not isinstance(event_type, str) or not event_type:
        return "type is not a text"
    if isinstance(created, bool) or not isinstance(created, int) or not 0 < created < MAX_CREATED:
        return "created is not a Unix time"
    if not isinstance(data, dict) or not isinstance(data.get("object"), dict):
        return "data.object is not an object"
    if not isinstance(data.get("previous_attributes", {}), dict):
        return "data.previous_attributes is not an object"
    return None


def _answer(status: int, **body: Any) -> JSONResponse:
    return JSONResponse(body, status_code=status)
