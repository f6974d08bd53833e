"""Premium is granted only for what Hearth sold, at the operator's price: attacks on the price and the checkout.

Each attack pays real (stand-in) Stripe money and delivers the signed webhook Stripe would send."""

from __future__ import annotations

from cogs.premium.api import premium_of
from tests.kit.premium import COGS, PRICES, STRIPE_SETTINGS, PremiumWorld
from utils.errors import BadInput


async def _nothing_granted(premium: PremiumWorld, user_id: int) -> None:
    assert await premium.rows(user_id) == []
    assert not await premium_of(premium.hearth.bot).is_premium(user_id, premium.guild.guild.id)
    assert await premium.db.fetchval("SELECT count(*) FROM timers WHERE kind LIKE 'premium_%'") == 0


async def test_a_payment_link_with_a_client_reference_id_grants_nothing(premium: PremiumWorld) -> None:
    """A EUR 1 Payment Link of the operator's account, `?client_reference_id=<user>:<guild>` appended, paid."""
    member, guild_id = premium.guild.member, premium.guild.guild.id
    premium.stripe.add_price("price_tip_jar", amount=100)  # €1, one-off: sold for something else entirely
    link = premium.stripe.payment_link_session("price_tip_jar", client_reference_id=f"{member.id}:{guild_id}")
    event = await premium.deliver("checkout.session.completed", premium.stripe.complete_checkout(link))

    await _nothing_granted(premium, member.id)
    assert await premium.db.fetchval("SELECT type FROM stripe_events WHERE event_id = $1", event["id"]) == (
        "checkout.session.completed")  # recorded, and ignored
    assert await premium.db.fetchval("SELECT count(*) FROM premium_checkouts") == 0
    assert premium.dm_texts(member) == []

    # The same with Hearth's metadata keys copied onto the link (a guessed marker): still not a session Hearth made.
    copied = {"hearth_checkout": "guessed", "discord_user_id": str(member.id), "discord_guild_id": str(guild_id),
              "tier": "lifetime"}
    forged = premium.stripe.payment_link_session("price_tip_jar", client_reference_id=f"{member.id}:{guild_id}",
                                                 metadata=copied)
    await premium.deliver("checkout.session.completed", premium.stripe.complete_checkout(forged))
    await _nothing_granted(premium, member.id)


async def test_a_subscription_hearth_did_not_sell_grants_nothing(premium: PremiumWorld) -> None:
    """A subscription made outside Hearth (a Payment Link, the dashboard) that carries a Discord buyer in its
    metadata: its updates and paid invoices must not create premium."""
    member, guild_id = premium.guild.member, premium.guild.guild.id
    link = premium.stripe.payment_link_session(PRICES["yearly"], client_reference_id=f"{member.id}:{guild_id}")
    session = premium.stripe.complete_checkout(link)
    await premium.deliver("checkout.session.completed", session)
    metadata = {"discord_user_id": str(member.id), "discord_guild_id": str(guild_id), "tier": "yearly"}
    snapshot = premium.stripe.update_subscription(session["subscription"], metadata=metadata)
    await premium.deliver("customer.subscription.updated", snapshot)
    await premium.deliver("invoice.paid", premium.stripe.invoice(session["subscription"], paid=True))
    await _nothing_granted(premium, member.id)
    assert premium.dm_texts(member) == []


async def test_a_hearth_session_charging_the_monthly_price_as_yearly_is_refused(premium: PremiumWorld) -> None:
    """Hearth opened a yearly checkout, but what Stripe charged in it is the monthly price."""
    member = premium.guild.member
    session_id = await premium.open_checkout(member, "yearly")
    premium.stripe.charge_line_item(session_id, PRICES["monthly"])
    session = premium.stripe.complete_checkout(session_id)
    assert session["metadata"]["tier"] == "yearly"  # the session still claims the yearly tier
    await premium.deliver("checkout.session.completed", session)

    await _nothing_granted(premium, member.id)
    assert premium.stripe.requests_to("GET", f"/v1/checkout/sessions/{session_id}/line_items")  # asked Stripe
    checkout = await premium.db.fetchrow("SELECT status, refusal, completed_at FROM premium_checkouts")
    assert checkout["status"] == "refused" and PRICES["monthly"] in checkout["refusal"]
    assert checkout["completed_at"] == premium.hearth.clock.now()
    [dm] = premium.dm_texts(member)
    assert "did not match that plan's price" in dm and "operator" in dm

    # The same for lifetime premium charged at a cheap one-off price of the account.
    premium.stripe.add_price("price_sticker", amount=100)
    lifetime = await premium.open_checkout(member, "lifetime")
    premium.stripe.charge_line_item(lifetime, "price_sticker")
    await premium.deliver("checkout.session.completed", premium.stripe.complete_checkout(lifetime))
    await _nothing_granted(premium, member.id)
    assert await premium.db.fetchval("SELECT count(*) FROM premium_checkouts WHERE status = 'refused'") == 2


