"""Configuring role menus: who may (Manage Roles), role safety when a role is added (against the admin) and again
at every grant (against whoever added it), and bad input answered privately in words (Discord's limits: 25
buttons in 5 rows, 25 select options)."""

from __future__ import annotations

from tests.kit.roles import RolesDesk

REFUSED = "You need the **Manage Roles** permission to use this command."


async def test_only_role_managers_may_configure(desk: RolesDesk) -> None:
    await desk.menu("Games", [desk.gamer], post=False)
    for who in (desk.member, desk.g.admin):  # bob; alice has Manage Server but not Manage Roles
        refused = await desk.d.slash("roles menu create", user=who, check_permissions=False, options={"name": "x"})
        assert refused.ephemeral and refused.text == REFUSED
        choices = await desk.d.autocomplete("roles menu add", "menu", user=who, check_permissions=False)
        assert choices == []
    assert await desk.db.fetchval("SELECT count(*) FROM role_menus") == 1
    offered = await desk.d.autocomplete("roles menu add", "menu", user=desk.manager, partial="gam")
    assert [c["value"] for c in offered] == ["Games"]
    [synced] = [c for commands in desk.d.world.commands.values() for c in commands if c["name"] == "roles"]
    assert int(synced["default_member_permissions"]) == 1 << 28  # Manage Roles


async def test_role_safety_when_a_role_is_added(desk: RolesDesk) -> None:
    server = desk.server
    await desk.menu("Games", [], post=False)
    above = server.add_role("Boss")  # made after rita's role: above it
    await desk.d.settle()
    refused = await desk.refused("menu add", menu="Games", role=above)
    assert refused.ephemeral and refused.text.startswith("@Boss is not below your highest role (@rita perms)")
    mods = server.add_role("Mods", ["ban_members"])
    ben = server.add_member("ben", permissions=["manage_roles"])  # above Mods, but no Administrator
    await desk.d.settle()
    dangerous = await desk.refused("menu add", menu="Games", role=mods, by=ben)
    assert dangerous.text == ("@Mods carries dangerous permissions (Ban Members): only the server owner or an "
                              "Administrator can make me give it.")
    top = server.add_role("Top", above_bot=True)
    await desk.d.settle()
    too_high = await desk.refused("menu add", menu="Games", role=top, by=desk.owner)
    assert too_high.text.startswith("@Top is not below my highest role")
    for role in (server.everyone, server.bot_role):
        basic = await desk.refused("menu add", menu="Games", role=role, by=desk.owner)
        assert "can't be used here" in basic.text
    assert await desk.db.fetchval("SELECT count(*) FROM role_menu_options") == 0
    allowed = await desk.roles("menu add", menu="Games", role=mods, by=desk.owner)  # the owner may
    assert allowed.text == f"✅ Added <@&{mods.id}> in **Games**."
    assert await desk.db.fetchval("SELECT added_by FROM role_menu_options") == desk.owner.id


async def test_role_safety_again_at_every_grant(desk: RolesDesk) -> None:
    server = desk.server
    message = await desk.menu("Games", [desk.gamer, desk.artist])
    server.set_role_permissions(desk.gamer, ["manage_messages"])  # made dangerous after rita added it
    await desk.d.settle()
    refused = await desk.d.click(message, "Gamer", user=desk.member)
    assert refused.text == ("I can't give you the **Gamer** role right now: it carries moderator or admin "
                            "permissions. The server's admins have been told.")
    carol = await desk.d.member_join(server, "carol")
    await desk.d.click(message, "Gamer", user=carol)
    assert not desk.has(desk.member, desk.gamer) and not desk.has(carol, desk.gamer)
    logged = [line for line in desk.log_lines() if line.startswith("⛔ I did not give")]
    assert logged == [f"⛔ I did not give <@&{desk.gamer.id}> (configured in the role menu **Games**): I won't give "
                      f"@Gamer: it carries dangerous permissions (Manage Messages) and <@{desk.manager.id}>, who set "
                      "it, is neither the server owner nor an Administrator.\nMembers who should get it are told "
                      "that the admins know. (Reported once.)"]
    await desk.d.member_leave(server, desk.manager)  # whoever set it up left: nothing of theirs is given
    gone = await desk.d.click(message, "Artist", user=desk.member)
    assert gone.text.startswith("I can't give you the **Artist** role right now: it was set up by someone who may "
                                "no longer hand it out.")
    assert desk.role_changes("PUT") == []


