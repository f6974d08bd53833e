"""GDPR: a member's automod data is exported and erased; rules and commands they created stay, anonymised."""

from __future__ import annotations

from core.gdpr import erase_everything, export_everything
from tests.kit.automod import Automod


async def test_export_and_erase(automod: Automod) -> None:
    d, g, db, bot = automod.d, automod.g, automod.hearth.db, automod.hearth.bot
    action = await automod.action("warn", severity=2)
    await automod.rule("Bad word", "content", words="badword", action=action)
    await d.say(g.general, g.member, "badword")
    await d.slash("config custom_commands add", user=g.admin, options={
        "name": "hi", "trigger_type": "exact", "trigger": "!hi", "response": "hi"})
    member_data, _ = await export_everything(bot, db, g.member.id)
    assert len(member_data["automod"]["automod_logs"]) == 1 and len(member_data["automod"]["automod_user_history"]) == 1
    admin_data, _ = await export_everything(bot, db, g.admin.id)
    assert len(admin_data["automod"]["automod_rules"]) == 1 and len(admin_data["automod"]["automod_actions"]) == 1
    assert len(admin_data["custom_commands"]["custom_commands"]) == 1
    erasure = await erase_everything(bot, db, g.member.id)
    assert {t: n for t, n in erasure.report.deleted.items() if t.startswith("automod")} == {
        "automod_logs": 1, "automod_user_history": 1}
    await erase_everything(bot, db, g.admin.id)
    assert await db.fetchval("SELECT count(*) FROM automod_logs") == 0
    assert await db.fetchval("SELECT created_by FROM automod_rules") is None
    assert await db.fetchval("SELECT created_by FROM custom_commands") is None


async def test_a_moderators_export_holds_no_member_data(automod: Automod) -> None:
    """The moderator who decided a member's appeal exports the log's id and their role in it, not the member's
    message, id or appeal."""
    g, db, bot = automod.g, automod.hearth.db, automod.hearth.bot
    log_id = await db.fetchval(
        "INSERT INTO automod_logs (guild_id, user_id, message_content, action_taken, moderator_id, appeal_reason, "
        "appeal_decided_by) VALUES ($1, $2, 'my secret message', 'warn', $3, 'please', $3) RETURNING id",
        g.guild.id, g.member.id, g.moderator.id)
    data, _ = await export_everything(bot, db, g.moderator.id)
    assert data["automod"]["automod_logs"] == [{"id": log_id, "role": "moderator_id"},
                                               {"id": log_id, "role": "appeal_decided_by"}]
    mine, _ = await export_everything(bot, db, g.member.id)
    assert [row["message_content"] for row in mine["automod"]["automod_logs"]] == ["my secret message"]
