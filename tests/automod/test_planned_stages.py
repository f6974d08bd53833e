"""A guild's messages skip the stages that have nothing to do there, and get them back when there is."""

from __future__ import annotations

from tests.kit.automod import Automod


async def test_stages_without_work_are_left_out_until_there_is_some(automod: Automod) -> None:
    d, g, h = automod.d, automod.g, automod.hearth
    pipeline, guild_id = h.bot.pipeline, g.guild.id
    await h.bot.guild_settings.set(guild_id, "levels", "enabled", True, changed_by=g.admin.id)
    await d.say(g.general, g.member, "hello")  # the guild's first message: its rules and commands are read
    await d.say(g.general, g.member, "hello again")
    planned = pipeline.planned(guild_id)
    # No automod rule, no custom command, no watched channel, the mention brake off: their stages are left out.
    assert not {"automod", "custom_commands", "embed_watcher", "raid"} & set(planned)
    assert {"engagement", "levels", "points", "insight"} <= set(planned)

    delete = await automod.action("delete")
    await automod.rule("Scams", "content", words="free nitro", action=delete)
    scam = await d.say(g.general, g.member, "free nitro for everyone")
    assert d.world.messages[scam.id].deleted  # the guild's first rule applies at once
    again = await d.say(g.general, g.member, "free nitro, again")
    assert d.world.messages[again.id].deleted and "automod" in pipeline.planned(guild_id)

    await h.bot.guild_settings.set(guild_id, "raid", "mention_brake", True, changed_by=g.admin.id)
    await h.bot.guild_settings.set(guild_id, "levels", "enabled", False, changed_by=g.admin.id)
    await d.say(g.general, g.member, "settings changed")
    planned = pipeline.planned(guild_id)
    assert "raid" in planned and "levels" not in planned
