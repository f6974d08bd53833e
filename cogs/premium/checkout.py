"""The buying side: a guild's premium setup (legal links, return pages), the rules for who may buy what, and the
Checkout Session request. Prices are not a guild's: they are the operator's (prices.py)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import asyncpg

from cogs.premium.prices import Price
from cogs.premium.settings import (
    PREMIUM_CANCEL_URL,
    PREMIUM_PRIVACY_URL,
    PREMIUM_SUCCESS_URL,
    PREMIUM_TERMS_URL,
    PREMIUM_TERMS_VERSION,
)
from cogs.premium.stripe_objects import GUILD_KEY, MARKER_KEY, TIER_KEY, USER_KEY, client_reference
from cogs.premium.tiers import TIERS
from utils.errors import UserFacingError

if TYPE_CHECKING:
    from core.hearth_bot import HearthBot

NOT_AVAILABLE = ("Premium checkout is not available on this bot: its operator has not connected a Stripe account. "
                 "Everything else works as usual.")
NO_PRICES = ("Premium isn't on sale on this bot yet: its operator has not set the prices "
             "(STRIPE_PRICE_MONTHLY, STRIPE_PRICE_YEARLY, STRIPE_PRICE_LIFETIME). Everything else works as usual.")


@dataclass(frozen=True)
class PremiumSetup:
    """The guild's `premium` settings."""

    terms_version: str
    terms_url: str | None
    privacy_url: str | None
    success_url: str | None
    cancel_url: str | None


async def load_setup(bot: HearthBot, guild_id: int) -> PremiumSetup:
    """Read the guild's premium settings."""
    setting = bot.guild_settings.setting
    return PremiumSetup(
        terms_version=await setting(guild_id, PREMIUM_TERMS_VERSION),
        terms_url=await setting(guild_id, PREMIUM_TERMS_URL),
        privacy_url=await setting(guild_id, PREMIUM_PRIVACY_URL),
        success_url=await setting(guild_id, PREMIUM_SUCCESS_URL),
        cancel_url=await setting(guild_id, PREMIUM_CANCEL_URL),
    )


def require_ready(setup: PremiumSetup) -> None:
    """Refuse (for the user) when the guild's admins have not finished setting premium up."""
    if not (setup.terms_url and setup.privacy_url):
        raise UserFacingError("Premium isn't set up on this server yet: an admin needs to link the Terms of Service "
                              "and Privacy Policy (`premium.terms_url` and `premium.privacy_url` in `/config`).")


def server_url(guild_id: int) -> str:
    """The guild in Discord's web and desktop apps: where Stripe sends the buyer back by default."""
    return f"https://discord.com/channels/{guild_id}"


def check_can_buy(current: asyncpg.Record | None, tier: str, guild_name: str) -> str | None:
    """Refuse a purchase that would clash with the user's active premium; returns a note for an allowed upgrade.

    One active premium per person: a second subscription is refused (switch plans in the billing portal), while
    lifetime may replace a subscription (the old row is cancelled when the payment completes)."""
    if current is None:
        return None
    if current["tier"] == "lifetime":
        raise UserFacingError(f"You already have **Lifetime** premium (on **{guild_name}**). Nothing more to buy!")
    if tier != "lifetime":
        raise UserFacingError(
            f"You already have **{current['tier'].title()}** premium on **{guild_name}**. Switch between monthly "
            "and yearly with `/premium manage`, or move it here with `/premium transfer`.")
    return ("Your current subscription is replaced by lifetime premium once the payment goes through; cancel its "
            "renewal with `/premium manage` afterwards so you aren't charged again.")


def checkout_params(setup: PremiumSetup, price: Price, *, user_id: int, guild_id: int, customer_id: str | None,
                    marker: str) -> dict[str, Any]:
    """The Checkout Session to create: subscription mode for monthly/yearly, payment mode for lifetime, the
    operator's price of the tier, Hearth's marker (a random token also recorded in premium_checkouts) and the
    buyer in metadata (copied onto the subscription / payment, so Stripe's dashboard shows who bought)."""
    tier = price.tier
    plan = TIERS[tier]
    metadata = {MARKER_KEY: marker, USER_KEY: str(user_id), GUILD_KEY: str(guild_id), TIER_KEY: tier}
    params: dict[str, Any] = {
        "mode": plan.checkout_mode,
        "line_items": [{"price": price.price_id, "quantity": 1}],
        "success_url": setup.success_url or server_url(guild_id),
        "cancel_url": setup.cancel_url or server_url(guild_id),
        "client_reference_id": client_reference(user_id, guild_id),
        "metadata": metadata,
    }
    if plan.recurring:
        params["subscription_data"] = {"metadata": metadata}
    else:
        params["payment_intent_data"] = {"metadata": metadata}
    if customer_id:
        params["customer"] = customer_id  # the same Stripe customer: one billing portal for all purchases
    elif not plan.recurring:
        params["customer_creation"] = "always"  # so a lifetime buyer can see receipts in the billing portal
    return params
