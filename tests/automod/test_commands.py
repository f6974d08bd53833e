"""`/config automod …` through the stand-in: permissions, list/edit/remove/enable, test, guild isolation, and the
cache: no database round trip per clean message, invalidated on change in this process and in another."""

from __future__ import annotations

from cogs.automod import repo
from tests.kit.automod import Automod
from utils.errors import BadInput


async def test_automod_is_a_subgroup_of_config_and_admin_only(automod: Automod) -> None:
    d, g = automod.d, automod.g
    config = automod.hearth.bot.tree.get_command("config")
    assert config.get_command("automod") is not None and automod.hearth.bot.tree.get_command("automod") is None
    # check_permissions=False: the member calls it anyway (an admin may have changed who sees /config).
    refused = await d.slash("config automod add", user=g.member, check_permissions=False,
                            options={"name": "x", "type": "content", "words": "x"})
    assert refused.text == "You need the **Manage Server** permission to use this command."
    assert await automod.hearth.db.fetchval("SELECT count(*) FROM automod_rules") == 0


async def test_list_edit_enable_remove(automod: Automod) -> None:
    d, g = automod.d, automod.g
    action = await automod.action("timeout", severity=3, duration="10m")
    rule = await automod.rule("Words", "content", words="badword", action=action)
    listing = await d.slash("config automod list", user=g.admin)
    assert f"#{rule} Words** (content) → action #{action} timeout" in listing.text
    assert "**timeout** (severity 3, 10m)" in listing.text
    await d.slash("config automod edit", user=g.admin, rule=rule, words="otherword, third")
    await d.slash("config automod set_rule_enabled", user=g.admin, rule=rule, enabled=False)
    off = await d.say(g.general, g.member, "otherword")
    assert not d.world.messages[off.id].deleted
    await d.slash("config automod set_rule_enabled", user=g.admin, rule=rule, enabled=True)
    on = await d.say(g.general, g.member, "otherword")
    assert d.world.messages[on.id].deleted
    old = await d.say(g.general, g.member, "badword")
    assert not d.world.messages[old.id].deleted
    removed = await d.slash("config automod remove", user=g.admin, rule=rule)
    assert "deleted" in removed.text
    assert await automod.hearth.db.fetchval("SELECT count(*) FROM automod_rules") == 0


async def test_dry_run_shows_what_would_fire(automod: Automod) -> None:
    d, g = automod.d, automod.g
    action = await automod.action("ban", severity=5)
    await automod.rule("Scam", "content", words="free nitro", action=action)
    await automod.rule("Pings", "spam", config='{"mentions": 2}', trial=True, action=action)
    result = await d.slash("config automod test", user=g.admin, text="fr3e n1tro for <@1> <@2>")
    assert "**Scam** (content): a blocked word or phrase → **ban** (severity 5), +5 point(s)" in result.text
    assert "**Pings** (spam): 2 mentions in one message (limit 1) → logged only (trial mode)" in result.text
    clean = await d.slash("config automod test", user=g.admin, text="hello")
    assert "No rule fires" in clean.text
    assert await automod.hearth.db.fetchval("SELECT count(*) FROM automod_logs") == 0


async def test_bad_config_is_refused_with_the_reason(automod: Automod) -> None:
    d, g = automod.d, automod.g
    cases = [({"type": "spam", "config": '{"messages": 500}'}, "`messages` must be a whole number from 2 to 50"),
             ({"type": "spam"}, "needs at least one check"),
             ({"type": "content"}, "needs `words`"),
             ({"type": "content", "words": "x", "config": '{"bogus": 1}'}, "Unknown setting(s) for a content rule"),
             ({"type": "content", "words": "x", "action": 999}, "no automod action #999")]
    for options, message in cases:
        with d.expect_errors(BadInput):
            result = await d.slash("config automod add", user=g.admin, options={"name": "x", **options})
        assert message in result.text, result.text


async def test_guilds_are_isolated(automod: Automod) -> None:
    d, g, db = automod.d, automod.g, automod.hearth.db
    other = d.add_guild("Other")
    channel = other.add_text_channel("general")
    boss = other.add_member("boss", permissions=["manage_guild"])
    member = other.add_member("someone")
    await d.settle()
    await d.slash("config automod action_add", user=boss, guild=other, options={"type": "delete"})
    their_action = await db.fetchval("SELECT id FROM automod_actions WHERE guild_id = $1", other.id)
    await d.slash("config automod add", user=boss, guild=other,
                  options={"name": "Theirs", "type": "content", "words": "theirword", "action": their_action})
    theirs = await db.fetchval("SELECT id FROM automod_rules WHERE guild_id = $1", other.id)
    mine = await d.say(g.general, g.member, "theirword")
    assert not d.world.messages[mine.id].deleted  # their rule does not apply here
    theirs_msg = await d.say(channel, member, "theirword")
    assert d.world.messages[theirs_msg.id].deleted
    listing = await d.slash("config automod list", user=g.admin)
    assert "Theirs" not in listing.text
    for command in ("config automod remove", "config automod set_rule_enabled"):
        extra = {"enabled": False} if "enabled" in command else {}
        with d.expect_errors(BadInput):
            result = await d.slash(command, user=g.admin, rule=theirs, **extra)
        assert f"There is no automod rule #{theirs} on this server." in result.text
    assert await db.fetchval("SELECT enabled FROM automod_rules WHERE id = $1", theirs)


async def test_clean_messages_make_no_database_round_trip(automod: Automod) -> None:
    d, g, bot = automod.d, automod.g, automod.hearth.bot
    action = await automod.action("delete")
    for n in range(5):
        await automod.rule(f"r{n}", "content", words=f"word{n}", action=action)
    await d.say(g.general, g.member, "warm the cache")
    before = sum(pool.acquisitions for pool in bot.db.pools.values())
    loads = bot.get_cog("Automod").cache.loads
    for n in range(20):
        await d.say(g.general, g.member, f"clean message {n}")
    assert sum(pool.acquisitions for pool in bot.db.pools.values()) == before
    assert bot.get_cog("Automod").cache.loads == loads


async def test_a_change_in_another_process_reaches_this_one(automod: Automod) -> None:
    d, g, hearth = automod.d, automod.g, automod.hearth
    second = await d.connect(hearth.make_bot())
    try:
        await d.say(g.general, g.member, "word")  # both bots cache "no rules"
        for bot in (hearth.bot, second):
            assert bot.get_cog("Automod").cache.peek(g.guild.id) is not None
        # The change is written by the first bot (both bots would answer a slash command in the stand-in) …
        writer = hearth.bot.get_cog("Automod")
        await repo.create_rule(writer.pool, g.guild.id, "content", "Later", {"words": ["laterword"]}, None, False,
                               g.admin.id, hearth.clock.now())
        for bot in (hearth.bot, second):  # … and each one's cache was dropped (NOTIFY) and reloads
            cog = bot.get_cog("Automod")
            await _until(lambda cog=cog: cog.cache.peek(g.guild.id) is None)
            rules = await cog.cache.get(g.guild.id)
            assert [r.name for r in rules.rules] == ["Later"]
    finally:
        await d.disconnect(second)


async def _until(condition, attempts: int = 200) -> None:
    import asyncio

    for _ in range(attempts):
        if condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("condition not reached")
