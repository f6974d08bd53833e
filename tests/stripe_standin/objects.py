"""Stripe API objects as the real API returns them (the fields Hearth and the stripe library read, and more)."""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

API_VERSION = "2026-10-28.endive"


def new_id(prefix: str) -> str:
    """An id shaped like Stripe's (`cs_test_…`, `sub_…`)."""
    return f"{prefix}_{secrets.token_hex(12)}"


def unix(moment: datetime) -> int:
    """A Unix timestamp, as Stripe sends them."""
    return int(moment.timestamp())


def checkout_session(params: dict[str, Any], now: datetime) -> dict[str, Any]:
    """A freshly created, open Checkout Session."""
    session_id = new_id("cs_test")
    return {
        "id": session_id,
        "object": "checkout.session",
        "url": f"https://checkout.stripe.com/c/pay/{session_id}",
        "mode": params.get("mode"),
        "status": "open",
        "payment_status": "unpaid",
        "customer": params.get("customer"),
        "customer_creation": params.get("customer_creation"),
        "client_reference_id": params.get("client_reference_id"),
        "metadata": params.get("metadata") or {},
        "success_url": params.get("success_url"),
        "cancel_url": params.get("cancel_url"),
        "subscription": None,
        "payment_intent": None,
        "invoice": None,
        "payment_link": None,
        "currency": "eur",
        "amount_subtotal": None,
        "amount_total": None,
        "created": unix(now),
        "expires_at": unix(now) + 24 * 3600,
        "livemode": False,
    }


def price(price_id: str, interval: str | None, *, amount: int | None = None, currency: str = "eur") -> dict[str, Any]:
    """A price: recurring with `interval` ("month", "year") or one-time (None); by default €4.99 a month,
    €49.99 a year, €99.99 once."""
    unit = amount if amount is not None else {"month": 499, "year": 4999}.get(interval or "", 9999)
    return {
        "id": price_id,
        "object": "price",
        "active": True,
        "currency": currency,
        "unit_amount": unit,
        "unit_amount_decimal": str(unit),
        "billing_scheme": "per_unit",
        "product": "prod_standin",
        "type": "recurring" if interval else "one_time",
        "recurring": {"interval": interval, "interval_count": 1, "usage_type": "licensed"} if interval else None,
        "livemode": False,
    }


def line_item(price_obj: dict[str, Any], quantity: int) -> dict[str, Any]:
    """A Checkout Session line item (`GET /v1/checkout/sessions/{id}/line_items`), its price expanded."""
    total = price_obj["unit_amount"] * quantity
    return {"id": new_id("li"), "object": "item", "amount_discount": 0, "amount_subtotal": total, "amount_tax": 0,
            "amount_total": total, "currency": price_obj["currency"], "description": "Hearth Premium",
            "price": price_obj, "quantity": quantity}


def listing(data: list[dict[str, Any]], url: str) -> dict[str, Any]:
    """A list object, one page."""
    return {"object": "list", "data": data, "has_more": False, "url": url}


def payment_intent(amount: int, currency: str, customer: str | None, metadata: dict[str, Any],
                   now: datetime) -> dict[str, Any]:
    """A succeeded payment intent (its charge is `latest_charge`)."""
    return {"id": new_id("pi"), "object": "payment_intent", "amount": amount, "amount_received": amount,
            "currency": currency, "customer": customer, "metadata": dict(metadata), "status": "succeeded",
            "latest_charge": None, "created": unix(now), "livemode": False}


def charge(intent: dict[str, Any], now: datetime) -> dict[str, Any]:
    """The succeeded charge of a payment intent (current API versions: no `invoice` field on charges)."""
    return {"id": new_id("ch"), "object": "charge", "amount": intent["amount"], "amount_captured": intent["amount"],
            "amount_refunded": 0, "currency": intent["currency"], "customer": intent["customer"],
            "payment_intent": intent["id"], "paid": True, "captured": True, "refunded": False, "disputed": False,
            "status": "succeeded", "metadata": dict(intent["metadata"]), "created": unix(now), "livemode": False}


def invoice_payment(invoice_id: str, intent: dict[str, Any], now: datetime) -> dict[str, Any]:
    """The link between an invoice and the payment intent that paid it (`GET /v1/invoice_payments`)."""
    return {"id": new_id("inpay"), "object": "invoice_payment", "amount_paid": intent["amount"],
            "amount_requested": intent["amount"], "currency": intent["currency"], "invoice": invoice_id,
            "is_default": True, "payment": {"type": "payment_intent", "payment_intent": intent["id"]},
            "status": "paid", "status_transitions": {"paid_at": unix(now), "canceled_at": None},
            "created": unix(now), "livemode": False}