async def test_discord_limits_25_buttons_in_5_rows_and_25_options(desk: RolesDesk) -> None:
    server = desk.server
    roles = [server.add_role(f"R{i}") for i in range(26)]
    await desk.d.settle()
    await desk.roles("menu create", name="Big", by=desk.owner)
    for role in roles[:25]:
        added = await desk.roles("menu add", menu="Big", role=role, by=desk.owner)
        assert added.text.startswith("✅ Added"), added.text
    full = await desk.refused("menu add", menu="Big", role=roles[25], by=desk.owner)
    assert full.ephemeral and full.text.startswith("A menu holds at most 25 roles (Discord shows at most 25 buttons, "
                                                   "in 5 rows of 5, and 25 options in a select menu)")
    await desk.roles("menu post", menu="Big", channel=desk.channel)
    message = desk.d.last_message(desk.channel)
    assert [len(row["components"]) for row in message.components] == [5, 5, 5, 5, 5]
    await desk.roles("menu edit", menu="Big", style="select", by=desk.owner)
    [select] = [c for row in message.components for c in row["components"]]
    assert len(select["options"]) == 25 and select["max_values"] == 25


async def test_bad_input_is_answered_in_words(desk: RolesDesk) -> None:
    await desk.menu("Games", [], post=False)
    cases = [
        ("menu add", {"menu": "Games", "role": desk.gamer, "emoji": "abc"}, "`abc` is not an emoji"),
        ("menu add", {"menu": "Games", "role": desk.gamer, "emoji": "<:ghost:123456789012345678>"},
         "I don't know the emoji `<:ghost:123456789012345678>`"),
        ("menu add", {"menu": "Nope", "role": desk.gamer}, "There is no role menu called **Nope** on this server."),
        ("menu create", {"name": "games"}, "There is already a role menu called **games**."),
        ("menu create", {"name": "A", "limit": 2}, "`limit` is for menus in mode **limit**."),
        ("menu create", {"name": "A", "mode": "limit"}, "A menu in mode **limit** needs the most roles"),
        ("menu create", {"name": "A", "mode": "temporary"}, "A menu in mode **temporary** needs how long"),
        ("menu create", {"name": "A", "mode": "temporary", "duration": "soon"}, "`soon` is not a duration"),
        ("menu create", {"name": "A", "mode": "temporary", "duration": "10s"}, "A duration lasts at least 1 minute."),
        ("menu create", {"name": "A", "required_role": desk.server.everyone}, "Every member has @everyone"),
        ("menu edit", {"menu": "Games"}, "Say what to change."),
        ("menu post", {"menu": "Games"}, "**Games** has no roles yet: add some first."),
        ("menu remove", {"menu": "Games", "role": desk.gamer}, f"<@&{desk.gamer.id}> is not in **Games**."),
    ]
    for command, options, expected in cases:
        result = await desk.refused(command, **options)
        assert result.ephemeral and expected in result.text, (command, options, result.text)
    assert await desk.db.fetchval("SELECT count(*) FROM role_menus") == 1
    assert await desk.db.fetchval("SELECT count(*) FROM role_menu_options") == 0


async def test_posting_where_the_bot_cannot_post(desk: RolesDesk) -> None:
    await desk.menu("Games", [desk.gamer], post=False)
    desk.server.set_overwrite(desk.channel, desk.server.bot_role, deny=["send_messages"])
    await desk.d.settle()
    refused = await desk.refused("menu post", menu="Games", channel=desk.channel)
    assert refused.text == f"I can't post in <#{desk.channel.id}>: I'm missing **Send Messages, Embed Links** there."
    assert desk.d.messages_in(desk.channel) == []
