"""Members in the log: joins (account age, new accounts flagged, the invite used from invite tracking),
leaves (the roles they had), roles given and taken, nicknames, server and user avatars."""

from __future__ import annotations

from datetime import timedelta

from cogs.serverlogs.kinds import Kind
from tests.kit.serverlogs import LogsDesk, field


async def test_a_new_account_is_flagged(desk: LogsDesk) -> None:
    fresh = desk.d.add_user("fresh", created_at=desk.hearth.clock.now() - timedelta(days=2))
    await desk.d.member_join(desk.server, fresh)
    await desk.turn()

    entry = desk.only(Kind.MEMBERS)
    assert entry["title"] == "📥 Member joined"
    assert "⚠️ **new account**" in entry["description"] and f"<@{fresh.id}>" in entry["description"]
    assert "2 day(s) old" in field(entry, "Account created")
    assert field(entry, "Invite") == "unknown"  # joined without an invite invite tracking could tell


async def test_the_join_names_the_invite_and_its_inviter(desk: LogsDesk) -> None:
    g = desk.hearth.guild
    g.guild.add_invite(g.general, inviter=g.admin, code="alice1")
    await desk.d.settle()
    carol = desk.d.add_user("carol", created_at=desk.hearth.clock.now() - timedelta(days=400))
    await desk.d.member_join(desk.server, carol, invite="alice1")
    await desk.turn()
    assert field(desk.only(Kind.MEMBERS), "Invite") == f"`alice1` by <@{g.admin.id}> (1 invites)"


async def test_an_old_account_is_not_flagged_and_the_threshold_is_a_setting(desk: LogsDesk) -> None:
    veteran = desk.d.add_user("veteran", created_at=desk.hearth.clock.now() - timedelta(days=400))
    await desk.d.member_join(desk.server, veteran)
    await desk.setting("logs", "new_account_age", 500 * 86400)  # 500 days
    late = desk.d.add_user("late", created_at=desk.hearth.clock.now() - timedelta(days=400))
    await desk.d.member_join(desk.server, late)
    await desk.drain()

    first, second = desk.embeds(Kind.MEMBERS)
    assert "new account" not in first["description"] and "400 day(s) old" in field(first, "Account created")
    assert "⚠️ **new account**" in second["description"]


async def test_a_leave_lists_the_roles_they_had(desk: LogsDesk) -> None:
    helpers = desk.server.add_role("Helpers")
    carol = await desk.d.member_join(desk.server, "carol", roles=[helpers, desk.g.moderator_role])
    await desk.turn()
    await desk.d.member_leave(desk.server, carol)
    await desk.drain()

    entry = desk.embeds(Kind.MEMBERS)[-1]
    assert entry["title"] == "📤 Member left" and f"<@{carol.id}>" in entry["description"]
    assert set(field(entry, "Roles").split()) == {f"<@&{helpers.id}>", f"<@&{desk.g.moderator_role.id}>"}


async def test_roles_given_and_taken(desk: LogsDesk) -> None:
    helpers = desk.server.add_role("Helpers")
    vip = desk.server.add_role("VIP")
    desk.server.set_roles(desk.member, [helpers, vip], by=desk.owner)
    await desk.d.settle()
    await desk.turn()
    desk.server.set_roles(desk.member, [vip], by=desk.owner)
    await desk.d.settle()
    await desk.drain()

    given, taken = desk.embeds(Kind.MEMBERS)
    assert given["title"] == "🏷️ Roles changed" and set(field(given, "Given").split()) == {
        f"<@&{helpers.id}>", f"<@&{vip.id}>"}
    assert field(taken, "Taken") == f"<@&{helpers.id}>" and "Given" not in [f["name"] for f in taken["fields"]]


async def test_nickname_changes(desk: LogsDesk) -> None:
    desk.server.set_nick(desk.member, "Bobby")
    await desk.d.settle()
    await desk.turn()
    desk.server.set_nick(desk.member, None)
    await desk.d.settle()
    await desk.drain()

    first, second = desk.embeds(Kind.MEMBERS)
    assert first["title"] == "🪪 Nickname changed"
    assert (field(first, "Before"), field(first, "After")) == ("*none*", "Bobby")
    assert (field(second, "Before"), field(second, "After")) == ("Bobby", "*none*")


async def test_server_and_user_avatars(desk: LogsDesk) -> None:
    desk.server.set_avatar(desk.member, "a1b2c3", server=True)
    await desk.d.settle()
    await desk.turn()
    desk.server.set_avatar(desk.member, "d4e5f6")
    await desk.d.settle()
    await desk.drain()

    server_avatar, user_avatar = desk.embeds(Kind.MEMBERS)
    assert server_avatar["title"] == "🖼️ Server avatar changed" and "a1b2c3" in field(server_avatar, "After")
    assert user_avatar["title"] == "🖼️ Avatar changed" and "d4e5f6" in user_avatar["thumbnail"]["url"]
    assert field(user_avatar, "Before") == "*none*"