async def test_a_correct_purchase_is_granted_and_linked_to_its_payment(premium: PremiumWorld) -> None:
    member = premium.guild.member
    session = await premium.buy(member, "lifetime")
    [row] = await premium.rows(member.id)
    assert (row["tier"], row["status"]) == ("lifetime", "active")
    checkout = await premium.db.fetchrow("SELECT * FROM premium_checkouts")
    assert (checkout["status"], checkout["premium_sub_id"], checkout["stripe_payment_intent_id"]) == (
        "granted", row["id"], session["payment_intent"])
    assert (checkout["price_id"], checkout["amount"], checkout["currency"]) == (PRICES["lifetime"], 9999, "eur")
    assert premium.stripe.requests_to("GET", f"/v1/checkout/sessions/{session['id']}/line_items")
    # A second delivery of the completion (a new event id, as async_payment_succeeded would be) grants nothing more.
    await premium.deliver("checkout.session.async_payment_succeeded", session)
    assert len(await premium.rows(member.id)) == 1


async def test_old_price_settings_are_gone(premium: PremiumWorld) -> None:
    """A server admin can no longer choose the price premium is sold at; a value stored before is ignored."""
    admin, member, guild_id = premium.guild.admin, premium.guild.member, premium.guild.guild.id
    await premium.hearth.restart(cogs=["config", *COGS], **STRIPE_SETTINGS)
    for key in ("price_id_yearly", "price_id_lifetime", "price_label_monthly"):
        with premium.discord.expect_errors(BadInput):
            refused = await premium.discord.slash("config set", user=admin, scope="premium", key=key,
                                                  value="price_cheap_one_off")
        assert refused.ephemeral and f"`premium` has no setting `{key}`" in refused.text
    assert await premium.db.fetchval("SELECT count(*) FROM bot_settings WHERE key LIKE 'price_%'") == 0

    # A row stored by an older version of Hearth: unknown now, the operator's price is charged.
    await premium.db.execute("INSERT INTO bot_settings (guild_id, scope, key, value) "
                             "VALUES ($1, 'premium', 'price_id_lifetime', '\"price_cheap_one_off\"')", guild_id)
    premium.hearth.bot.guild_settings.invalidate(guild_id)
    await premium.open_checkout(member, "lifetime")
    request = premium.stripe.requests_to("POST", "/v1/checkout/sessions")[-1]
    assert request.form["line_items"] == [{"price": PRICES["lifetime"], "quantity": "1"}]


async def test_a_price_that_does_not_fit_its_tier_is_not_sold(premium: PremiumWorld) -> None:
    """The operator sets STRIPE_PRICE_YEARLY to a monthly price by mistake: yearly is not on sale at it, not even
    from a plans message shown before."""
    member = premium.guild.member
    old_plans = await premium.discord.click(await premium.discord.slash("premium plans", user=member), "I accept",
                                            user=member)
    premium.stripe.add_price("price_yearly_mistake", amount=499, interval="month")
    await premium.hearth.restart(cogs=COGS, **{**STRIPE_SETTINGS, "stripe_price_yearly": "price_yearly_mistake"})
    plans = await premium.discord.slash("premium plans", user=member)
    fields = [field["name"] for field in plans.embeds[0]["fields"]]
    assert fields == ["Monthly · €4.99 / month", "Yearly · not on sale", "Lifetime · €99.99 once"]
    assert [c.get("disabled", False) for row in plans.components for c in row["components"]
            if c.get("label") == "Buy yearly"] == [True]
    refused = await premium.discord.click(old_plans, "Buy yearly", user=member)
    assert refused.ephemeral and "not on sale" in refused.text
    assert premium.stripe.requests_to("POST", "/v1/checkout/sessions") == []
