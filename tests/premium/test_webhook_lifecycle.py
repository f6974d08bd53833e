"""What each Stripe event does to premium_subs, the timers, the premium guard and the buyer's DMs."""

from __future__ import annotations

from datetime import timedelta

from cogs.premium.api import premium_of
from tests.kit.premium import PremiumWorld
from tests.stripe_standin.objects import unix


async def test_paid_subscription_checkout_activates_premium(premium: PremiumWorld) -> None:
    member, guild_id = premium.guild.member, premium.guild.guild.id
    session = await premium.buy(member, "yearly")
    sub = premium.stripe.subscriptions[session["subscription"]]
    [row] = await premium.rows(member.id)
    now = premium.hearth.clock.now()
    assert (row["guild_id"], row["tier"], row["status"]) == (guild_id, "yearly", "active")
    assert (row["stripe_subscription_id"], row["stripe_customer_id"]) == (sub["id"], session["customer"])
    assert row["expires_at"] == now + timedelta(days=365) and row["created_at"] == now
    jobs = await premium.jobs(row["id"])
    assert jobs["premium_expiry"] == (guild_id, row["expires_at"])
    assert jobs["premium_expiry_warning"] == (guild_id, row["expires_at"] - timedelta(days=7))  # yearly renewal
    assert await premium_of(premium.hearth.bot).tier(member.id, guild_id) == "yearly"
    [dm] = premium.dm_texts(member)
    assert "**Yearly** premium is active on **Hearth Test**" in dm


async def test_paid_lifetime_checkout_activates_lifetime(premium: PremiumWorld) -> None:
    member = premium.guild.member
    await premium.buy(member, "lifetime")
    [row] = await premium.rows(member.id)
    assert (row["tier"], row["status"], row["expires_at"], row["stripe_subscription_id"]) == (
        "lifetime", "active", None, None)
    assert row["stripe_customer_id"].startswith("cus_")
    assert await premium.jobs(row["id"]) == {}
    assert await premium_of(premium.hearth.bot).is_premium(member.id, premium.guild.guild.id)
    assert "for good" in premium.dm_texts(member)[0]


async def test_subscription_update_before_checkout_completion_ends_right(premium: PremiumWorld) -> None:
    member = premium.guild.member
    session = premium.stripe.complete_checkout(await premium.open_checkout(member))
    completed = premium.stripe.event("checkout.session.completed", session)
    renewal_end = premium.hearth.clock.now() + timedelta(days=60)
    snapshot = premium.stripe.update_subscription(session["subscription"], period_end=renewal_end)
    await premium.deliver("customer.subscription.updated", snapshot, created=completed["created"] + 5)
    assert (await premium.webhooks.send(completed)).status_code == 200  # older, delivered late
    [row] = await premium.rows(member.id)
    assert (row["status"], row["expires_at"]) == ("active", renewal_end)
    assert row["stripe_updated_at"].timestamp() == completed["created"]  # the update came before any row existed
    assert (await premium.jobs(row["id"]))["premium_expiry"][1] == renewal_end
    assert sum("is active" in text for text in premium.dm_texts(member)) == 1
    assert await premium.db.fetchval("SELECT count(*) FROM stripe_events") == 2


async def test_an_older_snapshot_does_not_undo_a_newer_one(premium: PremiumWorld) -> None:
    member = premium.guild.member
    session = await premium.buy(member)
    created = unix(premium.hearth.clock.now())
    cancelled = premium.stripe.update_subscription(session["subscription"], status="canceled")
    await premium.deliver("customer.subscription.deleted", cancelled, created=created + 20)
    still_active = dict(cancelled, status="active")
    await premium.deliver("customer.subscription.updated", still_active, created=created + 10)
    [row] = await premium.rows(member.id)
    assert row["status"] == "cancelled"
    assert not await premium_of(premium.hearth.bot).is_premium(member.id, premium.guild.guild.id)


