"""GDPR: a member's XP (also what is still buffered) is exported and erased, the level roles they set stay without
them (and are then refused at grant); the public API: level_of, standing and the level-up hook."""

from __future__ import annotations

from cogs.levels.api import LevelsApi, LevelUp
from cogs.levels.gdpr import TABLES
from core.gdpr import erase_everything, export_everything
from tests.kit.channels import has_role
from tests.kit.levels import LevelsDesk


async def test_export_and_erase(levels: LevelsDesk) -> None:
    d, s, hearth = levels.discord, levels.server, levels.hearth
    bob, alice = levels.member, levels.guild.admin
    regular = s.add_role("Regular")
    roleman = s.add_member("roleman", permissions=["manage_roles", "manage_guild"])  # their role sits above
    await d.settle()
    added = await d.slash("config levels role_add", user=roleman, guild=s, level=1, role=regular)
    assert "level 1" in added.text
    await levels.seed(bob, 40)
    await levels.seed(roleman, 30)
    levels.fixed_xp(20)
    await levels.talk(alice)
    await d.say(levels.guild.general, bob, "still buffered when the request comes")
    data, missing = await export_everything(hearth.bot, hearth.db, bob.id)
    assert missing == []
    assert set(data["levels"]) == set(TABLES)
    [row] = data["levels"]["levels_members"]
    assert (row["xp"], row["messages"]) == (60, 1)  # the buffered message too
    await d.say(levels.guild.general, bob, "buffered again before the erasure")
    erasure = await erase_everything(hearth.bot, hearth.db, bob.id)
    assert erasure.committed and erasure.report.deleted["levels_members"] == 1
    await levels.flush()  # nothing buffered about bob is written back
    assert await levels.db.fetchval("SELECT count(*) FROM levels_members WHERE user_id = $1", bob.id) == 0
    assert await levels.xp(alice) == 20
    # The level role its setter configured stays, without them: refused at grant until someone sets it again.
    setter_data, _ = await export_everything(hearth.bot, hearth.db, roleman.id)
    assert [r["role_id"] for r in setter_data["levels"]["levels_roles"]] == [regular.id]
    erasure = await erase_everything(hearth.bot, hearth.db, roleman.id)
    assert erasure.report.anonymised["levels_roles"] == 1
    assert await levels.db.fetchval("SELECT set_by FROM levels_roles") is None
    levels.fixed_xp(100)
    await levels.talk(levels.guild.moderator)
    await levels.flush()
    assert await levels.level(levels.guild.moderator) == 1 and not has_role(s, levels.guild.moderator, regular)


async def test_the_api_reads_levels_and_the_hook_fires(levels: LevelsDesk) -> None:
    bob = levels.member
    api = levels.hearth.bot.apis.get(LevelsApi)
    assert api is not None
    await levels.seed(bob, 250)
    levels.fixed_xp(10)
    await levels.talk(bob)  # buffered: the API counts it
    assert await api.xp_of(levels.server.id, bob.id) == 260
    assert await api.level_of(levels.server.id, bob.id) == 2
    subscribed: list[LevelUp] = []

    async def on_level_up(event: LevelUp) -> None:
        subscribed.append(event)

    api.subscribe(on_level_up)
    await levels.flush()
    api.unsubscribe(on_level_up)
    assert [(e.user_id, e.old_level, e.new_level, e.source) for e in subscribed] == [(bob.id, 1, 2, "activity")]
    standing = await api.standing(levels.server.id, bob.id)
    assert (standing.xp, standing.level, standing.rank) == (260, 2, 1)
    assert await api.level_of(levels.server.id, levels.guild.admin.id) == 0
    await levels.hearth.bot.unload_extension("cogs.levels")
    assert levels.hearth.bot.apis.get(LevelsApi) is None  # withdrawn with the cog
