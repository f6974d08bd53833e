"""Delivering webhook events to the bot as Stripe does: JSON body, `Stripe-Signature: t=…,v1=…`.

The signature is Stripe's scheme: HMAC-SHA256 with the endpoint secret over `"{timestamp}.{body}"`. The
timestamp is real wall-clock time (the stripe library checks it against `time.time()`, not the bot's clock).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from typing import Any

import httpx

WEBHOOK_PATH = "/webhooks/stripe"


def sign(payload: bytes, secret: str, timestamp: int | None = None) -> str:
    """The `Stripe-Signature` header value for `payload`."""
    stamp = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(secret.encode(), f"{stamp}.".encode() + payload, hashlib.sha256).hexdigest()
    return f"t={stamp},v1={digest}"


class WebhookSender:
    """Posts signed events to the bot's HTTP API."""

    def __init__(self, base_url: str, secret: str) -> None:
        self.base_url = base_url
        self.secret = secret
        self.client = httpx.AsyncClient(base_url=base_url, timeout=30,
                                        limits=httpx.Limits(max_connections=200, max_keepalive_connections=200))

    async def send(self, event: dict[str, Any], *, secret: str | None = None, timestamp: int | None = None,
                   signature: str | None = None, body: bytes | None = None) -> httpx.Response:
        """Deliver `event`; override the secret, timestamp or the whole signature header to test refusals."""
        payload = body if body is not None else json.dumps(event).encode()
        header = signature if signature is not None else sign(payload, secret or self.secret, timestamp)
        return await self.client.post(WEBHOOK_PATH, content=payload,
                                      headers={"Content-Type": "application/json", "Stripe-Signature": header})

    async def close(self) -> None:
        await self.client.aclose()