async def test_cancellation_ends_premium_and_tells_the_user(premium: PremiumWorld) -> None:
    member, guild_id = premium.guild.member, premium.guild.guild.id
    session = await premium.buy(member)
    assert await premium_of(premium.hearth.bot).is_premium(member.id, guild_id)  # cached now
    snapshot = premium.stripe.update_subscription(session["subscription"], cancel_at_period_end=True)
    await premium.deliver("customer.subscription.updated", snapshot,
                          previous_attributes={"cancel_at_period_end": False})
    assert "will not renew" in premium.dm_texts(member)[-1]
    [row] = await premium.rows(member.id)
    assert row["status"] == "active"
    assert "premium_expiry_warning" in await premium.jobs(row["id"])  # it ends now: warn 7 days before
    ended = premium.stripe.update_subscription(session["subscription"], status="canceled")
    await premium.deliver("customer.subscription.deleted", ended)
    [row] = await premium.rows(member.id)
    assert row["status"] == "cancelled"
    assert await premium.jobs(row["id"]) == {}
    assert not await premium_of(premium.hearth.bot).is_premium(member.id, guild_id)  # the cache was invalidated
    assert "has been cancelled" in premium.dm_texts(member)[-1]


async def test_failed_renewal_lapses_premium_and_a_later_payment_restores_it(premium: PremiumWorld) -> None:
    member, guild_id = premium.guild.member, premium.guild.guild.id
    session = await premium.buy(member)
    sub_id = session["subscription"]
    [row] = await premium.rows(member.id)
    premium.hearth.clock.set(row["expires_at"] + timedelta(hours=1))  # the renewal invoice is attempted
    retry_at = premium.hearth.clock.now() + timedelta(days=3)
    premium.stripe.update_subscription(sub_id, status="past_due", period_end=row["expires_at"] + timedelta(days=30))
    await premium.deliver("invoice.payment_failed", premium.stripe.invoice(sub_id, paid=False,
                                                                           next_payment_attempt=retry_at))
    [row] = await premium.rows(member.id)
    assert row["status"] == "expired"
    assert await premium.jobs(row["id"]) == {}
    assert not await premium_of(premium.hearth.bot).is_premium(member.id, guild_id)
    assert "couldn't take the payment" in premium.dm_texts(member)[-1]
    assert f"<t:{unix(retry_at)}:D>" in premium.dm_texts(member)[-1]

    paid_until = premium.stripe.update_subscription(sub_id, status="active")["items"]["data"][0]
    await premium.deliver("invoice.paid", premium.stripe.invoice(sub_id, paid=True))
    [row] = await premium.rows(member.id)
    assert (row["status"], unix(row["expires_at"])) == ("active", paid_until["current_period_end"])
    assert await premium_of(premium.hearth.bot).is_premium(member.id, guild_id)
    assert "is active" in premium.dm_texts(member)[-1]


async def test_closed_dms_do_not_stop_the_change(premium: PremiumWorld) -> None:
    member = premium.guild.member
    member.user.dms_open = False
    await premium.buy(member)
    assert [row["status"] for row in await premium.rows(member.id)] == ["active"]
    assert premium.dm_texts(member) == []


async def test_lifetime_replaces_an_active_subscription(premium: PremiumWorld) -> None:
    member = premium.guild.member
    await premium.buy(member, "monthly")
    shown = await premium.discord.slash("premium plans", user=member)
    answer = await premium.discord.click(shown, "Buy lifetime", user=member)  # allowed: an upgrade, with a note
    assert answer.ephemeral and "replaced by lifetime premium" in answer.text
    request = premium.stripe.requests_to("POST", "/v1/checkout/sessions")[-1]
    [session_id] = [s["id"] for s in premium.stripe.sessions.values() if s["url"] in answer.text]
    await premium.deliver("checkout.session.completed", premium.stripe.complete_checkout(session_id))
    monthly, lifetime = await premium.rows(member.id)
    assert (monthly["status"], lifetime["status"], lifetime["tier"]) == ("cancelled", "active", "lifetime")
    assert await premium.jobs(monthly["id"]) == {}
    assert request.form["customer"] == monthly["stripe_customer_id"] == lifetime["stripe_customer_id"]
    assert any("was replaced" in text and "/premium manage" in text for text in premium.dm_texts(member))
