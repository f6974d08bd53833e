"""Premium applies to one guild: its settings, its members' subscriptions and what its admins see stay there.
(Prices are the operator's, the same on every server.)"""

from __future__ import annotations

from cogs.premium.api import premium_of
from tests.kit.premium import PRICES, PremiumWorld
from utils.errors import UserFacingError


async def test_premium_and_settings_stay_in_their_guild(premium: PremiumWorld) -> None:
    bob, alice = premium.guild.member, premium.guild.admin
    home, second = premium.guild.guild.id, premium.second.id
    guard = premium_of(premium.hearth.bot)
    alice_there = premium.second.member(alice.id)

    with premium.discord.expect_errors(UserFacingError):
        unset = await premium.discord.slash("premium plans", user=alice_there, guild=premium.second)
    assert "isn't set up on this server yet" in unset.text  # Hearth Test's legal links do not leak to Second Home

    await premium.configure(second, terms_url="https://second.example/t", privacy_url="https://second.example/p")
    bob_session = await premium.buy(bob, "monthly")
    await premium.buy(alice_there, "yearly", guild=premium.second)
    alice_request = premium.stripe.requests_to("POST", "/v1/checkout/sessions")[-1]
    assert alice_request.form["line_items"][0]["price"] == PRICES["yearly"]
    assert alice_request.form["metadata"]["discord_guild_id"] == str(second)

    assert (await guard.tier(bob.id, home), await guard.tier(bob.id, second)) == ("monthly", None)
    assert (await guard.tier(alice.id, home), await guard.tier(alice.id, second)) == (None, "yearly")

    ended = premium.stripe.update_subscription(bob_session["subscription"], status="canceled")
    await premium.deliver("customer.subscription.deleted", ended)
    assert not await guard.guild_has_premium(home)
    assert await guard.guild_has_premium(second)
    [alice_row] = await premium.rows(alice.id)
    assert (alice_row["guild_id"], alice_row["status"]) == (second, "active")
