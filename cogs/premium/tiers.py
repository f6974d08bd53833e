"""The premium tiers: what each costs in Stripe terms (checkout mode), lasts, and unlocks."""

from __future__ import annotations

from dataclasses import dataclass

FREE_ACTIVE_REMINDERS = 10
FREE_AI_PER_DAY = 5


@dataclass(frozen=True)
class Tier:
    """One purchasable tier."""

    name: str  # stored in premium_subs.tier and in Stripe metadata
    title: str
    checkout_mode: str  # Stripe Checkout mode: "subscription" (recurring) or "payment" (one-off)
    ai_per_day: int | None  # None = the operator's fair-use ceiling (AI_FAIR_USE_DAILY_LIMIT)

    @property
    def recurring(self) -> bool:
        """Whether the tier is a Stripe subscription (renews until cancelled)."""
        return self.checkout_mode == "subscription"


TIERS: dict[str, Tier] = {
    "monthly": Tier("monthly", "Monthly", "subscription", 25),
    "yearly": Tier("yearly", "Yearly", "subscription", None),
    "lifetime": Tier("lifetime", "Lifetime", "payment", None),
}


def perks(tier: Tier) -> str:
    """What the tier unlocks on the server it applies to, as bullet lines."""
    quota = ("AI requests up to a fair-use daily ceiling" if tier.ai_per_day is None
             else f"{tier.ai_per_day} AI requests a day")
    return "\n".join((
        f"• {quota} (free: {FREE_AI_PER_DAY} a day)",
        f"• unlimited active reminders (free: {FREE_ACTIVE_REMINDERS}), with images",
        "• AI and regex automod rules",
        "• AI-assisted member verification",
    ))


def tier_for_interval(interval: str | None) -> str | None:
    """The tier of a Stripe recurring price interval ("month", "year"), for prices set outside settings."""
    return {"month": "monthly", "year": "yearly"}.get(interval or "")
