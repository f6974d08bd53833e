"""Each press of Buy (and /premium manage) makes a Stripe call: a member cannot make the bot make them unbounded."""

from __future__ import annotations

from tests.kit.premium import PremiumWorld, labels
from utils.cooldowns import OnCooldown


async def test_pressing_buy_over_and_over_is_slowed_down(premium: PremiumWorld) -> None:
    member, admin = premium.guild.member, premium.guild.admin
    plans = await premium.discord.click(await premium.discord.slash("premium plans", user=member), "I accept",
                                        user=member)
    for tier in ("monthly", "yearly", "lifetime"):
        answer = await premium.discord.click(plans, f"Buy {tier}", user=member)
        assert "checkout.stripe.com" in answer.text
    slowed = await premium.discord.click(plans, "Buy monthly", user=member)  # a button answers its own errors
    assert slowed.ephemeral and "Try again in 60 s" in slowed.text
    assert len(premium.stripe.requests_to("POST", "/v1/checkout/sessions")) == 3
    assert await premium.db.fetchval("SELECT count(*) FROM premium_checkouts") == 3

    other = await premium.discord.click(await premium.discord.slash("premium plans", user=admin), "I accept",
                                        user=admin)
    assert "checkout.stripe.com" in (await premium.discord.click(other, "Buy monthly", user=admin)).text  # per member

    premium.hearth.clock.advance(seconds=45)
    still = await premium.discord.click(plans, "Buy monthly", user=member)
    assert "Try again in 15 s" in still.text
    premium.hearth.clock.advance(seconds=15)
    again = await premium.discord.click(plans, "Buy monthly", user=member)
    assert "checkout.stripe.com" in again.text and "Buy monthly" in labels(plans)


async def test_billing_links_are_slowed_down_too(premium: PremiumWorld) -> None:
    member = premium.guild.member
    await premium.buy(member)
    for _ in range(3):
        assert "billing.stripe.com" in (await premium.discord.slash("premium manage", user=member)).text
    with premium.discord.expect_errors(OnCooldown):
        slowed = await premium.discord.slash("premium manage", user=member)
    assert "Try again in" in slowed.text
    assert len(premium.stripe.requests_to("POST", "/v1/billing_portal/sessions")) == 3
