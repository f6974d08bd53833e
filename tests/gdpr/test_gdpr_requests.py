"""/export_my_data, /delete_my_data and the data agreement, through the Discord stand-in."""

from __future__ import annotations

import json
from datetime import timedelta

from tests.hearth_harness import Hearth
from tests.kit.premium import seed_premium
from utils.cooldowns import OnCooldown

COOLDOWN = timedelta(minutes=10)  # per member, for exports and for erasures (docs/gdpr.md)


async def _seed(hearth: Hearth, user_id: int, guild_id: int) -> None:
    await hearth.db.execute("INSERT INTO audit_logs (guild_id, user_id, command_name, command_type, success) "
                            "VALUES ($1, $2, 'ping', 'slash', true)", guild_id, user_id)
    await hearth.db.execute("INSERT INTO reminders (guild_id, name, channel_id, created_by) VALUES ($1, 'r', 1, $2)",
                            guild_id, user_id)
    await seed_premium(hearth.db, user_id, guild_id, "yearly")


async def test_export_my_data_is_a_private_json_file(hearth: Hearth) -> None:
    g = hearth.guild
    await _seed(hearth, g.member.id, g.guild.id)
    await _seed(hearth, g.admin.id, g.guild.id)  # someone else's data must not appear
    result = await hearth.discord.slash("export_my_data", user=g.member, guild=g.guild)
    message = result.followups[0] if result.followups else result.message
    assert message.ephemeral_for == g.member.id
    document = json.loads(message.attachments[0].data)
    assert document["user_id"] == g.member.id and document["incomplete_parts"] == []
    data = document["data"]
    assert [row["command_name"] for row in data["audit"]["audit_logs"]] == ["ping"]
    assert [row["created_by"] for row in data["reminders"]["reminders"]] == [g.member.id]
    assert [row["tier"] for row in data["premium"]["premium_subs"]] == ["yearly"]
    assert all(row["user_id"] == g.member.id for row in data["audit"]["audit_logs"])


async def test_delete_my_data_after_confirmation(hearth: Hearth) -> None:
    g = hearth.guild
    await _seed(hearth, g.member.id, g.guild.id)
    prompt = await hearth.discord.slash("delete_my_data", user=g.member, guild=g.guild)
    assert await hearth.db.fetchval("SELECT count(*) FROM audit_logs WHERE user_id = $1", g.member.id) == 1
    done = await hearth.discord.click(prompt, "Delete everything", user=g.member)
    summary = done.followups[0].content if done.followups else done.text
    assert summary.startswith("🗑️ **Your data was erased.**")
    # 2 audit rows: the seeded one and /delete_my_data itself.
    assert "2 from audit_logs" in summary and "1 in reminders" in summary and "Kept: premium_subs" in summary
    # Deleted, anonymised and kept, as the summary says. The audit row of /delete_my_data itself is gone too.
    assert await hearth.db.fetchval("SELECT count(*) FROM audit_logs WHERE user_id = $1", g.member.id) == 0
    assert await hearth.db.fetchval("SELECT created_by FROM reminders") is None
    assert await hearth.db.fetchval("SELECT count(*) FROM premium_subs WHERE user_id = $1", g.member.id) == 1


async def test_delete_can_be_cancelled(hearth: Hearth) -> None:
    g = hearth.guild
    await _seed(hearth, g.member.id, g.guild.id)
    prompt = await hearth.discord.slash("delete_my_data", user=g.member, guild=g.guild)
    await hearth.discord.click(prompt, "Cancel", user=g.member)
    assert hearth.discord.world.messages[prompt.message.id].content == "Nothing was deleted."
    assert await hearth.db.fetchval("SELECT count(*) FROM reminders WHERE created_by = $1", g.member.id) == 1


async def test_agreement_button_records_acceptance_grants_role_and_survives_restart(hearth: Hearth) -> None:
    g, d = hearth.guild, hearth.discord
    agreed = g.guild.add_role("Agreed")
    await d.settle()
    await hearth.bot.guild_settings.set(g.guild.id, "gdpr", "role", agreed.id, changed_by=g.owner.id)
    posted = await d.slash("config gdpr post", user=g.admin, guild=g.guild)
    assert posted.text == f"✅ The agreement is posted in <#{g.general.id}>."
    agreement = d.last_message(g.general)
    assert agreement.embeds[0]["title"] == "🔒 Data agreement"
    await hearth.restart()
    first = await d.click(agreement, "I Agree", user=g.member)
    assert first.text == "✅ Thank you, your acceptance is recorded."
    assert agreed.id in g.guild.members[g.member.id].roles
    row = await hearth.db.fetchrow("SELECT accepted FROM gdpr_acceptance WHERE user_id = $1 AND guild_id = $2",
                                   g.member.id, g.guild.id)
    assert row["accepted"] == 1
    again = await d.click(agreement, "I Agree", user=g.member)
    assert again.text == "You had already accepted; recorded again."


async def test_posting_the_agreement_is_for_admins(hearth: Hearth) -> None:
    g = hearth.guild
    refused = await hearth.discord.slash("config gdpr post", user=g.member, guild=g.guild, check_permissions=False)
    assert refused.text == "You need the **Manage Server** permission to use this command."
    assert [m for m in hearth.discord.messages_in(g.general) if m.embeds] == []


