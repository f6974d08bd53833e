"""Role menus through the stand-in: each mode (normal, unique, verify, drop, limit, temporary), buttons and the
select menu, the required role, menus working after a restart, edits reaching every posted message, and a role
taken out of a menu no longer given by a stale button."""

from __future__ import annotations

from datetime import timedelta

from tests.custom_ids import custom_ids
from tests.kit.roles import RolesDesk

TEMPORARY = "SELECT count(*) FROM timers WHERE kind = 'roles_temporary'"


async def test_normal_menu_toggles_a_role(desk: RolesDesk) -> None:
    message = await desk.menu("Games", [desk.gamer, desk.artist], description="Pick what you play")
    assert message is not None and [b["label"] for b in message.buttons()] == ["Gamer", "Artist"]
    assert message.embeds[0]["title"] == "Games"
    menu_id = await desk.db.fetchval("SELECT id FROM role_menus")
    assert custom_ids(message) == [f"hearth:rolemenu:{menu_id}:{desk.gamer.id}",
                                   f"hearth:rolemenu:{menu_id}:{desk.artist.id}"]  # posted ids never change
    assert f"<@&{desk.gamer.id}>" in message.embeds[0]["description"]
    assert message.pings.roles == [] and message.pings.users == [] and not message.pings.everyone
    got = await desk.d.click(message, "Gamer", user=desk.member)
    assert got.ephemeral and got.text == f"✅ You now have <@&{desk.gamer.id}>."
    assert desk.has(desk.member, desk.gamer) and not desk.has(desk.member, desk.artist)
    dropped = await desk.d.click(message, "Gamer", user=desk.member)
    assert dropped.text == f"➖ Removed <@&{desk.gamer.id}>."
    assert not desk.has(desk.member, desk.gamer)
    assert [r.reason for r in desk.role_changes("PUT")] == ["Role menu Games"]


async def test_unique_menu_keeps_one_role(desk: RolesDesk) -> None:
    message = await desk.menu("Team", [desk.gamer, desk.artist, desk.musician], mode="unique")
    await desk.d.click(message, "Gamer", user=desk.member)
    switched = await desk.d.click(message, "Artist", user=desk.member)
    assert switched.text == f"✅ You now have <@&{desk.artist.id}>.\n➖ Removed <@&{desk.gamer.id}>."
    assert desk.has(desk.member, desk.artist) and not desk.has(desk.member, desk.gamer)
    await desk.d.click(message, "Artist", user=desk.member)  # picking it again drops it
    assert not any(desk.has(desk.member, role) for role in (desk.gamer, desk.artist, desk.musician))


async def test_verify_menu_only_adds(desk: RolesDesk) -> None:
    message = await desk.menu("Rules", [desk.gamer], mode="verify")
    await desk.d.click(message, "Gamer", user=desk.member)
    again = await desk.d.click(message, "Gamer", user=desk.member)
    assert again.text == f"You already have <@&{desk.gamer.id}> (roles of this menu can't be dropped)."
    assert desk.has(desk.member, desk.gamer) and desk.role_changes("DELETE") == []


async def test_drop_menu_only_removes(desk: RolesDesk) -> None:
    desk.server.set_roles(desk.member, [desk.gamer], by=desk.owner)
    await desk.d.settle()
    message = await desk.menu("Leave", [desk.gamer, desk.artist], mode="drop")
    dropped = await desk.d.click(message, "Gamer", user=desk.member)
    assert dropped.text == f"➖ Removed <@&{desk.gamer.id}>." and not desk.has(desk.member, desk.gamer)
    refused = await desk.d.click(message, "Artist", user=desk.member)
    assert refused.text == f"You don't have <@&{desk.artist.id}> (roles of this menu can only be dropped)."
    assert not desk.has(desk.member, desk.artist) and desk.role_changes("PUT") == []


async def test_limit_menu_gives_at_most_n(desk: RolesDesk) -> None:
    message = await desk.menu("Two", [desk.gamer, desk.artist, desk.musician], mode="limit", limit=2)
    assert "at most 2 roles" in message.embeds[0]["footer"]["text"]
    await desk.d.click(message, "Gamer", user=desk.member)
    await desk.d.click(message, "Artist", user=desk.member)
    refused = await desk.d.click(message, "Musician", user=desk.member)
    assert refused.text.startswith("You can have at most 2 role(s) of this menu, so I didn't give you "
                                   f"<@&{desk.musician.id}>")
    assert not desk.has(desk.member, desk.musician)
    await desk.d.click(message, "Gamer", user=desk.member)  # dropping one makes room
    await desk.d.click(message, "Musician", user=desk.member)
    assert desk.has(desk.member, desk.musician) and desk.has(desk.member, desk.artist)
    assert not desk.has(desk.member, desk.gamer)


