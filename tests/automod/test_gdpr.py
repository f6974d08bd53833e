"""GDPR: a member's automod data is exported and erased; rules and commands they created stay, anonymised."""

from __future__ import annotations

from tests.automod.conftest import Automod


async def test_export_and_erase(automod: Automod) -> None:
    d, g, db, bot = automod.d, automod.g, automod.hearth.db, automod.hearth.bot
    action = await automod.action("warn", severity=2)
    await automod.rule("Bad word", "content", words="badword", action=action)
    await d.say(g.general, g.member, "badword")
    await d.slash("config custom_commands add", user=g.admin, options={
        "name": "hi", "trigger_type": "exact", "trigger": "!hi", "response": "hi"})
    automod_cog, commands_cog = bot.get_cog("Automod"), bot.get_cog("CustomCommands")
    member_data = await automod_cog.export_user_data(g.member.id)
    assert len(member_data["automod_logs"]) == 1 and len(member_data["automod_user_history"]) == 1
    admin_data = await automod_cog.export_user_data(g.admin.id)
    assert len(admin_data["automod_rules"]) == 1 and len(admin_data["automod_actions"]) == 1
    assert len((await commands_cog.export_user_data(g.admin.id))["custom_commands"]) == 1
    report = await automod_cog.erase_user_data(g.member.id)
    assert report.deleted == {"automod_logs": 1, "automod_user_history": 1}
    await automod_cog.erase_user_data(g.admin.id)
    await commands_cog.erase_user_data(g.admin.id)
    assert await db.fetchval("SELECT count(*) FROM automod_logs") == 0
    assert await db.fetchval("SELECT created_by FROM automod_rules") is None
    assert await db.fetchval("SELECT created_by FROM custom_commands") is None
