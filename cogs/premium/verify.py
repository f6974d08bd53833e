"""Whether a completed Checkout Session paid for the tier Hearth sold in it. Pure functions, no I/O.

A session grants premium only when all of these hold (anything else is recorded and ignored):
- Hearth created it: its id is in `premium_checkouts` and its metadata carries the random marker recorded
  there (a Payment Link or a session made in the dashboard has neither, whatever its client_reference_id says);
- its mode fits the tier (subscription for monthly/yearly, payment for lifetime);
- it charges exactly one line item: the price Hearth asked for (the operator's price of that tier), quantity 1,
  for that price's amount and currency, and the session's total is that amount in that currency (no discount,
  no other items).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cogs.premium.prices import INTERVALS
from cogs.premium.stripe_objects import MARKER_KEY, TIER_KEY, object_id
from cogs.premium.tiers import TIERS


def marker_problem(record: Mapping[str, Any] | None, session: dict[str, Any]) -> str | None:
    """Why the session is not one Hearth created (None when it is)."""
    if record is None:
        return "not a checkout session Hearth created (unknown session id)"
    metadata = session.get("metadata") or {}
    if metadata.get(MARKER_KEY) != record["marker"]:
        return "the session lacks Hearth's marker"
    if metadata.get(TIER_KEY) != record["tier"]:
        return f"the session claims tier {metadata.get(TIER_KEY)!r}, Hearth sold {record['tier']!r}"
    return None


def charge_problem(record: Mapping[str, Any], session: dict[str, Any], items: list[dict[str, Any]],
                   more: bool) -> str | None:
    """Why what the session charged is not the recorded price of its tier (None when it is)."""
    tier = record["tier"]
    if session.get("mode") != TIERS[tier].checkout_mode:
        return f"mode {session.get('mode')!r} does not fit {tier}"
    if more or len(items) != 1:
        return f"{len(items)}{'+' if more else ''} line items instead of one"
    item = items[0]
    price = item.get("price") or {}
    recurring = price.get("recurring") or {}
    if object_id(price) != record["price_id"]:
        return f"line item price {object_id(price)!r} is not the {tier} price {record['price_id']!r}"
    if item.get("quantity") != 1:
        return f"quantity {item.get('quantity')!r} instead of 1"
    if recurring.get("interval") != INTERVALS[tier]:
        return f"line item billed every {recurring.get('interval')!r}, {tier} needs {INTERVALS[tier]!r}"
    currency = record["currency"]
    if str(item.get("currency", "")).lower() != currency or str(session.get("currency", "")).lower() != currency:
        return f"currency {session.get('currency')!r} / {item.get('currency')!r} instead of {currency!r}"
    if item.get("amount_total") != record["amount"] or session.get("amount_total") != record["amount"]:
        return (f"amount {session.get('amount_total')!r} (line item {item.get('amount_total')!r}) instead of "
                f"{record['amount']}")
    return None