def dispute(charge_obj: dict[str, Any], status: str, reason: str, now: datetime) -> dict[str, Any]:
    """A dispute (chargeback) of a charge."""
    return {"id": new_id("du"), "object": "dispute", "amount": charge_obj["amount"],
            "currency": charge_obj["currency"], "charge": charge_obj["id"],
            "payment_intent": charge_obj["payment_intent"], "reason": reason, "status": status,
            "is_charge_refundable": False, "metadata": {}, "created": unix(now), "livemode": False}


def subscription(customer: str, price_obj: dict[str, Any], metadata: dict[str, Any], start: datetime,
                 end: datetime) -> dict[str, Any]:
    """An active subscription with one item (period dates on the item, as in current API versions)."""
    sub_id = new_id("sub")
    return {
        "id": sub_id,
        "object": "subscription",
        "customer": customer,
        "status": "active",
        "cancel_at_period_end": False,
        "cancel_at": None,
        "canceled_at": None,
        "ended_at": None,
        "created": unix(start),
        "start_date": unix(start),
        "metadata": dict(metadata),
        "livemode": False,
        "items": {
            "object": "list",
            "data": [{
                "id": new_id("si"),
                "object": "subscription_item",
                "subscription": sub_id,
                "quantity": 1,
                "price": price_obj,
                "current_period_start": unix(start),
                "current_period_end": unix(end),
            }],
            "has_more": False,
            "total_count": 1,
            "url": f"/v1/subscription_items?subscription={sub_id}",
        },
    }


def customer(customer_id: str, now: datetime) -> dict[str, Any]:
    """A customer (no personal details: the bot never asks for them)."""
    return {"id": customer_id, "object": "customer", "created": unix(now), "email": None, "metadata": {},
            "livemode": False}


def portal_session(customer_id: str, return_url: str | None, now: datetime) -> dict[str, Any]:
    """A billing-portal session."""
    session_id = new_id("bps")
    return {"id": session_id, "object": "billing_portal.session", "customer": customer_id,
            "url": f"https://billing.stripe.com/p/session/test_{session_id}", "return_url": return_url,
            "created": unix(now), "livemode": False, "configuration": "bpc_standin"}


def invoice(sub: dict[str, Any], *, paid: bool, now: datetime, attempt_count: int = 1,
            next_payment_attempt: datetime | None = None) -> dict[str, Any]:
    """A subscription invoice (its subscription under `parent.subscription_details`, as in current versions)."""
    return {
        "id": new_id("in"),
        "object": "invoice",
        "customer": sub["customer"],
        "status": "paid" if paid else "open",
        "paid": paid,
        "billing_reason": "subscription_cycle",
        "attempt_count": attempt_count,
        "next_payment_attempt": unix(next_payment_attempt) if next_payment_attempt else None,
        "amount_due": sub["items"]["data"][0]["price"]["unit_amount"],
        "currency": "eur",
        "created": unix(now),
        "livemode": False,
        "parent": {"type": "subscription_details", "quote_details": None,
                   "subscription_details": {"subscription": sub["id"], "metadata": dict(sub["metadata"])}},
    }


def event(event_type: str, obj: dict[str, Any], created: int,
          previous_attributes: dict[str, Any] | None = None) -> dict[str, Any]:
    """A webhook event (snapshot payload)."""
    data: dict[str, Any] = {"object": obj}
    if previous_attributes is not None:
        data["previous_attributes"] = previous_attributes
    return {"id": new_id("evt"), "object": "event", "api_version": API_VERSION, "created": created, "data": data,
            "livemode": False, "pending_webhooks": 1, "request": {"id": None, "idempotency_key": None},
            "type": event_type}


def error_body(status: int, *, code: str | None = None, message: str | None = None,
               decline_code: str | None = None, param: str | None = None) -> dict[str, Any]:
    """Stripe's error envelope for an HTTP status."""
    if status == 402:
        kind, code = "card_error", code or "card_declined"
        message = message or "Your card was declined."
        decline_code = decline_code or "generic_decline"
    elif status in (400, 404):
        kind = "invalid_request_error"
    elif status == 401:
        kind, message = "invalid_request_error", message or "Invalid API Key provided: sk_test_****"
    elif status == 429:
        kind, code = "invalid_request_error", code or "rate_limit"
    else:
        kind = "api_error"
    error: dict[str, Any] = {"type": kind, "message": message or "The stand-in was told to fail."}
    if code:
        error["code"] = code
    if decline_code:
        error["decline_code"] = decline_code
    if param:
        error["param"] = param
    return {"error": error}
