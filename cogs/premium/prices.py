"""The operator's premium prices: STRIPE_PRICE_MONTHLY/YEARLY/LIFETIME, read back from Stripe once.

A price id alone says nothing about the amount; Stripe's Price object does, and its amount, currency and billing
interval can never change once created. So each configured price is read from Stripe the first time it is
needed (then kept for the life of the process) and checked against its tier: monthly must bill every month,
yearly every year, lifetime once. A price that does not fit is not on sale (and logged for the operator), so a
mistaken configuration can never sell yearly premium at a monthly price. What is shown in `/premium plans` and
what a completed checkout must have charged both come from here.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import Any

from cogs.premium.stripe_gateway import StripeGateway
from cogs.premium.tiers import TIERS

log = logging.getLogger(__name__)

INTERVALS = {"monthly": "month", "yearly": "year", "lifetime": None}  # the billing interval each tier needs
ZERO_DECIMAL = {"bif", "clp", "djf", "gnf", "jpy", "kmf", "krw", "mga", "pyg", "rwf", "ugx", "vnd", "vuv", "xaf",
                "xof", "xpf"}  # Stripe amounts in these currencies have no minor unit
SYMBOLS = {"eur": "€", "usd": "$", "gbp": "£", "jpy": "¥"}
PERIOD = {"month": " / month", "year": " / year", None: " once"}


@dataclass(frozen=True)
class Price:
    """A tier's price as Stripe has it: what a checkout for the tier must charge."""

    tier: str
    price_id: str
    amount: int  # in the currency's minor unit, as Stripe counts it
    currency: str  # lower-case ISO code, as Stripe writes it
    interval: str | None  # "month", "year", or None for a one-off price

    @property
    def label(self) -> str:
        """The price as members read it, e.g. "€4.99 / month"."""
        if self.currency in ZERO_DECIMAL:
            number = f"{self.amount}"
        else:
            number = f"{self.amount / 100:.2f}"
        symbol = SYMBOLS.get(self.currency)
        shown = f"{symbol}{number}" if symbol else f"{number} {self.currency.upper()}"
        return shown + PERIOD[self.interval]


def problem_with(tier: str, price: dict[str, Any]) -> str | None:
    """Why a Stripe Price cannot be sold as `tier` (None when it fits)."""
    recurring = price.get("recurring") or {}
    wanted = INTERVALS[tier]
    if not price.get("active", True):
        return "it is archived in Stripe"
    if isinstance(price.get("unit_amount"), bool) or not isinstance(price.get("unit_amount"), int):
        return "it has no fixed amount (customer-chosen or tiered prices are not supported)"
    if wanted is None and (price.get("type") != "one_time" or recurring):
        return "lifetime needs a one-off price, not a recurring one"
    if wanted is not None and (price.get("type") != "recurring" or recurring.get("interval") != wanted
                               or recurring.get("interval_count", 1) != 1):
        return f"{tier} needs a recurring price billed every {wanted}"
    return None


class PriceCatalogue:
    """The configured prices, read from Stripe on first use and kept; Stripe failures raise `StripeFailure`."""

    def __init__(self, configured: dict[str, str], gateway: StripeGateway | None) -> None:
        self.configured = {tier: configured[tier] for tier in TIERS if configured.get(tier)}
        self.gateway = gateway
        self._prices: dict[str, Price | None] | None = None
        self._lock = asyncio.Lock()  # one read of the prices even when many members open the plans at once

    def tier_of_price(self, price_id: str | None) -> str | None:
        """The tier a configured price id sells (for a plan switched in the billing portal), or None."""
        return next((tier for tier, configured in self.configured.items() if configured == price_id), None)

    async def on_sale(self) -> dict[str, Price]:
        """The tiers that can be bought, with their prices, in display order."""
        prices = await self._load()
        return {tier: price for tier, price in prices.items() if price is not None}

    async def _load(self) -> dict[str, Price | None]:
        if self._prices is not None:
            return self._prices
        async with self._lock:
            if self._prices is None and self.gateway is not None:
                found = await asyncio.gather(*(self.gateway.price(price_id) for price_id in self.configured.values()))
                self._prices = {tier: self._checked(tier, price)
                                for tier, price in zip(self.configured, found, strict=True)}
            return self._prices or {}

    def _checked(self, tier: str, price: dict[str, Any] | None) -> Price | None:
        variable = f"STRIPE_PRICE_{tier.upper()}"
        if price is None:
            log.error("Premium: %s=%s does not exist in this Stripe account; %s is not on sale", variable,
                      self.configured[tier], tier)
            return None
        problem = problem_with(tier, price)
        if problem is not None:
            log.error("Premium: %s=%s cannot be sold as %s: %s; %s is not on sale", variable, price.get("id"), tier,
                      problem, tier)
            return None
        return Price(tier, price["id"], price["unit_amount"], str(price.get("currency", "")).lower(),
                     INTERVALS[tier])
