"""A local stand-in for Stripe's API and webhook deliveries, for tests (see server.py and signing.py)."""

from tests.stripe_standin.server import StripeRequest, StripeStandIn
from tests.stripe_standin.signing import WebhookSender, sign

__all__ = ["StripeRequest", "StripeStandIn", "WebhookSender", "sign"]
