"""`/xp give|remove|reset` for admins: the level and level roles follow, the hook fires for a given level-up (no
announcement), everyone's reset needs a confirmation; refused for members without Manage Server, for bots, and
when the change would give or take a level role the admin could not hand out themselves."""

from __future__ import annotations

from tests.kit.channels import has_role
from tests.kit.levels import LevelsDesk
from tests.standin.models import Member
from utils.errors import BadInput, UserFacingError


async def _xp(levels: LevelsDesk, command: str, *, by: Member | None = None, **options) -> str:
    result = await levels.discord.slash(f"xp {command}", user=by or levels.owner, guild=levels.server,
                                        channel=levels.guild.general, options=options)
    assert result.ephemeral
    return result.text


async def test_give_raises_the_level_and_gives_the_roles(levels: LevelsDesk) -> None:
    s, bob = levels.server, levels.member
    regular = s.add_role("Regular")
    await levels.discord.settle()
    await levels.discord.slash("config levels role_add", user=levels.owner, guild=s, level=2, role=regular)
    levels.fixed_xp(20)
    await levels.talk(bob)  # 20 XP still buffered: it counts
    text = await _xp(levels, "give", member=bob, amount=240)
    assert "now 260 XP, level 2 (was 0)" in text and regular.mention in text
    assert await levels.xp(bob) == 260 and has_role(s, bob, regular)
    assert [(e.old_level, e.new_level, e.source) for e in levels.heard] == [(0, 2, "give")]
    general = levels.discord.messages_in(levels.guild.general)
    assert not [m for m in general if "reached" in m.content]  # given, not earned: no announcement


async def test_remove_lowers_the_level_and_takes_roles_above_it(levels: LevelsDesk) -> None:
    s, bob = levels.server, levels.member
    novice, regular = s.add_role("Novice"), s.add_role("Regular")
    await levels.discord.settle()
    for level, role in ((1, novice), (2, regular)):
        await levels.discord.slash("config levels role_add", user=levels.owner, guild=s, level=level, role=role)
    await _xp(levels, "give", member=bob, amount=300)
    assert has_role(s, bob, novice) and has_role(s, bob, regular)
    text = await _xp(levels, "remove", member=bob, amount=150)
    assert "now 150 XP, level 1 (was 2)" in text
    assert has_role(s, bob, novice) and not has_role(s, bob, regular)
    assert "now 0 XP" in await _xp(levels, "remove", member=bob, amount=10_000)  # never below 0
    assert await levels.xp(bob) == 0 and not has_role(s, bob, novice)
    assert [e.new_level for e in levels.heard] == [2]  # lowering a level fires nothing


async def test_reset_one_member(levels: LevelsDesk) -> None:
    bob, alice = levels.member, levels.guild.admin
    await levels.seed(bob, 500)
    await levels.seed(alice, 700)
    assert "Reset" in await _xp(levels, "reset", member=bob)
    assert await levels.db.fetchval("SELECT count(*) FROM levels_members WHERE user_id = $1", bob.id) == 0
    assert await levels.xp(alice) == 700


async def test_resetting_everyone_needs_a_confirmation(levels: LevelsDesk) -> None:
    d, s = levels.discord, levels.server
    for member, xp in ((levels.member, 500), (levels.guild.admin, 700)):
        await levels.seed(member, xp)
    prompt = await d.slash("xp reset", user=levels.owner, guild=s, channel=levels.guild.general)
    assert prompt.ephemeral and "every member" in prompt.text and "2 with XP" in prompt.text
    cancelled = await d.click(prompt, "Cancel", user=levels.owner)
    assert "nothing changed" in cancelled.content
    assert await levels.db.fetchval("SELECT count(*) FROM levels_members") == 2
    prompt = await d.slash("xp reset", user=levels.owner, guild=s, channel=levels.guild.general)
    levels.fixed_xp(20)
    await levels.talk(levels.guild.moderator)  # buffered before the reset: reset too
    done = await d.click(prompt, "Reset everyone's XP", user=levels.owner)
    assert "Reset the XP of 2 member(s)" in done.message.content
    await levels.flush()
    assert await levels.db.fetchval("SELECT count(*) FROM levels_members") == 0


async def test_members_without_manage_server_are_refused(levels: LevelsDesk) -> None:
    bob = levels.member
    for command, options in (("give", {"member": bob, "amount": 1000}), ("remove", {"member": bob, "amount": 5}),
                             ("reset", {"member": bob}), ("reset", {})):
        result = await levels.discord.slash(f"xp {command}", user=bob, guild=levels.server, options=options,
                                            check_permissions=False)
        assert result.ephemeral and "Manage Server" in result.text
        assert not result.components
    assert await levels.db.fetchval("SELECT count(*) FROM levels_members") == 0


async def test_bots_have_no_xp(levels: LevelsDesk) -> None:
    robot = levels.server.add_member("robot", bot=True)
    await levels.discord.settle()
    async with levels.discord.expect_errors(UserFacingError):
        text = await _xp(levels, "give", member=robot, amount=100)
    assert "Bots don't earn XP" in text and await levels.xp(robot) == 0


async def test_an_admin_cannot_make_the_bot_give_a_role_they_could_not_give(levels: LevelsDesk) -> None:
    s, bob, alice = levels.server, levels.member, levels.guild.admin  # alice: Manage Server, not Manage Roles
    regular = s.add_role("Regular")
    await levels.discord.settle()
    await levels.discord.slash("config levels role_add", user=levels.owner, guild=s, level=2, role=regular)
    assert "level 1" in await _xp(levels, "give", member=bob, amount=100, by=alice)  # no role at level 1: fine
    async with levels.discord.expect_errors(BadInput):
        text = await _xp(levels, "give", member=bob, amount=200, by=alice)
    assert "Nothing changed" in text and "@Regular" in text and "Manage Roles" in text
    assert await levels.xp(bob) == 100 and not has_role(s, bob, regular)
    await _xp(levels, "give", member=bob, amount=200)  # the owner may
    async with levels.discord.expect_errors(BadInput):
        text = await _xp(levels, "reset", member=bob, by=alice)  # taking it away is refused just the same
    assert "Nothing changed" in text and await levels.xp(bob) == 300 and has_role(s, bob, regular)