async def test_limit_select_menu_after_a_restart(desk: RolesDesk) -> None:
    message = await desk.menu("Picks", [desk.gamer, desk.artist, desk.musician], mode="limit", limit=2,
                              style="select")
    [select] = [c for row in message.components for c in row["components"]]
    assert select["type"] == 3 and select["max_values"] == 2 and len(select["options"]) == 3
    await desk.hearth.restart()
    await desk.d.select(message, [str(desk.gamer.id), str(desk.artist.id)], user=desk.member)
    assert desk.has(desk.member, desk.gamer) and desk.has(desk.member, desk.artist)
    refused = await desk.d.select(message, [str(desk.musician.id)], user=desk.member)
    assert "at most 2 role(s)" in refused.text and not desk.has(desk.member, desk.musician)
    await desk.d.select(message, [str(desk.gamer.id), str(desk.musician.id)], user=desk.member)  # toggles both
    assert desk.has(desk.member, desk.musician) and not desk.has(desk.member, desk.gamer)


async def test_normal_select_menu_toggles_each_pick(desk: RolesDesk) -> None:
    message = await desk.menu("Hobbies", [desk.gamer, desk.artist], style="select")
    await desk.d.select(message, [str(desk.gamer.id), str(desk.artist.id)], user=desk.member)
    assert desk.has(desk.member, desk.gamer) and desk.has(desk.member, desk.artist)
    await desk.d.select(message, [str(desk.artist.id)], user=desk.member)
    assert desk.has(desk.member, desk.gamer) and not desk.has(desk.member, desk.artist)


async def test_temporary_role_is_removed_once_after_a_restart(desk: RolesDesk) -> None:
    hearth = desk.hearth
    message = await desk.menu("Event", [desk.gamer], mode="temporary", duration="2h")
    start = hearth.clock.now()
    got = await desk.d.click(message, "Gamer", user=desk.member)
    assert "⏳ It will be removed <t:" in got.text
    assert await desk.db.fetchval(TEMPORARY) == 1
    await hearth.restart()
    await hearth.move_clock(start + timedelta(hours=1, minutes=59))
    assert desk.has(desk.member, desk.gamer)
    await hearth.move_clock(start + timedelta(hours=2, minutes=1))
    assert not desk.has(desk.member, desk.gamer)
    assert len(desk.role_changes("DELETE")) == 1 and await desk.db.fetchval(TEMPORARY) == 0
    await hearth.restart()
    await hearth.move_clock(start + timedelta(hours=5))
    assert len(desk.role_changes("DELETE")) == 1  # exactly once


async def test_dropping_a_temporary_role_cancels_its_removal(desk: RolesDesk) -> None:
    hearth = desk.hearth
    message = await desk.menu("Event", [desk.gamer], mode="temporary", duration="1h")
    start = hearth.clock.now()
    await desk.d.click(message, "Gamer", user=desk.member)
    await desk.d.click(message, "Gamer", user=desk.member)
    assert await desk.db.fetchval(TEMPORARY) == 0
    desk.server.set_roles(desk.member, [desk.gamer], by=desk.owner)  # given again by hand: stays
    await hearth.move_clock(start + timedelta(hours=2))
    assert desk.has(desk.member, desk.gamer) and len(desk.role_changes("DELETE")) == 1


async def test_required_role(desk: RolesDesk) -> None:
    message = await desk.menu("Members only", [desk.gamer], required_role=desk.musician)
    assert f"Only members with <@&{desk.musician.id}> can use this menu." in message.embeds[0]["description"]
    refused = await desk.d.click(message, "Gamer", user=desk.member)
    assert refused.text == f"You need the <@&{desk.musician.id}> role to use this menu."
    assert not desk.has(desk.member, desk.gamer)
    desk.server.set_roles(desk.member, [desk.musician], by=desk.owner)
    await desk.d.settle()
    await desk.d.click(message, "Gamer", user=desk.member)
    assert desk.has(desk.member, desk.gamer)


