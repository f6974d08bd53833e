"""An in-process stand-in for Stripe's API: the real `stripe` library talks to it over HTTP.

```python
async def test_checkout(stripe_api):
    stripe_api.base_url                           # STRIPE_API_BASE for the bot
    stripe_api.fail("POST", "/v1/checkout/sessions", 500)        # next call answers 500 (402 = card error)
    ...
    request = stripe_api.requests_to("POST", "/v1/checkout/sessions")[-1]
    assert request.form["mode"] == "subscription"                # the decoded form body
    session = stripe_api.complete_checkout(session_id)           # the buyer paid: customer + subscription
    sub = stripe_api.update_subscription(session["subscription"], status="canceled")
    charge = stripe_api.refund(stripe_api.payment_of(session_id))   # a full refund (for charge.refunded)
    dispute = stripe_api.dispute(stripe_api.payment_of(session_id)) # a chargeback (charge.dispute.created)
    other = stripe_api.payment_link_session("price_…", client_reference_id="1:2")  # not made through the API
```

Served: `POST /v1/checkout/sessions`, `GET /v1/checkout/sessions/{id}/line_items`, `POST /v1/billing_portal/sessions`,
`GET /v1/prices/{id}`, `GET|DELETE /v1/subscriptions/{id}`, `GET /v1/invoices/{id}`, `GET /v1/invoice_payments`
(filtered by `payment[payment_intent]` or `invoice`), `GET /v1/customers/{id}`. Anything else answers 404 and is
listed in `unimplemented` (the fixture fails the test). Error answers carry `Stripe-Should-Retry: false`, so the
library never sleeps before a retry.

Prices: any `price_…` id exists (a monthly price unless the id says `year` or `lifetime`, at the amounts of
`objects.price`); `add_price` registers one with another amount, currency or interval. Payments: completing a
checkout (or a paid invoice) creates a payment intent and its charge, and for subscriptions an invoice and the
InvoicePayment linking them, as Stripe does; `payment_of(session_id)` names the payment intent.
"""

from __future__ import annotations

import copy
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from aiohttp import web

from tests.stripe_standin import objects
from tests.stripe_standin.forms import decode_form

FORM = web.RequestKey("form", dict)
PERIODS = {"month": timedelta(days=30), "year": timedelta(days=365)}


@dataclass
class StripeRequest:
    """One request the stand-in received."""

    method: str
    path: str
    form: dict[str, Any]
    headers: dict[str, str]

    @property
    def authorization(self) -> str | None:
        return self.headers.get("Authorization")

    @property
    def idempotency_key(self) -> str | None:
        return self.headers.get("Idempotency-Key")


@dataclass
class Failure:
    """An error answer queued for matching requests."""

    method: str
    path: str
    status: int
    body: dict[str, Any]
    times: int | None


