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
```

Served: `POST /v1/checkout/sessions`, `POST /v1/billing_portal/sessions`, `GET /v1/subscriptions/{id}`,
`GET /v1/customers/{id}`. Anything else answers 404 and is listed in `unimplemented` (the fixture fails the
test). Error answers carry `Stripe-Should-Retry: false`, so the library never sleeps before a retry.
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

    def complete_checkout(self, session_id: str) -> dict[str, Any]:
        """The buyer paid: the session completes; a customer (and for subscriptions the subscription) exists."""
        session = self.sessions[session_id]
        params = self._session_params[session_id]
        now = self.clock()
        customer_id = session["customer"] or self.add_customer()["id"]
        if customer_id not in self.customers:
            self.add_customer(customer_id)
        session.update(status="complete", payment_status="paid", customer=customer_id)
        if session["mode"] == "subscription":
            price_id = params["line_items"][0]["price"]
            interval = self.interval_of(price_id) or "month"
            sub = objects.subscription(customer_id, objects.price(price_id, interval),
                                       (params.get("subscription_data") or {}).get("metadata") or {},
                                       now, now + PERIODS[interval])
            self.subscriptions[sub["id"]] = sub
            session["subscription"] = sub["id"]
        else:
            session["payment_intent"] = objects.new_id("pi")
        return copy.deepcopy(session)

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
                next_payment_attempt: datetime | None = None) -> dict[str, Any]:
        """An invoice of the subscription (for invoice.paid / invoice.payment_failed events)."""
        return objects.invoice(self.subscriptions[sub_id], paid=paid, now=self.clock(), attempt_count=attempt_count,
                               next_payment_attempt=next_payment_attempt)

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
        app.router.add_post("/v1/billing_portal/sessions", self._create_portal)
        app.router.add_get("/v1/subscriptions/{id}", self._get_subscription)
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
            recorded = StripeRequest(request.method, request.path, decode_form(body), dict(request.headers))
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
        session = objects.checkout_session(params, self.clock())
        self.sessions[session["id"]] = session
        self._session_params[session["id"]] = params
        return _json(session)

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
