"""Expiry through the timers service: one DM 7 days before the end, `expired` at the end, moved on renewal."""

from __future__ import annotations

from datetime import timedelta

from cogs.premium.api import premium_of
from tests.kit.premium import PremiumWorld


async def _run_timers_at(premium: PremiumWorld, moment) -> None:
    premium.hearth.clock.set(moment)
    await premium.hearth.bot.timers.run_due()  # waits for a pass the dispatcher may have started itself
    await premium.discord.settle()


async def _non_renewing_monthly(premium: PremiumWorld) -> dict:
    member = premium.guild.member
    session = await premium.buy(member)
    snapshot = premium.stripe.update_subscription(session["subscription"], cancel_at_period_end=True)
    await premium.deliver("customer.subscription.updated", snapshot,
                          previous_attributes={"cancel_at_period_end": False})
    return session


def _warnings(premium: PremiumWorld) -> list[str]:
    return [text for text in premium.dm_texts(premium.guild.member) if "in 7 days" in text or "Heads-up" in text]


async def test_warning_once_then_expired(premium: PremiumWorld) -> None:
    member, guild_id = premium.guild.member, premium.guild.guild.id
    await _non_renewing_monthly(premium)
    [row] = await premium.rows(member.id)
    expires_at = row["expires_at"]
    assert (await premium.jobs(row["id"]))["premium_expiry_warning"][1] == expires_at - timedelta(days=7)

    await _run_timers_at(premium, expires_at - timedelta(days=7, minutes=1))
    assert _warnings(premium) == []
    await _run_timers_at(premium, expires_at - timedelta(days=7))
    assert len(_warnings(premium)) == 1 and "ends on" in _warnings(premium)[0]
    [row] = await premium.rows(member.id)
    assert row["expiry_warning_sent_at"] == expires_at - timedelta(days=7)
    await _run_timers_at(premium, expires_at - timedelta(days=3))
    assert len(_warnings(premium)) == 1  # exactly once
    assert await premium_of(premium.hearth.bot).is_premium(member.id, guild_id)

    await _run_timers_at(premium, expires_at)
    [row] = await premium.rows(member.id)
    assert row["status"] == "expired"
    assert await premium.jobs(row["id"]) == {}
    assert not await premium_of(premium.hearth.bot).is_premium(member.id, guild_id)
    assert "has ended" in premium.dm_texts(member)[-1]
    assert len(_warnings(premium)) == 1


async def test_an_expiry_missed_during_downtime_still_applies(premium: PremiumWorld) -> None:
    member = premium.guild.member
    await premium.buy(member)
    [row] = await premium.rows(member.id)
    await _run_timers_at(premium, row["expires_at"] + timedelta(days=2))  # far beyond the late-job grace
    [row] = await premium.rows(member.id)
    assert row["status"] == "expired"


async def test_a_renewal_moves_the_jobs_and_rearms_the_warning(premium: PremiumWorld) -> None:
    member = premium.guild.member
    session = await premium.buy(member, "yearly")
    [row] = await premium.rows(member.id)
    first_end = row["expires_at"]
    await _run_timers_at(premium, first_end - timedelta(days=7))
    assert "renews on" in premium.dm_texts(member)[-1]  # yearly renewals are announced
    second_end = first_end + timedelta(days=365)
    renewed = premium.stripe.update_subscription(session["subscription"], period_end=second_end)
    await premium.deliver("customer.subscription.updated", renewed)
    [row] = await premium.rows(member.id)
    assert (row["expires_at"], row["expiry_warning_sent_at"]) == (second_end, None)
    jobs = await premium.jobs(row["id"])
    assert jobs["premium_expiry"][1] == second_end
    assert jobs["premium_expiry_warning"][1] == second_end - timedelta(days=7)
    await _run_timers_at(premium, first_end + timedelta(hours=1))  # the old expiry time passes harmlessly
    assert [r["status"] for r in await premium.rows(member.id)] == ["active"]


async def test_expiry_asks_stripe_before_ending_a_paid_subscription(premium: PremiumWorld) -> None:
    member = premium.guild.member
    session = await premium.buy(member)
    [row] = await premium.rows(member.id)
    later = row["expires_at"] + timedelta(days=30)
    premium.stripe.update_subscription(session["subscription"], period_end=later)  # renewed; webhook not here yet
    dms_before = len(premium.dm_texts(member))
    await _run_timers_at(premium, row["expires_at"])
    [row] = await premium.rows(member.id)
    assert (row["status"], row["expires_at"]) == ("active", later)
    assert (await premium.jobs(row["id"]))["premium_expiry"][1] == later
    assert premium.stripe.requests_to("GET", f"/v1/subscriptions/{session['subscription']}")
    assert len(premium.dm_texts(member)) == dms_before


async def test_stripe_unreachable_at_expiry_retries_instead_of_expiring(premium: PremiumWorld) -> None:
    member = premium.guild.member
    await premium.buy(member)
    [row] = await premium.rows(member.id)
    premium.stripe.fail("GET", "/v1/subscriptions/", 500)
    await _run_timers_at(premium, row["expires_at"])
    [row] = await premium.rows(member.id)
    assert row["status"] == "active"
    retry_at = (await premium.jobs(row["id"]))["premium_expiry"][1]
    assert retry_at > row["expires_at"]
    await _run_timers_at(premium, retry_at)
    assert [r["status"] for r in await premium.rows(member.id)] == ["expired"]
