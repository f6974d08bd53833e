"""The bot's calls to Stripe's API, through the official `stripe` library (async, on the bot's event loop).

The calls: create a Checkout Session and list its line items, create a billing-portal session, read a price, a
subscription or an invoice, find the invoice a payment paid, cancel a subscription. Failures
become `StripeFailure` with a sentence for the user; the library's own exception is kept as the cause and
logged by the caller. `STRIPE_API_BASE` points the client somewhere else than api.stripe.com (stripe-mock,
a test stand-in); it is a `base_addresses` option of the library's `StripeClient`, nothing global.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import aiohttp

from utils.lazy_import import lazy_module

if TYPE_CHECKING:
    import stripe
else:
    stripe = lazy_module("stripe")  # ~9 MiB resident: imported at the first Stripe call, not at start-up

log = logging.getLogger(__name__)

TIMEOUT_SECONDS = 20.0
NETWORK_RETRIES = 2  # the library retries idempotently (it adds an Idempotency-Key) and honours Stripe-Should-Retry


class StripeFailure(Exception):
    """A Stripe call failed; `message` is meant for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class RetryLater(Exception):
    """A webhook event cannot be handled now (e.g. no STRIPE_SECRET_KEY to read from Stripe); Stripe should
    deliver it again."""


@dataclass(frozen=True)
class CheckoutLink:
    """A created Checkout Session."""

    session_id: str
    url: str


def api_base_override(config: Any) -> str | None:
    """Where Stripe's API is, when not api.stripe.com: the `stripe_api_base` setting or STRIPE_API_BASE."""
    return config.stripe_api_base or None


def describe_stripe_error(error: stripe.StripeError) -> str:
    """A sentence for the user about a failed Stripe call (the details go to the log)."""
    if isinstance(error, stripe.CardError):
        return f"Stripe declined the payment: {error.user_message or 'the card was declined'}."
    if isinstance(error, stripe.AuthenticationError | stripe.PermissionError):
        return "The bot's Stripe account is misconfigured (its API key was refused). Please tell the bot's operator."
    if isinstance(error, stripe.InvalidRequestError):
        return ("Stripe refused the request: " + (error.user_message or "the bot's premium prices look wrong. "
                "Please tell the bot's operator") + ".")
    if isinstance(error, stripe.RateLimitError):
        return "Stripe is busy right now. Please try again in a minute."
    if isinstance(error, stripe.APIConnectionError):
        return "I couldn't reach Stripe. Please try again in a minute."
    return "Stripe had a problem handling the request. Please try again in a few minutes."


class StripeGateway:
    """A `StripeClient` with an aiohttp transport; open from the cog's load() to its unload()."""

    def __init__(self, secret_key: str, *, api_base: str | None = None) -> None:
        self._http = stripe.AIOHTTPClient(timeout=aiohttp.ClientTimeout(total=TIMEOUT_SECONDS))
        self.client = stripe.StripeClient(
            secret_key, base_addresses={"api": api_base} if api_base else None,
            max_network_retries=NETWORK_RETRIES, http_client=self._http)

    async def close(self) -> None:
        """Close the HTTP session."""
        await self._http.close_async()

    async def create_checkout(self, params: dict[str, Any]) -> CheckoutLink:
        """Create a Checkout Session; raises `StripeFailure`."""
        try:
            session = await self.client.v1.checkout.sessions.create_async(params)  # type: ignore[arg-type]
        except stripe.StripeError as exc:
            raise _failure("create a checkout session", exc) from exc
        return CheckoutLink(session.id, session.url or "")

    async def create_portal(self, customer_id: str, return_url: str) -> str:
        """Create a billing-portal session for the customer and return its URL; raises `StripeFailure`."""
        try:
            session = await self.client.v1.billing_portal.sessions.create_async(
                {"customer": customer_id, "return_url": return_url})
        except stripe.StripeError as exc:
            raise _failure("create a billing portal session", exc) from exc
        return session.url

    async def subscription(self, subscription_id: str) -> dict[str, Any] | None:
        """The subscription as Stripe sees it now (plain dicts), or None when Stripe does not know it."""
        return await _found("read a subscription", self.client.v1.subscriptions.retrieve_async(subscription_id))

    async def price(self, price_id: str) -> dict[str, Any] | None:
        """A Price object (amount, currency, interval), or None when Stripe does not know it."""
        return await _found("read a price", self.client.v1.prices.retrieve_async(price_id))

    async def invoice(self, invoice_id: str) -> dict[str, Any] | None:
        """An invoice, or None when Stripe does not know it."""
        return await _found("read an invoice", self.client.v1.invoices.retrieve_async(invoice_id))

    async def line_items(self, session_id: str) -> tuple[list[dict[str, Any]], bool]:
        """What a Checkout Session charges: its line items (each with its Price), and whether there are more than
        one page of them (a Hearth session has exactly one)."""
        try:
            page = await self.client.v1.checkout.sessions.line_items.list_async(session_id, {"limit": 10})
        except stripe.StripeError as exc:
            raise _failure("list a checkout session's line items", exc) from exc
        found = page.to_dict()
        return list(found.get("data") or []), bool(found.get("has_more"))

    async def invoice_paid_by(self, payment_intent_id: str) -> str | None:
        """The invoice a payment intent paid (a subscription's first payment or a renewal), or None (a one-off
        payment). Stripe links them through InvoicePayment objects."""
        try:
            page = await self.client.v1.invoice_payments.list_async(
                {"payment": {"type": "payment_intent", "payment_intent": payment_intent_id}, "limit": 1})
        except stripe.StripeError as exc:
            raise _failure("find the invoice of a payment", exc) from exc
        data = page.to_dict().get("data") or []
        invoice = data[0].get("invoice") if data else None
        return invoice.get("id") if isinstance(invoice, dict) else invoice

    async def cancel_subscription(self, subscription_id: str) -> None:
        """Cancel a subscription now (it was refunded or disputed: it must not charge the member again)."""
        try:
            await self.client.v1.subscriptions.cancel_async(subscription_id)
        except stripe.StripeError as exc:
            raise _failure("cancel a subscription", exc) from exc


async def _found(action: str, call: Any) -> dict[str, Any] | None:
    """Await a retrieve call: the object as plain dicts, None for resource_missing, else `StripeFailure`."""
    try:
        found = await call
    except stripe.InvalidRequestError as exc:
        if exc.code == "resource_missing":
            return None
        raise _failure(action, exc) from exc
    except stripe.StripeError as exc:
        raise _failure(action, exc) from exc
    return found.to_dict()


def _failure(action: str, error: stripe.StripeError) -> StripeFailure:
    log.warning("Stripe: could not %s: %s (HTTP %s, code %s, request %s)", action, error.user_message or error,
                error.http_status, error.code, error.request_id)
    return StripeFailure(describe_stripe_error(error))