async def test_edits_reach_every_posted_message(desk: RolesDesk) -> None:
    first = await desk.menu("Games", [desk.gamer])
    other = desk.server.add_text_channel("more-roles")
    await desk.d.settle()
    await desk.roles("menu post", menu="Games", channel=other)
    second = desk.d.last_message(other)
    added = await desk.roles("menu add", menu="Games", role=desk.artist, label="Art", emoji="🎨",
                             description="Drawing and painting")
    assert added.text == f"✅ Added <@&{desk.artist.id}> in **Games**."
    for message in (first, second):
        assert [(b["label"], (b.get("emoji") or {}).get("name")) for b in message.buttons()] == [
            ("Gamer", None), ("Art", "🎨")]
        assert "🎨 <@&" in message.embeds[0]["description"] and "Drawing and painting" in message.embeds[0][
            "description"]
    await desk.roles("menu edit", menu="Games", style="select", mode="unique", title="Pick one")
    for message in (first, second):
        [select] = [c for row in message.components for c in row["components"]]
        assert select["type"] == 3 and select["max_values"] == 1 and message.embeds[0]["title"] == "Pick one"
    await desk.roles("menu remove", menu="Games", role=desk.gamer)
    assert [o["label"] for o in first.components[0]["components"][0]["options"]] == ["Art"]
    listing = await desk.roles("menu list")
    assert "**Games** — 1 role(s), select, unique" in listing.text and f"<#{other.id}>" in listing.text


async def test_a_stale_button_gives_nothing(desk: RolesDesk) -> None:
    """The menu's rules come from the database at each click: a role taken out of the menu is not given even when
    its message could not be updated."""
    message = await desk.menu("Games", [desk.gamer, desk.artist])
    desk.d.fail("PATCH", "/channels/{channel_id}/messages/{message_id}", status=403, json={
        "message": "Missing Permissions", "code": 50013})
    removed = await desk.roles("menu remove", menu="Games", role=desk.artist)
    assert "⚠️ I couldn't update the menu in" in removed.text
    assert [b["label"] for b in message.buttons()] == ["Gamer", "Artist"]  # still shown
    stale = await desk.d.click(message, "Artist", user=desk.member)
    assert stale.text == f"<@&{desk.artist.id}> is no longer part of this menu."
    assert not desk.has(desk.member, desk.artist) and desk.role_changes("PUT") == []


async def test_deleting_a_menu_deletes_its_messages(desk: RolesDesk) -> None:
    message = await desk.menu("Games", [desk.gamer])
    deleted = await desk.roles("menu delete", menu="Games")
    assert deleted.text.startswith("🗑️ Deleted the role menu **Games** and 1 posted message(s).")
    assert desk.d.world.messages[message.id].deleted
    assert await desk.db.fetchval("SELECT count(*) FROM role_menus") == 0
    assert await desk.db.fetchval("SELECT count(*) FROM role_menu_options") == 0


async def test_clicks_are_rate_limited(desk: RolesDesk) -> None:
    message = await desk.menu("Games", [desk.gamer])
    for _ in range(5):
        await desk.d.click(message, "Gamer", user=desk.member)
    slow = await desk.d.click(message, "Gamer", user=desk.member)
    assert slow.text.startswith("You're doing role changes too often.") and len(desk.role_changes("PUT")) == 3
    desk.hearth.clock.advance(seconds=11)
    await desk.d.click(message, "Gamer", user=desk.member)
    assert len(desk.role_changes("DELETE")) == 3


async def test_two_quick_picks_respect_the_limit(desk: RolesDesk) -> None:
    """Two clicks at once in a limit menu: the second is judged on the roles the first one left."""
    message = await desk.menu("One", [desk.gamer, desk.artist], mode="limit", limit=1)
    first = await desk.d.click(message, "Gamer", user=desk.member, settle=False)
    second = await desk.d.click(message, "Artist", user=desk.member, settle=False)
    await desk.d.settle()
    assert "You now have" in first.text + second.text and "at most 1 role(s)" in first.text + second.text
    held = [role for role in (desk.gamer, desk.artist) if desk.has(desk.member, role)]
    assert len(held) == 1 and len(desk.role_changes("PUT")) == 1
