"""A full refund or a dispute (chargeback) ends the premium its payment bought, and the member is told; a won
dispute brings it back. Refunds and disputes come as Stripe sends them: signed `charge.*` webhooks."""

from __future__ import annotations

from datetime import timedelta

from cogs.premium.api import premium_of
from tests.kit.premium import PRICES, PremiumWorld


async def _ended(premium: PremiumWorld, status: str) -> dict:
    member = premium.guild.member
    [row] = await premium.rows(member.id)
    assert row["status"] == status
    assert not await premium_of(premium.hearth.bot).is_premium(member.id, premium.guild.guild.id)
    assert await premium.jobs(row["id"]) == {}
    return row


async def test_a_refund_of_lifetime_ends_it_and_tells_the_member(premium: PremiumWorld) -> None:
    member = premium.guild.member
    session = await premium.buy(member, "lifetime")
    payment = premium.stripe.payment_of(session["id"])
    assert await premium_of(premium.hearth.bot).is_premium(member.id, premium.guild.guild.id)  # cached now

    await premium.deliver("charge.refunded", premium.stripe.refund(payment, amount=1000))  # a partial refund
    assert [row["status"] for row in await premium.rows(member.id)] == ["active"]

    event = await premium.deliver("charge.refunded", premium.stripe.refund(payment))  # the rest: refunded in full
    row = await _ended(premium, "refunded")
    assert "has ended because its payment was refunded" in premium.dm_texts(member)[-1]
    reversal = await premium.db.fetchrow("SELECT * FROM premium_reversals")
    assert (reversal["premium_sub_id"], reversal["kind"], reversal["stripe_payment_intent_id"]) == (
        row["id"], "refund", payment)

    dms = len(premium.dm_texts(member))
    again = await premium.webhooks.send(event)  # Stripe delivers it again
    assert again.json()["duplicate"] is True and len(premium.dm_texts(member)) == dms
    refused = await premium.discord.slash("premium status", user=member)
    assert "**refunded**" in refused.text


async def test_a_dispute_ends_a_subscription_and_stops_its_renewal(premium: PremiumWorld) -> None:
    member = premium.guild.member
    session = await premium.buy(member, "monthly")
    sub_id = session["subscription"]
    dispute = premium.stripe.dispute(premium.stripe.payment_of(session["id"]))
    await premium.deliver("charge.dispute.created", dispute)

    await _ended(premium, "disputed")
    assert premium.stripe.requests_to("DELETE", f"/v1/subscriptions/{sub_id}")  # not charged again
    assert premium.stripe.subscriptions[sub_id]["status"] == "canceled"
    text = premium.dm_texts(member)[-1]
    assert "disputed" in text and "won't be charged for it again" in text

    # What Stripe sends next changes nothing, and tells the member nothing twice.
    dms = len(premium.dm_texts(member))
    await premium.deliver("customer.subscription.deleted", premium.stripe.subscriptions[sub_id])
    await premium.deliver("charge.dispute.closed", premium.stripe.close_dispute(dispute["id"], "lost"))
    await _ended(premium, "disputed")
    assert len(premium.dm_texts(member)) == dms
    assert await premium.db.fetchval("SELECT status FROM premium_reversals") == "lost"


async def test_a_refunded_renewal_ends_the_subscription(premium: PremiumWorld) -> None:
    """The payment of a renewal invoice (not the checkout): traced through Stripe's invoice payments."""
    member = premium.guild.member
    session = await premium.buy(member, "yearly")
    sub_id = session["subscription"]
    [row] = await premium.rows(member.id)
    premium.hearth.clock.set(row["expires_at"])
    premium.stripe.update_subscription(sub_id, period_end=row["expires_at"] + timedelta(days=365))
    renewal = premium.stripe.invoice(sub_id, paid=True)
    await premium.deliver("invoice.paid", renewal)
    [link] = [p for p in premium.stripe.invoice_payments.values() if p["invoice"] == renewal["id"]]

    await premium.deliver("charge.refunded", premium.stripe.refund(link["payment"]["payment_intent"]))
    await _ended(premium, "refunded")
    assert premium.stripe.subscriptions[sub_id]["status"] == "canceled"
    assert "refunded" in premium.dm_texts(member)[-1]


async def test_a_won_dispute_restores_lifetime(premium: PremiumWorld) -> None:
    member = premium.guild.member
    session = await premium.buy(member, "lifetime")
    dispute = premium.stripe.dispute(premium.stripe.payment_of(session["id"]))
    await premium.deliver("charge.dispute.created", dispute)
    await _ended(premium, "disputed")

    await premium.deliver("charge.dispute.closed", premium.stripe.close_dispute(dispute["id"], "won"))
    [row] = await premium.rows(member.id)
    assert (row["status"], row["tier"]) == ("active", "lifetime")
    assert await premium_of(premium.hearth.bot).is_premium(member.id, premium.guild.guild.id)
    assert "is back for good" in premium.dm_texts(member)[-1]


async def test_refunds_of_payments_that_bought_no_premium_change_nothing(premium: PremiumWorld) -> None:
    """Someone else's payment refunded or disputed (a Payment Link, another product) leaves premium alone."""
    member, other = premium.guild.member, premium.guild.admin
    await premium.buy(member, "monthly")
    link = premium.stripe.payment_link_session(PRICES["lifetime"], client_reference_id=f"{member.id}:1")
    session = premium.stripe.complete_checkout(link)
    event = await premium.deliver("charge.refunded", premium.stripe.refund(session["payment_intent"]))
    await premium.deliver("charge.dispute.created", premium.stripe.dispute(session["payment_intent"]))
    assert [row["status"] for row in await premium.rows(member.id)] == ["active"]
    assert await premium.db.fetchval("SELECT count(*) FROM premium_reversals") == 0
    assert await premium.db.fetchval("SELECT type FROM stripe_events WHERE event_id = $1", event["id"]) == (
        "charge.refunded")
    assert premium.dm_texts(other) == []
