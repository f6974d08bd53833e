"""The shop: role items (given through the role-safety check when set and when bought), temporary roles taken back
by the timers service exactly once (also after a restart), extensions, admin commands and bad input."""

from __future__ import annotations

from datetime import timedelta

from tests.kit.points import PointsDesk

ROLE_ROUTE = "/guilds/{guild_id}/members/{user_id}/roles/{role_id}"


def _has(desk: PointsDesk, member, role) -> bool:
    return role.id in desk.server.members[member.id].roles


def _role_requests(desk: PointsDesk, method: str, member, role) -> int:
    path = f"/guilds/{desk.server.id}/members/{member.id}/roles/{role.id}"
    return len([r for r in desk.d.requests(method) if r.path.endswith(path)])


async def test_a_role_item_is_bought_and_given(desk: PointsDesk) -> None:
    g = desk.g
    added = await desk.sell("VIP", 50, "role", role=desk.vip, description="Shiny name colour")
    assert added.text == f"✅ Added **VIP** for 50 points: the <@&{desk.vip.id}> role."
    await desk.grant(g.member, 80)
    bought = await desk.buy(g.member, "vip")  # any case
    assert bought.ephemeral and bought.text == "✅ You bought **VIP** for 50 points. You have 30 points left."
    assert _has(desk, g.member, desk.vip)
    [put] = [r for r in desk.d.requests("PUT") if r.path.endswith(f"/roles/{desk.vip.id}")]
    assert put.reason == "Hearth: bought “VIP” in the shop"
    again = await desk.buy(g.member, "VIP")
    assert again.text == "You already have **VIP**."
    assert await desk.ledger(g.member) == [(80, "staff"), (-50, "buy")]


async def test_setting_a_role_item_needs_what_giving_the_role_needs(desk: PointsDesk) -> None:
    d, g = desk.d, desk.g
    mods = desk.server.add_role("Mods", ["ban_members"])
    manager = desk.server.add_member("meg", permissions=["manage_guild", "manage_roles"])
    await d.settle()
    refused = [
        (await desk.sell("VIP", 50, "role", role=desk.vip, by=g.admin)).text,  # Manage Server only
        (await desk.sell("Mod badge", 50, "role", role=mods, by=manager)).text,  # dangerous, not an Administrator
        (await desk.sell("Bot role", 50, "role", role=desk.server.bot_role, by=g.owner)).text,  # managed
    ]
    assert refused == [
        "You need the **Manage Roles** permission to make me give @VIP.",
        "@Mods carries dangerous permissions (Ban Members): only the server owner or an Administrator can make me "
        "give it.",
        f"@{desk.server.bot_role.name} is managed by a bot or an integration (Discord hands it out itself), so it "
        "can't be used here. Pick a normal role.",
    ]
    assert await desk.db.fetchval("SELECT count(*) FROM points_shop_items") == 0
    assert (await desk.sell("VIP", 50, "role", role=desk.vip, by=manager)).text.startswith("✅")


async def test_a_role_item_is_checked_again_at_every_purchase(desk: PointsDesk) -> None:
    d, g = desk.d, desk.g
    manager = desk.server.add_member("meg", permissions=["manage_guild", "manage_roles"])
    await d.settle()
    assert (await desk.sell("VIP", 50, "role", role=desk.vip, by=manager)).text.startswith("✅")
    await desk.grant(g.member, 80)
    desk.server.set_role_permissions(desk.server.role("meg perms"), ["manage_guild"])  # she lost Manage Roles
    await d.settle()
    refused = await desk.buy(g.member, "VIP")
    assert refused.text == ("I can't give you the **VIP** role right now: it was set up by someone who may not hand "
                            "it out. The server's admins have been told.")
    assert not _has(desk, g.member, desk.vip)
    assert await desk.ledger(g.member) == [(80, "staff")]
    # An admin who may give it sets the role again: it is checked against them from now on.
    edited = await d.slash("shop edit", user=g.owner, guild=desk.server, item="VIP", options={"role": desk.vip})
    assert edited.text.startswith("✅")
    assert (await desk.buy(g.member, "VIP")).text.startswith("✅") and _has(desk, g.member, desk.vip)


async def test_a_temporary_role_is_taken_back_once_after_a_restart(desk: PointsDesk) -> None:
    g, hearth = desk.g, desk.hearth
    assert (await desk.sell("Day pass", 20, "temp_role", role=desk.vip, duration="1d")).text.startswith("✅")
    await desk.grant(g.member, 50)
    bought = await desk.buy(g.member, "Day pass")
    assert "The role is yours until <t:" in bought.text and _has(desk, g.member, desk.vip)
    await hearth.restart()
    start = hearth.clock.now()
    await hearth.move_clock(start + timedelta(hours=23))
    assert _has(desk, g.member, desk.vip)
    await hearth.move_clock(start + timedelta(days=1, minutes=1))
    assert not _has(desk, g.member, desk.vip)
    await hearth.move_clock(start + timedelta(days=3))
    assert _role_requests(desk, "DELETE", g.member, desk.vip) == 1
    assert await desk.db.fetchval("SELECT count(*) FROM timers WHERE kind = 'points_temp_role'") == 0


