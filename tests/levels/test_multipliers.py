"""No-XP channels and roles, multipliers per channel (a thread's channel, a category) and per role, set with
`/config levels` and seen by the hot path at once (and by other processes through NOTIFY)."""

from __future__ import annotations

from tests.kit.levels import LevelsDesk
from utils.errors import BadInput


async def _config(levels: LevelsDesk, command: str, **options) -> str:
    result = await levels.discord.slash(f"config levels {command}", user=levels.owner, guild=levels.server,
                                        options=options)
    assert result.ephemeral
    return result.text


async def test_a_no_xp_channel_earns_nothing(levels: LevelsDesk) -> None:
    g = levels.guild
    spam = g.guild.add_text_channel("spam")
    await levels.discord.settle()
    assert "No XP in" in await _config(levels, "noxp", channel=spam)
    levels.fixed_xp(20)
    await levels.talk(g.member, channel=spam)
    await levels.flush()
    assert await levels.xp(g.member) == 0
    # The message that earned nothing did not start the cooldown: right after, in #general, XP.
    await levels.discord.say(g.general, g.member, "right after, elsewhere")
    await levels.flush()
    assert await levels.xp(g.member) == 20


async def test_a_no_xp_role_earns_nothing_anywhere(levels: LevelsDesk) -> None:
    g = levels.guild
    muted = g.guild.add_role("No XP")
    g.guild.set_roles(g.member, [muted], by=g.owner)
    await levels.discord.settle()
    await _config(levels, "noxp", role=muted)
    await _config(levels, "multiplier", value=3.0, channel=g.general)
    levels.fixed_xp(20)
    await levels.talk(g.member)
    await levels.flush()
    assert await levels.xp(g.member) == 0
    assert "normal XP again" in await _config(levels, "multiplier", value=1.0, role=muted)
    await levels.talk(g.member)
    await levels.flush()
    assert await levels.xp(g.member) == 60


async def test_channel_times_the_highest_role_multiplier(levels: LevelsDesk) -> None:
    g = levels.guild
    booster, helper = g.guild.add_role("Booster"), g.guild.add_role("Helper")
    g.guild.set_roles(g.member, [booster, helper], by=g.owner)
    events = g.guild.add_category("Events")
    stage = g.guild.add_text_channel("stage", category=events)
    await levels.discord.settle()
    await _config(levels, "multiplier", value=2.0, role=booster)
    await _config(levels, "multiplier", value=1.5, role=helper)
    assert "×1.5" in await _config(levels, "multiplier", value=1.5, channel=events)
    levels.fixed_xp(20)
    await levels.talk(g.member, channel=stage)  # the category's 1.5 × the highest role's 2
    await levels.talk(g.admin, channel=stage)  # no role multiplier: 1.5
    await levels.talk(g.moderator)  # #general, no multiplier
    await levels.flush()
    assert [await levels.xp(m) for m in (g.member, g.admin, g.moderator)] == [60, 30, 20]
    listing = await _config(levels, "multipliers")
    assert "×2" in listing and f"<@&{booster.id}>" in listing and f"<#{events.id}>" in listing


async def test_a_channel_setting_beats_its_category(levels: LevelsDesk) -> None:
    g = levels.guild
    category = g.guild.add_category("Quiet")
    loud = g.guild.add_text_channel("loud", category=category)
    await levels.discord.settle()
    await _config(levels, "noxp", channel=category)
    await _config(levels, "multiplier", value=2.0, channel=loud)
    levels.fixed_xp(10)
    await levels.talk(g.member, channel=loud)
    await levels.flush()
    assert await levels.xp(g.member) == 20


async def test_exactly_one_target_and_never_everyone(levels: LevelsDesk) -> None:
    g = levels.guild
    async with levels.discord.expect_errors(BadInput):
        both = await _config(levels, "multiplier", value=2.0, channel=g.general, role=g.moderator_role)
        neither = await _config(levels, "noxp")
        everyone = await _config(levels, "noxp", role=g.guild.everyone)
    assert "either a channel" in both and "either a channel" in neither and "@everyone" in everyone
    assert await levels.db.fetchval("SELECT count(*) FROM levels_multipliers") == 0


async def test_members_without_manage_server_cannot_configure(levels: LevelsDesk) -> None:
    g = levels.guild
    result = await levels.discord.slash("config levels noxp", user=g.member, guild=g.guild, channel=g.general,
                                        options={"channel": g.general}, check_permissions=False)
    assert result.ephemeral and "Manage Server" in result.text
    assert await levels.db.fetchval("SELECT count(*) FROM levels_multipliers") == 0
