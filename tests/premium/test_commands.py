"""/premium status, /my_premium, /premium transfer, /premium manage and /premium check (admins)."""

from __future__ import annotations

from cogs.premium.api import premium_of
from tests.kit.premium import PremiumWorld, labels, shown_text
from utils.errors import BadInput, UserFacingError


async def test_status_and_my_premium(premium: PremiumWorld) -> None:
    member = premium.guild.member
    none_yet = await premium.discord.slash("my_premium", user=member)
    assert none_yet.ephemeral and "You don't have premium" in none_yet.text
    await premium.buy(member, "yearly")
    for command in ("premium status", "my_premium"):
        shown = await premium.discord.slash(command, user=member)
        assert shown.ephemeral and "**Yearly** premium on this server" in shown.text
    elsewhere = await premium.discord.slash("premium status", user=member, guild=premium.second)
    assert "**Hearth Test**" in elsewhere.text and "/premium transfer" in elsewhere.text


async def test_transfer_moves_premium_after_confirmation(premium: PremiumWorld) -> None:
    member, home, second = premium.guild.member, premium.guild.guild.id, premium.second.id
    guard = premium_of(premium.hearth.bot)
    await premium.premium_for(member)
    choices = await premium.discord.autocomplete("premium transfer", "server", user=member)
    assert [(c["name"], c["value"]) for c in choices] == [("Second Home", str(second))]  # mutual, not current

    asked = await premium.discord.slash("premium transfer", user=member, server=str(second))
    assert asked.ephemeral and "Second Home" in asked.text and "loses it immediately" in asked.text
    assert [row["guild_id"] for row in await premium.rows(member.id)] == [home]  # nothing yet
    assert await guard.is_premium(member.id, home)  # now cached

    done = await premium.discord.click(asked, "Move premium", user=member)
    assert "now applies to **Second Home**" in shown_text(done)
    [row] = await premium.rows(member.id)
    assert (row["guild_id"], row["status"]) == (second, "active")
    assert not await guard.is_premium(member.id, home) and not await guard.guild_has_premium(home)
    assert await guard.tier(member.id, second) == "monthly"
    assert {guild for guild, _ in (await premium.jobs(row["id"])).values()} == {second}


async def test_transfer_can_be_cancelled(premium: PremiumWorld) -> None:
    member = premium.guild.member
    await premium.premium_for(member)
    asked = await premium.discord.slash("premium transfer", user=member, server=str(premium.second.id))
    cancelled = await premium.discord.click(asked, "Cancel", user=member)
    assert "nothing changed" in shown_text(cancelled) and labels(cancelled) == []
    assert [row["guild_id"] for row in await premium.rows(member.id)] == [premium.guild.guild.id]


async def test_transfer_only_to_a_shared_server(premium: PremiumWorld) -> None:
    member = premium.guild.member
    with premium.discord.expect_errors(BadInput):
        nothing = await premium.discord.slash("premium transfer", user=member, server=str(premium.second.id))
    assert "no active premium" in nothing.text
    await premium.premium_for(member)
    cases = {str(premium.stranger.id): "not a member of **Strangers**",
             "123456789012345678": "I'm not in that server",
             str(premium.guild.guild.id): "already applies to **Hearth Test**",
             "Strangers": "Pick the server from the list"}
    for server, expected in cases.items():
        with premium.discord.expect_errors(BadInput):
            refused = await premium.discord.slash("premium transfer", user=member, server=server)
        assert refused.ephemeral and expected in refused.text, (server, refused.text)
    assert [row["guild_id"] for row in await premium.rows(member.id)] == [premium.guild.guild.id]


async def test_check_is_for_admins_and_sees_only_this_server(premium: PremiumWorld) -> None:
    member, admin = premium.guild.member, premium.guild.admin
    await premium.premium_for(member)
    refused = await premium.discord.slash("premium check", user=member, member=member)  # a failed check
    assert refused.ephemeral and "Manage Server" in refused.text
    here = await premium.discord.slash("premium check", user=admin, member=member)
    assert here.ephemeral and "**Monthly** premium on this server" in here.text and "any member: yes" in here.text
    # alice administers Second Home too (she has no role there): give her Manage Server there
    premium.second.set_role_permissions(premium.second.everyone, ["view_channel", "send_messages", "manage_guild"])
    elsewhere = await premium.discord.slash("premium check", user=admin, guild=premium.second, member=member)
    assert "has no premium on this server" in elsewhere.text and "any member: no" in elsewhere.text
    assert "Monthly" not in elsewhere.text and "Hearth Test" not in elsewhere.text


async def test_manage_opens_the_billing_portal(premium: PremiumWorld) -> None:
    member = premium.guild.member
    with premium.discord.expect_errors(UserFacingError):
        nothing = await premium.discord.slash("premium manage", user=member)
    assert "no billing account yet" in nothing.text
    await premium.premium_for(member)
    [row] = await premium.rows(member.id)
    opened = await premium.discord.slash("premium manage", user=member)
    [request] = premium.stripe.requests_to("POST", "/v1/billing_portal/sessions")
    assert request.form == {"customer": row["stripe_customer_id"],
                            "return_url": f"https://discord.com/channels/{premium.guild.guild.id}"}
    assert opened.ephemeral and "https://billing.stripe.com/p/session/" in opened.text
    premium.stripe.fail("POST", "/v1/billing_portal/sessions", 500)
    failed = await premium.discord.slash("premium manage", user=member)
    assert "couldn't open your billing settings" in failed.text and "Stripe had a problem" in failed.text
