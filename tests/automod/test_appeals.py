"""Appeals through the buttons (approve reverses, deny keeps), false positives, trial mode and daily stats."""

from __future__ import annotations

from tests.kit.automod import Automod


async def _timed_out(automod: Automod) -> None:
    d, g = automod.d, automod.g
    await automod.hearth.bot.guild_settings.set(g.guild.id, "automod", "escalation", [], changed_by=1)
    action = await automod.action("timeout", severity=3, duration="1h")
    await automod.rule("Bad word", "content", words="badword", action=action)
    await d.say(g.general, g.member, "badword")
    assert g.guild.member(g.member.id).communication_disabled_until is not None


async def _appeal(automod: Automod, reason: str):
    d, g = automod.d, automod.g
    [dm] = d.dms_to(g.member)
    opened = await d.click(dm, "Appeal", user=g.member.user)
    assert opened.modal is not None
    sent = await d.submit_modal(opened, {"reason": reason}, user=g.member.user)
    assert "sent to the moderators" in sent.text
    [appeal] = [m for m in d.messages_in(automod.logs) if m.embeds and m.embeds[0]["title"].startswith("📨")]
    return appeal


async def test_appeal_approved_reverses_the_timeout_and_tells_the_member(automod: Automod) -> None:
    d, g, db = automod.d, automod.g, automod.hearth.db
    await _timed_out(automod)
    appeal = await _appeal(automod, "I was quoting the rules")
    assert appeal.embeds[0]["description"] == "I was quoting the rules"
    assert await db.fetchval("SELECT appeal_status FROM automod_logs") == "pending"
    refused = await d.click(appeal, "Approve", user=g.member)  # not a moderator
    assert "Only moderators" in refused.text
    await d.click(appeal, "Approve", user=g.moderator)
    row = await db.fetchrow("SELECT appeal_status, appeal_decided_by, appeal_reason FROM automod_logs")
    assert tuple(row) == ("approved", g.moderator.id, "I was quoting the rules")
    assert g.guild.member(g.member.id).communication_disabled_until is None
    assert "was **approved**" in d.dms_to(g.member)[-1].embeds[0]["description"]
    assert d.world.messages[appeal.id].content.startswith(f"✅ Appeal approved by <@{g.moderator.id}>")
    assert await db.fetchval("SELECT total_points FROM automod_user_history") == 0  # points removed


async def test_appeal_denied_keeps_the_action(automod: Automod) -> None:
    d, g, db = automod.d, automod.g, automod.hearth.db
    await _timed_out(automod)
    appeal = await _appeal(automod, "please")
    await d.click(appeal, "Deny", user=g.moderator)
    assert await db.fetchval("SELECT appeal_status FROM automod_logs") == "denied"
    assert g.guild.member(g.member.id).communication_disabled_until is not None
    assert "was **denied**" in d.dms_to(g.member)[-1].embeds[0]["description"]
    again = await d.click(d.dms_to(g.member)[0], "Appeal", user=g.member.user)  # one appeal per action
    assert "already appealed" in again.text


async def test_approved_ban_appeal_unbans(automod: Automod) -> None:
    d, g = automod.d, automod.g
    action = await automod.action("ban", severity=5)
    await automod.rule("Worst", "content", words="worstword", action=action)
    await d.say(g.general, g.member, "worstword")
    assert g.member.id in g.guild.bans
    appeal = await _appeal(automod, "wrong person")
    # Unbanning needs Ban Members: a moderator who has it approves (one without it is refused, see
    # tests/reliability/test_trust_roles.py).
    banner = g.guild.add_member("bea", roles=[g.moderator_role], permissions=["ban_members"])
    await d.settle()
    await d.click(appeal, "Approve", user=banner)
    assert g.member.id not in g.guild.bans


async def test_false_positive_counts_and_removes_the_points(automod: Automod) -> None:
    d, g, db = automod.d, automod.g, automod.hearth.db
    await _timed_out(automod)
    assert await db.fetchval("SELECT total_points FROM automod_user_history") == 3
    [log] = automod.log_messages()
    await d.click(log, "False positive", user=g.moderator)
    assert await db.fetchval("SELECT total_points FROM automod_user_history") == 0
    assert await db.fetchval("SELECT false_positive FROM automod_logs")
    await automod.hearth.bot.get_cog("Automod").stats.flush(automod.hearth.bot.get_cog("Automod").pool)
    row = await db.fetchrow("SELECT triggers_count, false_positives FROM automod_stats")
    assert tuple(row) == (1, 1)
    stats = await d.slash("config automod stats", user=g.admin)
    assert "1 trigger(s), 1 false positive(s), 100% false" in stats.text


async def test_buttons_work_after_a_restart(automod: Automod) -> None:
    d, g, db = automod.d, automod.g, automod.hearth.db
    await _timed_out(automod)
    await automod.hearth.restart()
    appeal = await _appeal(automod, "after restart")
    await automod.hearth.restart()
    await d.click(appeal, "Deny", user=g.moderator)
    assert await db.fetchval("SELECT appeal_status FROM automod_logs") == "denied"


async def test_trial_mode_only_logs_and_counts(automod: Automod) -> None:
    d, g, db = automod.d, automod.g, automod.hearth.db
    action = await automod.action("ban", severity=5)
    rule = await automod.rule("Tuning", "content", words="maybe", action=action, trial=True)
    message = await d.say(g.general, g.member, "maybe bad")
    assert not d.world.messages[message.id].deleted and g.member.id not in g.guild.bans
    assert d.dms_to(g.member) == []
    assert automod.log_embeds()[0]["title"] == "🧪 Trial rule: would ban"
    assert await db.fetchval("SELECT action_taken FROM automod_logs") == "trial: ban"
    assert await db.fetchval("SELECT count(*) FROM automod_user_history") == 0  # no points in trial
    await d.slash("config automod edit", user=g.admin, rule=rule, trial=False)
    await d.say(g.general, g.member, "maybe bad")
    assert g.member.id in g.guild.bans
    stats = await d.slash("config automod stats", user=g.admin)
    assert f"#{rule} Tuning: 2 trigger(s)" in stats.text
