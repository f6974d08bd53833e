"""/export_my_data, /delete_my_data and the data agreement, through the Discord stand-in."""

from __future__ import annotations

import json

from tests.hearth_harness import Hearth


async def _seed(hearth: Hearth, user_id: int, guild_id: int) -> None:
    await hearth.db.execute("INSERT INTO audit_logs (guild_id, user_id, command_name, command_type, success) "
                            "VALUES ($1, $2, 'ping', 'slash', true)", guild_id, user_id)
    await hearth.db.execute("INSERT INTO reminders (guild_id, name, channel_id, created_by) VALUES ($1, 'r', 1, $2)",
                            guild_id, user_id)
    await hearth.db.execute("INSERT INTO premium_subs (user_id, guild_id, tier, status) VALUES ($1, $2, 'yearly', "
                            "'active')", user_id, guild_id)


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
    await hearth.bot.guild_settings.set(g.guild.id, "gdpr", "role", agreed.id, changed_by=1)
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