async def test_buying_a_running_temporary_role_again_extends_it(desk: PointsDesk) -> None:
    g, hearth = desk.g, desk.hearth
    await desk.sell("Day pass", 20, "temp_role", role=desk.vip, duration="1d")
    await desk.grant(g.member, 50)
    start = hearth.clock.now()
    await desk.buy(g.member, "Day pass")
    await hearth.move_clock(start + timedelta(hours=12))
    extended = await desk.buy(g.member, "Day pass")
    assert f"until <t:{int((start + timedelta(days=2)).timestamp())}:f>" in extended.text
    await hearth.move_clock(start + timedelta(days=1, hours=1))
    assert _has(desk, g.member, desk.vip)
    await hearth.move_clock(start + timedelta(days=2, minutes=1))
    assert not _has(desk, g.member, desk.vip)
    assert _role_requests(desk, "PUT", g.member, desk.vip) == 1
    assert await desk.balance(g.member) == 10
    # A role held for good is not for sale as a temporary one (it would be taken away later).
    desk.server.set_roles(desk.server.members[g.member.id], [desk.vip], by=g.owner)
    await desk.d.settle()
    await desk.grant(g.member, 20)
    refused = await desk.buy(g.member, "Day pass")
    assert refused.text == "You already have **VIP** for good, so there is nothing to buy."


async def test_the_shop_lists_edits_and_removes_items(desk: PointsDesk) -> None:
    d, g = desk.d, desk.g
    await desk.sell("Shout-out", 30, description="Your name in #general")
    await desk.sell("VIP", 500, "role", role=desk.vip)
    listing = await d.slash("shop list", user=g.member, guild=desk.server)
    lines = listing.embeds[0]["description"].splitlines()
    assert lines[0] == "**Shout-out** — 30 points · a custom reward (staff hand it out)"
    assert lines[2] == f"**VIP** — 500 points · the <@&{desk.vip.id}> role"
    choices = await d.autocomplete("buy", "item", user=g.member, partial="sh")
    assert [c["value"] for c in choices] == ["Shout-out"]
    edited = await d.slash("shop edit", user=g.owner, guild=desk.server, item="VIP", price=400)
    assert edited.text == f"✅ **VIP** now costs 400 points and gives the <@&{desk.vip.id}> role."
    removed = await d.slash("shop remove", user=g.owner, guild=desk.server, item="Shout-out")
    assert removed.text.startswith("🗑️ **Shout-out** is no longer sold.")
    gone = await desk.buy(g.member, "Shout-out")
    assert gone.text == "The shop has no item called **Shout-out**.\nExample: `/shop list`"
    assert (await desk.sell("Shout-out", 35)).text.startswith("✅")  # the name is free again


async def test_bad_input_is_answered_and_stores_nothing(desk: PointsDesk) -> None:
    d, g = desk.d, desk.g
    answers = [
        (await desk.sell("Custom", 10, "custom", role=desk.vip)).text,
        (await desk.sell("VIP", 10, "role")).text,
        (await desk.sell("VIP", 10, "role", role=desk.vip, duration="1d")).text,
        (await desk.sell("Pass", 10, "temp_role", role=desk.vip)).text,
        (await desk.sell("Pass", 10, "temp_role", role=desk.vip, duration="forever")).text,
        (await desk.sell("Pass", 10, "temp_role", role=desk.vip, duration="30s")).text,
        (await desk.sell("   ", 10)).text,
        (await d.slash("shop edit", user=g.owner, guild=desk.server, item="Nothing", price=5)).text,
    ]
    assert answers == [
        "A custom reward gives no role and has no duration: staff hand it out.\n"
        "Example: `/shop add name:Custom emoji price:300 kind:custom reward`",
        "A role item needs its role.\nExample: `/shop add name:VIP price:500 kind:role role:@VIP`",
        "Only a temporary role has a duration: pick kind temporary role.",
        "A temporary role needs its duration.\nExample: `/shop add … kind:temporary role duration:7d`",
        "`forever` is not a duration: use minutes, hours or days like 10m, 2h or 7d.\n"
        "Example: `/shop add … kind:temporary role duration:7d`",
        "A temporary role lasts at least 1 minute.\nExample: `/shop add … kind:temporary role duration:7d`",
        "The item needs a name.\nExample: `/shop add name:VIP price:500 kind:role role:@VIP`",
        "The shop has no item called **Nothing**.\nExample: `/shop list`",
    ]
    assert await desk.db.fetchval("SELECT count(*) FROM points_shop_items") == 0
    await desk.sell("Shout-out", 30)
    duplicate = await desk.sell("shout-OUT", 40)
    assert duplicate.text.startswith("The shop already has an item called **shout-OUT**.")
    refused = await desk.sell("Free VIP", 1, "role", role=desk.vip, by=g.member)
    assert refused.text == "You need the **Manage Server** permission to use this command."
    poor = await desk.buy(g.member, "Shout-out")
    assert poor.text == "**Shout-out** costs 30 points; you have 0 points."
    assert await desk.db.fetchval("SELECT count(*) FROM points_shop_items") == 1
