"""Level roles: stacked or replacing the previous one, role safety when an admin sets one (against them) and at each
grant (against whoever set it: the log channel is told once, the role is not given)."""

from __future__ import annotations

from tests.kit.channels import has_role
from tests.kit.levels import LevelsDesk
from tests.standin.models import Member, Role
from utils.errors import BadInput


async def _role_add(levels: LevelsDesk, level: int, role: Role, *, by: Member | None = None) -> str:
    result = await levels.discord.slash("config levels role_add", user=by or levels.owner, guild=levels.server,
                                        level=level, role=role)
    return result.text


async def _ladder(levels: LevelsDesk) -> tuple[Role, Role, Role]:
    roles = (levels.server.add_role("Novice"), levels.server.add_role("Regular"), levels.server.add_role("Veteran"))
    await levels.discord.settle()
    for level, role in zip((1, 2, 5), roles, strict=True):
        assert "get" in await _role_add(levels, level, role)
    return roles


async def _reach(levels: LevelsDesk, member: Member, xp: int) -> None:
    """Give the member XP by one message from just below, so the flush decides the level-up."""
    levels.fixed_xp(1)
    await levels.seed(member, xp - 1)
    await levels.talk(member)
    await levels.flush()


async def test_stacked_level_roles_accumulate(levels: LevelsDesk) -> None:
    novice, regular, veteran = await _ladder(levels)
    bob = levels.member
    await _reach(levels, bob, 100)  # level 1
    assert [has_role(levels.server, bob, r) for r in (novice, regular, veteran)] == [True, False, False]
    await _reach(levels, bob, 255)  # level 2
    assert [has_role(levels.server, bob, r) for r in (novice, regular, veteran)] == [True, True, False]
    assert [(e.old_level, e.new_level) for e in levels.heard] == [(0, 1), (1, 2)]


async def test_a_jump_gives_every_role_passed(levels: LevelsDesk) -> None:
    novice, regular, veteran = await _ladder(levels)
    bob = levels.member
    await _reach(levels, bob, 1150)  # straight to level 5
    assert [has_role(levels.server, bob, r) for r in (novice, regular, veteran)] == [True, True, True]


async def test_replaced_level_roles_keep_only_the_highest(levels: LevelsDesk) -> None:
    novice, regular, veteran = await _ladder(levels)
    await levels.set("role_mode", "replace")
    bob = levels.member
    await _reach(levels, bob, 100)
    assert [has_role(levels.server, bob, r) for r in (novice, regular, veteran)] == [True, False, False]
    await _reach(levels, bob, 255)
    assert [has_role(levels.server, bob, r) for r in (novice, regular, veteran)] == [False, True, False]
    removals = [e for e in levels.server.audit_log if e["action_type"] == 25 and e["target_id"] == str(bob.id)
                and any(c["key"] == "$remove" for c in e["changes"])]
    assert removals and removals[-1]["reason"] == "Hearth: level 2"


async def test_an_admin_without_manage_roles_cannot_set_a_level_role(levels: LevelsDesk) -> None:
    role = levels.server.add_role("Regular")
    await levels.discord.settle()
    async with levels.discord.expect_errors(BadInput):
        text = await _role_add(levels, 3, role, by=levels.guild.admin)  # Manage Server only
    assert "Manage Roles" in text
    assert await levels.db.fetchval("SELECT count(*) FROM levels_roles") == 0


async def test_dangerous_roles_and_roles_above_the_bot_are_refused(levels: LevelsDesk) -> None:
    s = levels.server
    mods = s.add_role("Mods", ["ban_members"])
    above = s.add_role("Above", above_bot=True)
    roleman = s.add_member("roleman", permissions=["manage_roles", "manage_guild"])
    await levels.discord.settle()
    async with levels.discord.expect_errors(BadInput):
        dangerous = await _role_add(levels, 3, mods, by=roleman)
        too_high = await _role_add(levels, 3, above)  # even the owner: Discord would refuse the bot
        everyone = await _role_add(levels, 3, s.everyone)
    assert "dangerous permissions" in dangerous and "Ban Members" in dangerous
    assert "not below my highest role" in too_high and "@everyone" in everyone
    assert await levels.db.fetchval("SELECT count(*) FROM levels_roles") == 0


async def test_at_grant_the_setter_is_checked_again(levels: LevelsDesk) -> None:
    s, d = levels.server, levels.discord
    logs = s.add_text_channel("mod-log")
    regular = s.add_role("Regular")
    roleman = s.add_member("roleman", permissions=["manage_roles", "manage_guild"])
    await d.settle()
    await levels.setting("system", "log_channel", logs.id)
    assert "get" in await _role_add(levels, 1, regular, by=roleman)
    s.set_role_permissions(s.role("roleman perms"), ["manage_guild"])  # they lose Manage Roles
    await d.settle()
    bob, mo = levels.member, levels.guild.moderator
    await _reach(levels, bob, 100)
    await _reach(levels, mo, 100)
    assert not has_role(s, bob, regular) and not has_role(s, mo, regular)
    warnings = [m for m in d.messages_in(logs) if "did not give" in m.content]
    assert len(warnings) == 1 and "Manage Roles" in warnings[0].content  # told once, not per member
    assert [e.new_level for e in levels.heard] == [1, 1]  # the level-ups themselves stand


async def test_removing_a_level_role_stops_giving_it(levels: LevelsDesk) -> None:
    novice, _, _ = await _ladder(levels)
    result = await levels.discord.slash("config levels role_remove", user=levels.owner, guild=levels.server,
                                        role=novice)
    assert "no longer given at level 1" in result.text
    listing = await levels.discord.slash("config levels roles", user=levels.owner, guild=levels.server)
    assert "Level 1" not in listing.text and "Level 2" in listing.text
    await _reach(levels, levels.member, 100)
    assert not has_role(levels.server, levels.member, novice)
