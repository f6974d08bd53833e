"""/premium plans: terms first, then a real Checkout Session through the stripe library, its link sent privately."""

from __future__ import annotations

from datetime import timedelta

from tests.kit.premium import COGS, PRICES, SECRET_KEY, STRIPE_SETTINGS, PremiumWorld, labels, shown_text
from utils.errors import UserFacingError


async def test_first_purchase_asks_for_terms_then_creates_a_checkout_session(premium: PremiumWorld) -> None:
    member, guild_id = premium.guild.member, premium.guild.guild.id
    prompt = await premium.discord.slash("premium plans", user=member)
    assert prompt.ephemeral and "Terms of Service" in prompt.text and "2026-03-02" in prompt.text
    assert "https://hearth.example/terms" in str(prompt.components)
    assert await premium.db.fetchval("SELECT count(*) FROM terms_acceptance") == 0
    assert premium.stripe.requests == []

    plans = await premium.discord.click(prompt, "I accept", user=member)
    accepted = await premium.db.fetchrow("SELECT user_id, version, accepted_at FROM terms_acceptance")
    assert tuple(accepted) == (member.id, "2026-03-02", premium.hearth.clock.now())
    assert {"Buy monthly", "Buy yearly", "Buy lifetime"} <= set(labels(plans))
    fields = [field["name"] for field in plans.embeds[0]["fields"]]  # the operator's prices, as Stripe has them
    assert fields == ["Monthly · €4.99 / month", "Yearly · €49.99 / year", "Lifetime · €99.99 once"]

    answer = await premium.discord.click(plans, "Buy monthly", user=member)
    [request] = premium.stripe.requests_to("POST", "/v1/checkout/sessions")
    [recorded] = await premium.db.fetch("SELECT * FROM premium_checkouts")
    buyer = {"hearth_checkout": recorded["marker"], "discord_user_id": str(member.id),
             "discord_guild_id": str(guild_id), "tier": "monthly"}
    assert len(recorded["marker"]) >= 20  # random, per session
    assert request.authorization == f"Bearer {SECRET_KEY}"
    assert request.form["mode"] == "subscription"
    assert request.form["line_items"] == [{"price": PRICES["monthly"], "quantity": "1"}]
    assert request.form["metadata"] == buyer
    assert request.form["subscription_data"] == {"metadata": buyer}
    assert request.form["client_reference_id"] == f"{member.id}:{guild_id}"
    assert request.form["success_url"] == request.form["cancel_url"] == f"https://discord.com/channels/{guild_id}"
    [session] = premium.stripe.sessions.values()
    assert answer.ephemeral and session["url"] in answer.text
    assert any(c.get("url") == session["url"] for row in answer.components for c in row["components"])
    # Hearth remembers what it asked Stripe to charge, to check the payment against it later.
    assert (recorded["stripe_session_id"], recorded["user_id"], recorded["guild_id"], recorded["tier"],
            recorded["mode"], recorded["price_id"], recorded["amount"], recorded["currency"], recorded["status"]) == (
        session["id"], member.id, guild_id, "monthly", "subscription", PRICES["monthly"], 499, "eur", "open")


async def test_lifetime_is_a_one_off_payment(premium: PremiumWorld) -> None:
    member = premium.guild.member
    await premium.configure(success_url="https://hearth.example/thanks")
    await premium.open_checkout(member, "lifetime")
    [request] = premium.stripe.requests_to("POST", "/v1/checkout/sessions")
    assert request.form["mode"] == "payment"
    assert request.form["line_items"][0]["price"] == PRICES["lifetime"]
    assert request.form["payment_intent_data"]["metadata"]["tier"] == "lifetime"
    assert request.form["customer_creation"] == "always"
    assert request.form["success_url"] == "https://hearth.example/thanks"
    assert "subscription_data" not in request.form


async def test_a_new_terms_version_is_accepted_again(premium: PremiumWorld) -> None:
    member = premium.guild.member
    first = await premium.discord.slash("premium plans", user=member)
    await premium.discord.click(first, "I accept", user=member)
    accepted = await premium.discord.slash("premium plans", user=member)
    assert "Buy monthly" in labels(accepted)  # accepted: straight to the plans

    await premium.configure(terms_version="2026-09-01")
    premium.hearth.clock.advance(days=3)
    again = await premium.discord.slash("premium plans", user=member)
    assert "changed since you last accepted" in again.text and "2026-09-01" in again.text
    await premium.configure(terms_version="2026-10-01")  # changed again while the prompt was open
    stale = await premium.discord.click(again, "I accept", user=member)
    assert "2026-10-01" in shown_text(stale) and "Buy monthly" not in labels(stale)
    assert await premium.db.fetchval("SELECT version FROM terms_acceptance") == "2026-03-02"

    plans = await premium.discord.click(stale, "I accept", user=member)
    assert "Buy monthly" in labels(plans)
    [row] = await premium.db.fetch("SELECT version, accepted_at FROM terms_acceptance WHERE user_id = $1", member.id)
    assert (row["version"], row["accepted_at"]) == ("2026-10-01", premium.hearth.clock.now())