async def test_a_member_cannot_repeat_data_exports_back_to_back(hearth: Hearth) -> None:
    g, d = hearth.guild, hearth.discord
    start = hearth.clock.now()
    first = await d.slash("export_my_data", user=g.member, guild=g.guild)
    assert (first.followups[0] if first.followups else first.message).attachments
    for _ in range(3):  # a script hammering the command does no work at all
        with d.expect_errors(OnCooldown):
            again = await d.slash("export_my_data", user=g.member, guild=g.guild)
        assert again.ephemeral and again.text == "You're doing data exports too often. Try again in 10 min."
        assert not (again.followups[0] if again.followups else again.message).attachments
    other = await d.slash("export_my_data", user=g.admin, guild=g.guild)  # someone else is not held up
    assert (other.followups[0] if other.followups else other.message).attachments
    hearth.clock.set(start + COOLDOWN - timedelta(seconds=30))
    with d.expect_errors(OnCooldown):
        soon = await d.slash("export_my_data", user=g.member, guild=g.guild)
    assert soon.text == "You're doing data exports too often. Try again in 30 s."
    hearth.clock.set(start + COOLDOWN)
    later = await d.slash("export_my_data", user=g.member, guild=g.guild)
    assert (later.followups[0] if later.followups else later.message).attachments


async def test_a_member_cannot_repeat_erasures_back_to_back(hearth: Hearth) -> None:
    g, d = hearth.guild, hearth.discord
    start = hearth.clock.now()
    first_prompt = await d.slash("delete_my_data", user=g.member, guild=g.guild)
    second_prompt = await d.slash("delete_my_data", user=g.member, guild=g.guild)  # two prompts open at once
    done = await d.click(first_prompt, "Delete everything", user=g.member)
    assert (done.followups[0].content if done.followups else done.text).startswith("🗑️")
    twice = await d.click(second_prompt, "Delete everything", user=g.member)  # answered by the view itself
    assert twice.ephemeral and twice.text == "You're doing data erasures too often. Try again in 10 min."
    with d.expect_errors(OnCooldown):
        refused = await d.slash("delete_my_data", user=g.member, guild=g.guild)
    assert refused.ephemeral and refused.text == "You're doing data erasures too often. Try again in 10 min."
    assert not refused.message or not refused.message.buttons()
    hearth.clock.set(start + COOLDOWN)
    prompt = await d.slash("delete_my_data", user=g.member, guild=g.guild)
    assert [b["label"] for b in prompt.message.buttons()] == ["Delete everything", "Cancel"]


async def test_a_failing_part_undoes_the_whole_erasure_and_says_so(hearth: Hearth) -> None:
    """Nothing is half-erased: when one feature's tables refuse the erasure (here a trigger an operator added),
    every other deletion is rolled back too, the member is told, and may try again at once."""
    g, d, db = hearth.guild, hearth.discord, hearth.db
    await _seed(hearth, g.member.id, g.guild.id)
    await db.execute("INSERT INTO onboarding (guild_id, user_id, responses) VALUES ($1, $2, '{}')",
                     g.guild.id, g.member.id)
    await db.execute("CREATE FUNCTION test_refuse() RETURNS trigger LANGUAGE plpgsql AS "
                     "$$ BEGIN RAISE EXCEPTION 'onboarding rows are locked for an audit'; END $$")
    await db.execute("CREATE TRIGGER test_refuse BEFORE DELETE ON onboarding FOR EACH ROW EXECUTE FUNCTION "
                     "test_refuse()")
    try:
        prompt = await d.slash("delete_my_data", user=g.member, guild=g.guild)
        done = await d.click(prompt, "Delete everything", user=g.member)
        summary = done.followups[0].content if done.followups else done.text
        assert summary.startswith("⚠️ **Nothing was erased.** everything: onboarding failed"), summary
        assert await db.fetchval("SELECT count(*) FROM audit_logs WHERE user_id = $1", g.member.id) >= 1
        assert await db.fetchval("SELECT created_by FROM reminders") == g.member.id
        assert await db.fetchval("SELECT count(*) FROM onboarding WHERE user_id = $1", g.member.id) == 1
    finally:
        await db.execute("DROP TRIGGER test_refuse ON onboarding")
        await db.execute("DROP FUNCTION test_refuse()")
    again = await d.slash("delete_my_data", user=g.member, guild=g.guild)  # no cooldown: nothing happened
    done = await d.click(again, "Delete everything", user=g.member)
    assert (done.followups[0].content if done.followups else done.text).startswith("🗑️ **Your data was erased.**")
    assert await db.fetchval("SELECT count(*) FROM onboarding WHERE user_id = $1", g.member.id) == 0


async def test_the_answer_names_a_channel_the_bot_could_not_delete(hearth: Hearth) -> None:
    """An open verification's private channel holds the member's payment screenshot; when the bot may not delete
    it any more (an admin took Manage Channels away there), the rows are erased and the answer says exactly which
    channel is left."""
    g, d, db = hearth.guild, hearth.discord, hearth.db
    channel = g.guild.add_text_channel("verify-7-bob", overwrites={g.guild.bot_role: {"deny": ["manage_channels"]}})
    await d.settle()
    await db.execute("INSERT INTO verification_tickets (guild_id, user_id, channel_id, status) VALUES ($1, $2, $3, "
                     "'pending')", g.guild.id, g.member.id, channel.id)
    prompt = await d.slash("delete_my_data", user=g.member, guild=g.guild)
    done = await d.click(prompt, "Delete everything", user=g.member)
    summary = done.followups[0].content if done.followups else done.text
    assert summary.startswith("⚠️ **Your data was erased, except what is listed under Not erased.**\n"
                              f"⚠️ Not erased: the private channel <#{channel.id}> on **{g.guild.name}** (I lack the "
                              "permission; ask its staff to delete it)"), summary
    assert channel.id in d.world.channels
    assert await db.fetchval("SELECT count(*) FROM verification_tickets WHERE user_id = $1", g.member.id) == 0
