"""Reading Stripe objects (plain dicts from a webhook body or the API): who bought, for which guild, until when.

Pure functions, no I/O. Shapes differ between API versions (e.g. `current_period_end` moved from the
subscription to its items, an invoice's subscription moved under `parent.subscription_details`); both are read.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from cogs.premium.tiers import tier_for_interval

# Stripe subscription status → what it means for premium.
LIVE_STATUSES = {"active", "trialing"}  # paid up: premium until the period end
RETRYING_STATUSES = {"past_due"}  # a renewal failed, Stripe retries: premium only until what was paid runs out
ENDED_STATUSES = {"canceled", "unpaid", "incomplete_expired", "paused"}  # no more premium from this subscription

MARKER_KEY = "hearth_checkout"  # a random token per session, also kept in premium_checkouts
USER_KEY = "discord_user_id"
GUILD_KEY = "discord_guild_id"
TIER_KEY = "tier"


@dataclass(frozen=True)
class Buyer:
    """The Discord user and guild a purchase was made for, and its tier (from Hearth's own checkout record, never
    from metadata or client_reference_id alone)."""

    user_id: int
    guild_id: int
    tier: str


def timestamp(value: Any) -> datetime | None:
    """A Stripe Unix timestamp as an aware datetime (None stays None)."""
    return None if value in (None, "") else datetime.fromtimestamp(int(value), UTC)


def client_reference(user_id: int, guild_id: int) -> str:
    """The Checkout Session's client_reference_id for a buyer (shown in Stripe's dashboard; never trusted: anyone
    can append it to a Payment Link)."""
    return f"{user_id}:{guild_id}"


def first_item(subscription: dict[str, Any]) -> dict[str, Any]:
    """The subscription's first item (our subscriptions have exactly one), or {}."""
    items = (subscription.get("items") or {}).get("data") or []
    return items[0] if items else {}


def period_end(subscription: dict[str, Any]) -> datetime | None:
    """When the paid period ends (item-level in current API versions, subscription-level in older ones)."""
    return timestamp(first_item(subscription).get("current_period_end") or subscription.get("current_period_end"))


def price_of(subscription: dict[str, Any]) -> dict[str, Any]:
    """The price object of the subscription's item, or {}."""
    return first_item(subscription).get("price") or {}


def tier_of(subscription: dict[str, Any], tier_of_price: Callable[[str | None], str | None], current: str) -> str:
    """The tier a subscription is for now: its price among the operator's prices, else the price's interval (a
    plan switched in the billing portal to a price no longer configured), else the tier it had."""
    price = price_of(subscription)
    by_price = tier_of_price(price.get("id"))
    by_interval = tier_for_interval((price.get("recurring") or {}).get("interval"))
    return by_price or by_interval or current


def customer_id(obj: dict[str, Any]) -> str | None:
    """The customer id of a session, subscription or invoice (expanded or not)."""
    customer = obj.get("customer")
    if isinstance(customer, dict):
        return customer.get("id")
    return customer or None


def subscription_id_of(obj: dict[str, Any]) -> str | None:
    """The subscription id of a Checkout Session or an invoice (any API version), or None."""
    value = obj.get("subscription")
    if value is None:
        details = (obj.get("parent") or {}).get("subscription_details") or {}
        value = details.get("subscription")
    if isinstance(value, dict):
        return value.get("id")
    return value or None


def object_id(value: Any) -> str | None:
    """The id of a field that holds an id or an expanded object."""
    if isinstance(value, dict):
        value = value.get("id")
    return value if isinstance(value, str) and value else None


def fully_refunded(charge: dict[str, Any]) -> bool:
    """Whether a charge was refunded in full (a partial refund leaves premium alone)."""
    amount, refunded = charge.get("amount"), charge.get("amount_refunded")
    return bool(charge.get("refunded")) or (isinstance(amount, int) and isinstance(refunded, int)
                                            and amount > 0 and refunded >= amount)
