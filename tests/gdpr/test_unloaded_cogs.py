"""A data request must cover every table holding user data, whatever cogs the operator loads: a member's
history made while every cog ran is exported and erased by a bot that runs only a few of them."""

from __future__ import annotations

import json

from tests.hearth_harness import Hearth

# (table, user column) of the cogs the lighter bot leaves out, each holding a row of the member below.
LEFT_OUT = [("audit_logs", "user_id"), ("engagement_daily_counts", "user_id"),
            ("engagement_weekly_messages", "user_id"), ("growth_checkins", "user_id"), ("onboarding", "user_id"),
            ("faq_search_logs", "user_id"), ("automod_logs", "user_id"), ("support_tickets", "user_id"),
            ("gpt_usage", "user_id")]


async def _history(hearth: Hearth) -> None:
    """What the member left behind while every cog was loaded."""
    g, d, db = hearth.guild, hearth.discord, hearth.db
    await d.say(g.general, g.member, "hello everyone")  # engagement counts (written at the latest on shutdown)
    await d.slash("export_my_data", user=g.member, guild=g.guild)  # an audit row
    await db.execute("INSERT INTO growth_checkins (guild_id, user_id, goal, style, reply) VALUES ($1, $2, 'run', "
                     "'gentle', 'go')", g.guild.id, g.member.id)
    await db.execute("INSERT INTO onboarding (guild_id, user_id, responses) VALUES ($1, $2, '{}')",
                     g.guild.id, g.member.id)
    await db.execute("INSERT INTO faq_search_logs (guild_id, user_id, query, results_count) VALUES ($1, $2, "
                     "'refund', 0)", g.guild.id, g.member.id)
    await db.execute("INSERT INTO automod_logs (guild_id, user_id, message_content, action_taken) VALUES ($1, $2, "
                     "'spam', 'warn')", g.guild.id, g.member.id)
    await db.execute("INSERT INTO support_tickets (guild_id, user_id, username, description, status) VALUES "
                     "($1, $2, 'bob', 'my card was charged twice', 'closed')", g.guild.id, g.member.id)
    await db.execute("INSERT INTO gpt_usage (user_id, guild_id, usage_date, call_count) VALUES ($1, $2, $3, 2)",
                     g.member.id, g.guild.id, hearth.clock.now().date())
    await db.execute("INSERT INTO reminders (guild_id, name, channel_id, created_by) VALUES ($1, 'standup', $2, $3)",
                     g.guild.id, g.general.id, g.member.id)


async def _count(hearth: Hearth, table: str, column: str) -> int:
    return await hearth.db.fetchval("SELECT count(*) FROM " + table + " WHERE " + column + " = $1",
                                    hearth.guild.member.id)


async def test_delete_my_data_erases_the_tables_of_cogs_that_are_not_loaded(hearth: Hearth) -> None:
    g, d = hearth.guild, hearth.discord
    await _history(hearth)
    await hearth.restart(cogs=["config", "gdpr"])  # the operator now runs a lighter bot
    assert {name.lower() for name in hearth.bot.cogs} == {"config", "gdpr"}
    assert all([await _count(hearth, table, column) for table, column in LEFT_OUT])

    prompt = await d.slash("delete_my_data", user=g.member, guild=g.guild)
    done = await d.click(prompt, "Delete everything", user=g.member)
    summary = done.followups[0].content if done.followups else done.text
    assert summary.startswith("🗑️ **Your data was erased.**"), summary
    assert "Not erased" not in summary
    left = {table: await _count(hearth, table, column) for table, column in LEFT_OUT}
    assert left == dict.fromkeys(left, 0)
    assert await _count(hearth, "reminders", "created_by") == 0  # anonymised: the reminder itself stays
    assert await hearth.db.fetchval("SELECT count(*) FROM reminders") == 1
    assert "from engagement_daily_counts" in summary and "from audit_logs" in summary


async def test_export_my_data_holds_the_tables_of_cogs_that_are_not_loaded(hearth: Hearth) -> None:
    g, d = hearth.guild, hearth.discord
    await _history(hearth)
    await hearth.restart(cogs=["config", "gdpr"])
    result = await d.slash("export_my_data", user=g.member, guild=g.guild)
    message = result.followups[0] if result.followups else result.message
    document = json.loads(message.attachments[0].data)
    assert document["incomplete_parts"] == []
    exported = {table for tables in document["data"].values() for table, rows in tables.items() if rows}
    assert {table for table, _ in LEFT_OUT} | {"reminders"} <= exported
    assert document["data"]["tickets"]["support_tickets"][0]["description"] == "my card was charged twice"
