"""Reading Stripe objects (plain dicts from a webhook body or the API): who bought, for which guild, until when.

Pure functions, no I/O. Shapes differ between API versions (e.g. `current_period_end` moved from the
subscription to its items, an invoice's subscription moved under `parent.subscription_details`); both are read.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from cogs.premium.tiers import TIERS, tier_for_interval

# Stripe subscription status → what it means for premium.
LIVE_STATUSES = {"active", "trialing"}  # paid up: premium until the period end
RETRYING_STATUSES = {"past_due"}  # a renewal failed, Stripe retries: premium only until what was paid runs out
ENDED_STATUSES = {"canceled", "unpaid", "incomplete_expired", "paused"}  # no more premium from this subscription

USER_KEY = "discord_user_id"
GUILD_KEY = "discord_guild_id"
TIER_KEY = "tier"


@dataclass(frozen=True)
class Buyer:
    """The Discord user and guild a purchase was made for (from the metadata we put on it at checkout)."""

    user_id: int
    guild_id: int
    tier: str | None


def timestamp(value: Any) -> datetime | None:
    """A Stripe Unix timestamp as an aware datetime (None stays None)."""
    return None if value in (None, "") else datetime.fromtimestamp(int(value), UTC)


def buyer_from_metadata(metadata: dict[str, Any] | None) -> Buyer | None:
    """The buyer named in Stripe metadata, or None when the metadata is not ours (or malformed)."""
    metadata = metadata or {}
    user, guild, tier = str(metadata.get(USER_KEY, "")), str(metadata.get(GUILD_KEY, "")), metadata.get(TIER_KEY)
    if not (user.isdigit() and guild.isdigit()):
        return None
    return Buyer(int(user), int(guild), tier if tier in TIERS else None)


def buyer_of_session(session: dict[str, Any]) -> Buyer | None:
    """The buyer of a Checkout Session: its metadata, else its client_reference_id ("<user>:<guild>")."""
    found = buyer_from_metadata(session.get("metadata"))
    if found is not None:
        return found
    user, _, guild = str(session.get("client_reference_id") or "").partition(":")
    if user.isdigit() and guild.isdigit():
        return Buyer(int(user), int(guild), None)
    return None


def client_reference(user_id: int, guild_id: int) -> str:
    """The Checkout Session's client_reference_id for a buyer."""
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


def tier_of(subscription: dict[str, Any], price_tiers: dict[str, str], buyer: Buyer) -> str:
    """The tier a subscription is for: its price id in the guild's settings, else the checkout metadata, else the
    price's interval (a plan switched in the billing portal keeps the metadata of the first checkout)."""
    price = price_of(subscription)
    by_price = price_tiers.get(price.get("id") or "")
    by_interval = tier_for_interval((price.get("recurring") or {}).get("interval"))
    return by_price or by_interval or buyer.tier or "monthly"


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