async def test_without_stripe_keys_checkout_is_not_available(hearth) -> None:
    await hearth.restart(cogs=COGS)  # Hearth without any Stripe setting
    member = hearth.guild.member
    for command in ("premium plans", "premium manage"):
        with hearth.discord.expect_errors(UserFacingError):
            result = await hearth.discord.slash(command, user=member)
        assert result.ephemeral and "not available on this bot" in result.text
    assert await hearth.db.fetchval("SELECT count(*) FROM terms_acceptance") == 0


async def test_a_stripe_outage_is_reported_not_swallowed(premium: PremiumWorld) -> None:
    member = premium.guild.member
    plans = await premium.discord.click(await premium.discord.slash("premium plans", user=member), "I accept",
                                        user=member)
    premium.stripe.fail("POST", "/v1/checkout/sessions", 500)
    failed = await premium.discord.click(plans, "Buy monthly", user=member)
    assert failed.ephemeral and "couldn't start the checkout" in failed.text and "Stripe had a problem" in failed.text
    premium.stripe.fail("POST", "/v1/checkout/sessions", 402)
    declined = await premium.discord.click(plans, "Buy yearly", user=member)
    assert "Your card was declined" in declined.text
    assert len(premium.stripe.requests_to("POST", "/v1/checkout/sessions")) == 2  # tried, no retry storm
    assert premium.stripe.sessions == {}
    working = await premium.discord.click(plans, "Buy monthly", user=member)  # and the next try works
    assert "checkout.stripe.com" in working.text


async def test_unfinished_setup_is_explained(premium: PremiumWorld) -> None:
    guild_id, member = premium.guild.guild.id, premium.guild.member
    for key in ("terms_url", "privacy_url"):
        await premium.hearth.bot.guild_settings.reset(guild_id, "premium", key, changed_by=None)
    with premium.discord.expect_errors(UserFacingError):
        no_terms = await premium.discord.slash("premium plans", user=member)
    assert "Terms of Service" in no_terms.text and "premium.terms_url" in no_terms.text
    # The operator set keys but no prices: nothing is on sale, on any server.
    await premium.hearth.restart(cogs=COGS, stripe_secret_key=SECRET_KEY)
    with premium.discord.expect_errors(UserFacingError):
        no_prices = await premium.discord.slash("premium plans", user=member)
    assert no_prices.ephemeral and "isn't on sale on this bot yet" in no_prices.text
    assert "STRIPE_PRICE_MONTHLY" in no_prices.text
    assert premium.stripe.requests == []


async def test_a_second_subscription_is_refused(premium: PremiumWorld) -> None:
    member = premium.guild.member
    await premium.buy(member, "monthly")
    plans = await premium.discord.slash("premium plans", user=member)
    refused = await premium.discord.click(plans, "Buy yearly", user=member)
    assert refused.ephemeral and "already have **Monthly** premium" in refused.text
    assert "/premium manage" in refused.text
    assert len(premium.stripe.requests_to("POST", "/v1/checkout/sessions")) == 1


async def test_buy_buttons_work_after_a_restart(premium: PremiumWorld) -> None:
    member = premium.guild.member
    plans = await premium.discord.click(await premium.discord.slash("premium plans", user=member), "I accept",
                                        user=member)
    await premium.hearth.restart(cogs=COGS, **STRIPE_SETTINGS)
    premium.hearth.clock.advance(minutes=1)
    answer = await premium.discord.click(plans, "Buy yearly", user=member)
    assert "checkout.stripe.com" in answer.text
    assert premium.stripe.requests_to("POST", "/v1/checkout/sessions")[-1].form["metadata"]["tier"] == "yearly"
    assert timedelta(0) < premium.hearth.clock.now() - (await premium.db.fetchval(
        "SELECT accepted_at FROM terms_acceptance"))


async def test_a_stripe_outage_reading_the_prices_is_reported(premium: PremiumWorld) -> None:
    member = premium.guild.member
    prompt = await premium.discord.slash("premium plans", user=member)
    premium.stripe.fail("GET", "/v1/prices/", 500, times=len(PRICES))  # each of the three reads fails once
    failed = await premium.discord.click(prompt, "I accept", user=member)  # the plans need the prices
    assert failed.ephemeral and "couldn't read the premium prices from Stripe" in shown_text(failed)
    assert "Stripe had a problem" in shown_text(failed)
    plans = await premium.discord.slash("premium plans", user=member)  # not remembered: the next try works
    assert "Buy monthly" in labels(plans)