@dataclass
class StripeStandIn:
    """The server, its objects and what it received."""

    host: str = "127.0.0.1"
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
    requests: list[StripeRequest] = field(default_factory=list)
    unimplemented: list[str] = field(default_factory=list)
    sessions: dict[str, dict[str, Any]] = field(default_factory=dict)
    subscriptions: dict[str, dict[str, Any]] = field(default_factory=dict)
    customers: dict[str, dict[str, Any]] = field(default_factory=dict)
    price_intervals: dict[str, str | None] = field(default_factory=dict)  # price id → month / year / None
    prices: dict[str, dict[str, Any]] = field(default_factory=dict)
    line_items: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # session id → its line items
    payment_intents: dict[str, dict[str, Any]] = field(default_factory=dict)
    charges: dict[str, dict[str, Any]] = field(default_factory=dict)
    invoices: dict[str, dict[str, Any]] = field(default_factory=dict)
    invoice_payments: dict[str, dict[str, Any]] = field(default_factory=dict)
    disputes: dict[str, dict[str, Any]] = field(default_factory=dict)
    in_flight: int = 0
    _failures: deque[Failure] = field(default_factory=deque)
    _session_params: dict[str, dict[str, Any]] = field(default_factory=dict)
    _runner: web.AppRunner | None = None
    _port: int = 0

    # --- scripting -----------------------------------------------------------------------------------------

    def fail(self, method: str, path: str, status: int = 500, *, times: int | None = 1, code: str | None = None,
             message: str | None = None, decline_code: str | None = None) -> None:
        """Answer the next `times` (None = all) requests to `method path` (a path prefix) with an error."""
        body = objects.error_body(status, code=code, message=message, decline_code=decline_code)
        self._failures.append(Failure(method.upper(), path, status, body, times))

    def add_customer(self, customer_id: str | None = None) -> dict[str, Any]:
        """A customer Stripe knows (billing portal sessions need one)."""
        found = objects.customer(customer_id or objects.new_id("cus"), self.clock())
        self.customers[found["id"]] = found
        return found

    def interval_of(self, price_id: str) -> str | None:
        """The billing interval of a price: registered, or guessed from its id (…year…, …lifetime…, else month)."""
        if price_id in self.price_intervals:
            return self.price_intervals[price_id]
        if "lifetime" in price_id:
            return None
        return "year" if "year" in price_id else "month"

    def price(self, price_id: str) -> dict[str, Any]:
        """The price with this id: registered with `add_price`, else made up from its id (see `interval_of`)."""
        if price_id not in self.prices:
            self.prices[price_id] = objects.price(price_id, self.interval_of(price_id))
        return self.prices[price_id]

    def add_price(self, price_id: str, *, amount: int, interval: str | None = None,
                  currency: str = "eur") -> dict[str, Any]:
        """A price of the operator's account: recurring every `interval` ("month", "year") or one-off (None)."""
        self.prices[price_id] = objects.price(price_id, interval, amount=amount, currency=currency)
        self.price_intervals[price_id] = interval
        return self.prices[price_id]

    def payment_link_session(self, price_id: str, *, client_reference_id: str | None = None,
                             metadata: dict[str, str] | None = None) -> str:
        """A Checkout Session opened from a Payment Link (anyone can append `?client_reference_id=…` to one):
        the operator's account, but not created by the bot. Returns its id, for `complete_checkout`."""
        price_obj = self.price(price_id)
        mode = "subscription" if price_obj["type"] == "recurring" else "payment"
        params = {"mode": mode, "line_items": [{"price": price_id, "quantity": "1"}],
                  "client_reference_id": client_reference_id, "metadata": metadata or {}}
        session = self._open_session(params)
        session["payment_link"] = objects.new_id("plink")
        return session["id"]

    def charge_line_item(self, session_id: str, price_id: str) -> None:
        """Make the session charge `price_id` instead of what was asked for (its line items and totals)."""
        self._set_line_items(self.sessions[session_id], [{"price": price_id, "quantity": "1"}])

    def complete_checkout(self, session_id: str) -> dict[str, Any]:
        """The buyer paid: the session completes; a customer, a paid payment intent with its charge (and for
        subscriptions the subscription and its first invoice) exist."""
        session = self.sessions[session_id]
        params = self._session_params[session_id]
        now = self.clock()
        customer_id = session["customer"] or self.add_customer()["id"]
        if customer_id not in self.customers:
            self.add_customer(customer_id)
        session.update(status="complete", payment_status="paid", customer=customer_id)
        if session["mode"] == "subscription":
            price_obj = self.line_items[session_id][0]["price"]
            interval = (price_obj.get("recurring") or {}).get("interval") or "month"
            sub = objects.subscription(customer_id, price_obj,
                                       (params.get("subscription_data") or {}).get("metadata") or {},
                                       now, now + PERIODS[interval])
            self.subscriptions[sub["id"]] = sub
            session["subscription"] = sub["id"]
            session["invoice"] = self.invoice(sub["id"], paid=True, billing_reason="subscription_create")["id"]
        else:
            metadata = (params.get("payment_intent_data") or {}).get("metadata") or {}
            session["payment_intent"] = self._pay(session["amount_total"], session["currency"], customer_id,
                                                  metadata)["id"]
        return copy.deepcopy(session)

    def payment_of(self, session_id: str) -> str:
        """The payment intent that paid a completed session (for subscriptions: that of its first invoice)."""
        session = self.sessions[session_id]
        if session["payment_intent"]:
            return session["payment_intent"]
        return next(p["payment"]["payment_intent"] for p in self.invoice_payments.values()
                    if p["invoice"] == session["invoice"])

    def refund(self, payment_intent_id: str, amount: int | None = None) -> dict[str, Any]:
        """Refund the payment's charge (in full unless `amount`); returns the charge, as `charge.refunded` has it."""
        charge = self._charge_of(payment_intent_id)
        charge["amount_refunded"] = min(charge["amount"], charge["amount_refunded"] + (amount or charge["amount"]))
        charge["refunded"] = charge["amount_refunded"] == charge["amount"]
        return copy.deepcopy(charge)

    def dispute(self, payment_intent_id: str, *, status: str = "needs_response",
                reason: str = "fraudulent") -> dict[str, Any]:
        """The buyer's bank disputes the payment (a chargeback); returns the dispute."""
        charge = self._charge_of(payment_intent_id)
        charge["disputed"] = True
        found = objects.dispute(charge, status, reason, self.clock())
        self.disputes[found["id"]] = found
        return copy.deepcopy(found)

    def close_dispute(self, dispute_id: str, status: str) -> dict[str, Any]:
        """The dispute is decided: `won` (the payment stands) or `lost` (the money went back)."""
        self.disputes[dispute_id]["status"] = status
        return copy.deepcopy(self.disputes[dispute_id])

    def _charge_of(self, payment_intent_id: str) -> dict[str, Any]:
        return self.charges[self.payment_intents[payment_intent_id]["latest_charge"]]

    def _pay(self, amount: int, currency: str, customer: str | None, metadata: dict[str, Any]) -> dict[str, Any]:
        intent = objects.payment_intent(amount, currency, customer, metadata, self.clock())
        charge = objects.charge(intent, self.clock())
        intent["latest_charge"] = charge["id"]
        self.payment_intents[intent["id"]] = intent
        self.charges[charge["id"]] = charge
        return intent

    def _open_session(self, params: dict[str, Any]) -> dict[str, Any]:
        session = objects.checkout_session(params, self.clock())
        self.sessions[session["id"]] = session
        self._session_params[session["id"]] = params
        self._set_line_items(session, params["line_items"])
        return session

    def _set_line_items(self, session: dict[str, Any], requested: list[dict[str, Any]]) -> None:
        items = [objects.line_item(self.price(item["price"]), int(item.get("quantity") or 1)) for item in requested]
        self.line_items[session["id"]] = items
        total = sum(item["amount_total"] for item in items)
        session.update(amount_subtotal=total, amount_total=total, currency=items[0]["currency"])

    def update_subscription(self, sub_id: str, *, period_end: datetime | None = None,
                            **changes: Any) -> dict[str, Any]:
        """Change a subscription (status, cancel_at_period_end, metadata …); returns a snapshot of it."""
        sub = self.subscriptions[sub_id]
        sub.update(changes)
        if period_end is not None:
            item = sub["items"]["data"][0]
            item["current_period_start"] = item["current_period_end"]
            item["current_period_end"] = objects.unix(period_end)
        if changes.get("status") == "canceled":
            sub["canceled_at"] = sub["ended_at"] = objects.unix(self.clock())
        return copy.deepcopy(sub)

    def invoice(self, sub_id: str, *, paid: bool, attempt_count: int = 1,
                next_payment_attempt: datetime | None = None,
                billing_reason: str = "subscription_cycle") -> dict[str, Any]:
        """An invoice of the subscription (for invoice.paid / invoice.payment_failed events); a paid one comes
        with its payment intent, charge and InvoicePayment."""
        sub = self.subscriptions[sub_id]
        found = objects.invoice(sub, paid=paid, now=self.clock(), attempt_count=attempt_count,
                                next_payment_attempt=next_payment_attempt)
        found["billing_reason"] = billing_reason
        self.invoices[found["id"]] = found
        if paid:
            intent = self._pay(found["amount_due"], found["currency"], sub["customer"], {})
            link = objects.invoice_payment(found["id"], intent, self.clock())
            self.invoice_payments[link["id"]] = link
        return copy.deepcopy(found)

    def event(self, event_type: str, obj: dict[str, Any], *, created: datetime | int | None = None,
              previous_attributes: dict[str, Any] | None = None) -> dict[str, Any]:
        """A webhook event about `obj`, created now (stand-in clock) unless told otherwise."""
        when = created if created is not None else self.clock()
        stamp = when if isinstance(when, int) else objects.unix(when)
        return objects.event(event_type, copy.deepcopy(obj), stamp, previous_attributes)

    # --- what was received -----------------------------------------------------------------------------------

    def requests_to(self, method: str, path: str) -> list[StripeRequest]:
        """Requests with this method whose path starts with `path`, oldest first."""
        return [r for r in self.requests if r.method == method.upper() and r.path.startswith(path)]

    @property
    def base_url(self) -> str:
        """What STRIPE_API_BASE should be."""
        return f"http://{self.host}:{self._port}"

    # --- server --------------------------------------------------------------------------------------------

    async def start(self) -> StripeStandIn:
        app = web.Application(middlewares=[self._middleware])
        app.router.add_post("/v1/checkout/sessions", self._create_checkout)
        app.router.add_get("/v1/checkout/sessions/{id}/line_items", self._list_line_items)
        app.router.add_post("/v1/billing_portal/sessions", self._create_portal)
        app.router.add_get("/v1/prices/{id}", self._get_price)
        app.router.add_get("/v1/subscriptions/{id}", self._get_subscription)
        app.router.add_delete("/v1/subscriptions/{id}", self._cancel_subscription)
        app.router.add_get("/v1/invoices/{id}", self._get_invoice)
        app.router.add_get("/v1/invoice_payments", self._list_invoice_payments)
        app.router.add_get("/v1/customers/{id}", self._get_customer)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.1)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, 0)
        await site.start()
        self._port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return self

    async def close(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    @web.middleware
    async def _middleware(self, request: web.Request, handler: Any) -> web.StreamResponse:
        self.in_flight += 1
        try:
            body = await request.text() if request.can_read_body else ""
            # GET and DELETE carry their parameters in the query string, POST in the form body.
            recorded = StripeRequest(request.method, request.path, decode_form(body or request.query_string),
                                     dict(request.headers))
            self.requests.append(recorded)
            request[FORM] = recorded.form
            failure = self._take_failure(request.method, request.path)
            if failure is not None:
                return _json(failure.body, failure.status)
            try:
                return await handler(request)
            except web.HTTPNotFound:
                self.unimplemented.append(f"{request.method} {request.path}")
                return _json(objects.error_body(404, message=f"standin: not implemented: {request.path}"), 404)
        finally:
            self.in_flight -= 1

    def _take_failure(self, method: str, path: str) -> Failure | None:
        for failure in self._failures:
            if failure.method in (method, "*") and path.startswith(failure.path):
                if failure.times is not None:
                    failure.times -= 1
                    if failure.times <= 0:
                        self._failures.remove(failure)
                return failure
        return None

    async def _create_checkout(self, request: web.Request) -> web.Response:
        params = request[FORM]
        missing = [name for name in ("mode", "line_items", "success_url") if not params.get(name)]
        if missing:
            return _json(objects.error_body(400, code="parameter_missing", param=missing[0],
                                            message=f"Missing required param: {missing[0]}."), 400)
        return _json(self._open_session(params))

    async def _list_line_items(self, request: web.Request) -> web.Response:
        session_id = request.match_info["id"]
        if session_id not in self.sessions:
            return _json(objects.error_body(404, code="resource_missing", param="session",
                                            message=f"No such checkout.session: '{session_id}'"), 404)
        return _json(objects.listing(self.line_items[session_id], f"/v1/checkout/sessions/{session_id}/line_items"))

    async def _get_price(self, request: web.Request) -> web.Response:
        price_id = request.match_info["id"]
        if not price_id.startswith("price_"):
            return self._get({}, price_id, "price")
        return _json(self.price(price_id))

    async def _cancel_subscription(self, request: web.Request) -> web.Response:
        sub_id = request.match_info["id"]
        if sub_id not in self.subscriptions:
            return self._get(self.subscriptions, sub_id, "subscription")
        return _json(self.update_subscription(sub_id, status="canceled"))

    async def _get_invoice(self, request: web.Request) -> web.Response:
        return self._get(self.invoices, request.match_info["id"], "invoice")

    async def _list_invoice_payments(self, request: web.Request) -> web.Response:
        params = request[FORM]
        wanted = (params.get("payment") or {}).get("payment_intent")
        invoice = params.get("invoice")
        found = [p for p in self.invoice_payments.values()
                 if (wanted is None or p["payment"]["payment_intent"] == wanted)
                 and (invoice is None or p["invoice"] == invoice)]
        return _json(objects.listing(found, "/v1/invoice_payments"))

    async def _create_portal(self, request: web.Request) -> web.Response:
        params = request[FORM]
        customer_id = params.get("customer", "")
        if customer_id not in self.customers:
            return _json(objects.error_body(400, code="resource_missing", param="customer",
                                            message=f"No such customer: '{customer_id}'"), 400)
        return _json(objects.portal_session(customer_id, params.get("return_url"), self.clock()))

    async def _get_subscription(self, request: web.Request) -> web.Response:
        return self._get(self.subscriptions, request.match_info["id"], "subscription")

    async def _get_customer(self, request: web.Request) -> web.Response:
        return self._get(self.customers, request.match_info["id"], "customer")

    def _get(self, store: dict[str, dict[str, Any]], object_id: str, kind: str) -> web.Response:
        found = store.get(object_id)
        if found is None:
            return _json(objects.error_body(404, code="resource_missing", param="id",
                                            message=f"No such {kind}: '{object_id}'"), 404)
        return _json(found)


def _json(body: dict[str, Any], status: int = 200) -> web.Response:
    headers = {"Request-Id": objects.new_id("req"), "Stripe-Version": objects.API_VERSION}
    if status >= 400:
        headers["Stripe-Should-Retry"] = "false"
    return web.json_response(body, status=status, headers=headers)
