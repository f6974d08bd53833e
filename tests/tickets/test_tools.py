"""The panel, FAQ deflection before opening, "Suggest reply", admin checks, and /ticket_stats."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from tests.kit.tickets import TicketDesk, control_message, open_ticket, ticket
from tests.llm_standin import LLMStandIn
from utils.errors import UserFacingError


async def test_admin_posts_a_panel_members_open_from_it(desk: TicketDesk) -> None:
    hearth, g = desk.hearth, desk.hearth.guild
    await hearth.bot.guild_settings.set(g.guild.id, "tickets", "categories", "Billing, Technical", changed_by=1)
    refused = await hearth.discord.slash("ticket panel", user=g.member, guild=g.guild)
    assert refused.text == "You need the **Manage Server** permission to use this command."
    result = await hearth.discord.slash("ticket panel", user=g.admin, guild=g.guild, options={"channel": g.general})
    assert result.text == f"✅ Panel posted in <#{g.general.id}>."
    panel = hearth.discord.last_message(g.general)
    assert panel.embeds[0]["title"] == "Need help?" and [b["label"] for b in panel.buttons()] == ["Open ticket"]

    await hearth.restart()  # the panel keeps working after a restart
    form = await hearth.discord.click(panel, "Open ticket", user=g.member)
    assert form.modal is not None and form.modal["title"] == "Open a ticket"
    done = await hearth.discord.submit_modal(form, {"description": "I was charged twice this month"})
    row = await hearth.db.fetchrow("SELECT * FROM support_tickets")
    assert done.followups[-1].content == f"🎫 Your ticket #{row['id']} is open: <#{row['channel_id']}>."
    assert row["category"] is None and row["description"] == "I was charged twice this month"

    picked = await hearth.discord.select(panel, ["Billing"], user=g.admin)
    await hearth.discord.submit_modal(picked, {"description": "Where can I find my invoices?"})
    row = await hearth.db.fetchrow("SELECT * FROM support_tickets WHERE user_id = $1", g.admin.id)
    assert row["category"] == "Billing"
    channel = hearth.discord.world.channels[row["channel_id"]]
    assert {"name": "Topic", "value": "Billing", "inline": True} in control_message(desk, channel).embeds[0]["fields"]


async def test_open_limits_and_unknown_topics(desk: TicketDesk) -> None:
    hearth, g = desk.hearth, desk.hearth.guild
    await hearth.bot.guild_settings.set(g.guild.id, "tickets", "max_open_per_user", 1, changed_by=1)
    await hearth.bot.guild_settings.set(g.guild.id, "tickets", "categories", "Billing", changed_by=1)
    with hearth.discord.expect_errors(UserFacingError):
        result = await hearth.discord.slash("ticket open", user=g.member, guild=g.guild,
                                            description="Something about cooking", category="Cooking")
    assert result.text == "“Cooking” is not a ticket topic here. Topics: Billing."
    await open_ticket(desk, category="Billing")
    with hearth.discord.expect_errors(UserFacingError):
        result = await hearth.discord.slash("ticket open", user=g.member, guild=g.guild,
                                            description="A second problem right away")
    assert result.text.startswith("You already have 1 open ticket(s).")
    assert await hearth.db.fetchval("SELECT count(*) FROM support_tickets") == 1


async def _faq(desk: TicketDesk) -> int:
    return await desk.hearth.db.fetchval(
        "INSERT INTO faq_entries (guild_id, title, summary, keywords) VALUES ($1, 'How do I reset my password?', "
        "'Use Forgot password on the login page.', '{password,login}') RETURNING id", desk.hearth.guild.guild.id)


async def test_faq_answers_are_offered_before_a_ticket_opens(desk: TicketDesk) -> None:
    hearth, g = desk.hearth, desk.hearth.guild
    entry = await _faq(desk)
    await hearth.db.execute("INSERT INTO faq_entries (guild_id, title, summary, keywords) VALUES "
                            "(42, 'Password help of guild B', 'elsewhere', '{password}')")
    offered = await hearth.discord.slash("ticket open", user=g.member, guild=g.guild,
                                         description="I forgot my password and can't login")
    message = offered.followups[-1]
    assert message.embeds[0]["title"] == "Maybe the FAQ already answers this?"
    assert [f["name"] for f in message.embeds[0]["fields"]] == ["How do I reset my password?"]
    assert [b["label"] for b in message.buttons()] == ["This solved it", "Open a ticket anyway"]
    assert await hearth.db.fetchval("SELECT count(*) FROM support_tickets") == 0
    solved = await hearth.discord.click(message, "This solved it", user=g.member)
    assert solved.message.content == "👍 Glad the FAQ helped! No ticket was opened."
    row = await hearth.db.fetchrow("SELECT * FROM ticket_deflections")
    assert row["outcome"] == "solved" and row["faq_entry_ids"] == [entry] and row["guild_id"] == g.guild.id
    assert await hearth.db.fetchval("SELECT count(*) FROM support_tickets") == 0

    again = await hearth.discord.slash("ticket open", user=g.member, guild=g.guild,
                                       description="My password reset mail never arrives")
    opened = await hearth.discord.click(again.followups[-1], "Open a ticket anyway", user=g.member)
    tid = await hearth.db.fetchval("SELECT id FROM support_tickets")
    assert opened.message.content.startswith(f"🎫 Your ticket #{tid} is open: <#")
    row = await hearth.db.fetchrow("SELECT * FROM ticket_deflections ORDER BY id DESC LIMIT 1")
    assert row["outcome"] == "opened" and row["ticket_id"] == tid
    assert (await ticket(desk, tid))["description"] == "My password reset mail never arrives"
    assert hearth.discord.world.messages[again.followups[-1].id].buttons() == []  # answered: no second ticket
    assert await hearth.db.fetchval("SELECT count(*) FROM support_tickets") == 1


async def test_suggest_reply_is_private_and_charged_to_the_staff_member(ai_desk: TicketDesk, llm: LLMStandIn) -> None:
    hearth, g = ai_desk.hearth, ai_desk.hearth.guild
    _row, channel = await open_ticket(ai_desk)
    await hearth.discord.say(channel, g.member, "It happens every time I join the Music channel")
    llm.reply("Thanks! Could you tell us which device you use?")
    refused = await hearth.discord.click(control_message(ai_desk, channel), "Suggest reply", user=g.member)
    assert refused.text.startswith("Only staff can do that")
    assert llm.completions == []
    result = await hearth.discord.click(control_message(ai_desk, channel), "Suggest reply", user=ai_desk.staff)
    draft = result.followups[-1]
    assert draft.ephemeral and draft.ephemeral_for == ai_desk.staff.id
    assert draft.content.endswith("Thanks! Could you tell us which device you use?")
    prompt = llm.completions[-1].prompt_text
    assert "It happens every time I join the Music channel" in prompt
    assert "My game keeps crashing when I join voice" in prompt
    rows = await hearth.db.fetch("SELECT user_id, guild_id, call_count FROM gpt_usage")
    assert [tuple(r) for r in rows] == [(ai_desk.staff.id, g.guild.id, 1)]  # the staff member's quota, nobody else's
    assert all("device you use" not in m.content for m in hearth.discord.messages_in(channel))


async def test_suggest_reply_cooldown_and_quota_refuse_before_any_llm_request(
        ai_desk: TicketDesk, llm: LLMStandIn) -> None:
    hearth = ai_desk.hearth
    _row, channel = await open_ticket(ai_desk)
    await hearth.discord.click(control_message(ai_desk, channel), "Suggest reply", user=ai_desk.staff)
    assert len(llm.completions) == 1
    hearth.clock.advance(seconds=10)
    again = await hearth.discord.click(control_message(ai_desk, channel), "Suggest reply", user=ai_desk.staff)
    assert again.ephemeral and again.text == "You're doing suggested replies too often. Try again in 20 s."
    assert len(llm.completions) == 1
    # The staff member's daily quota (free: 5) is used up: refused with the reset time, no request.
    hearth.clock.advance(seconds=20)
    await hearth.db.execute("UPDATE gpt_usage SET call_count = 5 WHERE user_id = $1", ai_desk.staff.id)
    over = await hearth.discord.click(control_message(ai_desk, channel), "Suggest reply", user=ai_desk.staff)
    assert over.ephemeral and over.text.startswith("You've used all 5 of your AI requests for today on this server.")
    assert len(llm.completions) == 1
    # A failed suggestion gives the cooldown use back (and the quota unit).
    await hearth.db.execute("UPDATE gpt_usage SET call_count = 0 WHERE user_id = $1", ai_desk.staff.id)
    llm.fail(500, times=3)
    failed = await hearth.discord.click(control_message(ai_desk, channel), "Suggest reply", user=ai_desk.staff)
    assert "The AI service is not answering right now" in failed.followups[-1].content
    llm.reply("Could you restart the app?")
    retried = await hearth.discord.click(control_message(ai_desk, channel), "Suggest reply", user=ai_desk.staff)
    assert retried.followups[-1].content.endswith("Could you restart the app?")
    assert await hearth.db.fetchval("SELECT call_count FROM gpt_usage WHERE user_id = $1", ai_desk.staff.id) == 1


async def test_suggest_reply_without_ai_says_so(desk: TicketDesk) -> None:
    hearth = desk.hearth
    _, channel = await open_ticket(desk)
    result = await hearth.discord.click(control_message(desk, channel), "Suggest reply", user=desk.staff)
    assert result.ephemeral and result.text.startswith("AI is not configured on this server")


async def test_ticket_stats_counts_times_and_exports(desk: TicketDesk) -> None:
    hearth, g = desk.hearth, desk.hearth.guild
    await hearth.bot.guild_settings.set(g.guild.id, "tickets", "archive_delay", 0, changed_by=1)
    start = hearth.clock.now()
    first, channel1 = await open_ticket(desk, g.member, "First problem with the bot")
    second, channel2 = await open_ticket(desk, g.admin, "Second problem with the bot")
    await open_ticket(desk, g.moderator, "Third problem with the bot")
    await hearth.move_clock(start + timedelta(minutes=30))
    await hearth.discord.say(channel1, desk.staff, "Looking into it")
    await hearth.move_clock(start + timedelta(hours=2))
    asked = await hearth.discord.slash("ticket close", user=desk.staff, guild=g.guild, channel=channel1)
    await hearth.discord.click(asked, "Close ticket", user=desk.staff)
    await hearth.discord.slash("ticket wait", user=desk.staff, guild=g.guild, channel=channel2)
    await hearth.move_clock(start + timedelta(hours=74))  # the second is auto-closed (72h after waiting began)
    await hearth.db.execute("INSERT INTO ticket_deflections (guild_id, user_id, description, outcome, created_at) "
                            "VALUES ($1, 1, 'x', 'solved', $2), (42, 1, 'y', 'solved', $2)", g.guild.id, start)
    await hearth.db.execute("INSERT INTO support_tickets (guild_id, user_id, description, status) "
                            "VALUES (42, 1, 'guild B', 'closed')")

    with hearth.discord.expect_errors(UserFacingError):
        refused = await hearth.discord.slash("ticket_stats", user=g.member, guild=g.guild)
    assert refused.text.startswith("Only staff can do that")
    result = await hearth.discord.slash("ticket_stats", user=desk.staff, guild=g.guild, period="7d", csv=True)
    embed = result.embeds[0]
    fields = {f["name"]: f["value"] for f in embed["fields"]}
    assert embed["description"] == "3 ticket(s) opened in this period."
    assert "open: 1" in fields["By status"] and "closed: 2" in fields["By status"]
    assert "Average cycle time: 1d 14h" in fields["Times"]  # (2h + 74h) / 2 = 38h
    assert "Average first response: 30m" in fields["Times"]
    assert "Median resolution time: 1d 14h" in fields["Times"]
    assert fields["Closing"] == "By hand: 1\nAuto-closed: 1"
    assert fields["Closed per staff member"] == f"<@{desk.staff.id}>: 1"
    assert fields["FAQ deflections"].startswith("Solved by the FAQ: 1\n")

    snapshot = await hearth.db.fetchrow("SELECT * FROM ticket_metrics")
    assert snapshot["guild_id"] == g.guild.id and snapshot["scope"] == "7d"
    assert snapshot["triggered_by"] == desk.staff.id and snapshot["average_cycle_time"] == 38 * 3600
    assert snapshot["counts"]["closed"] == 2 and snapshot["snapshot"]["auto_closed"] == 1

    [export] = result.message.attachments
    assert export.filename == "ticket_stats_7d.csv"
    rows = list(csv.DictReader(io.StringIO(export.data.decode())))
    assert [int(r["ticket_id"]) for r in rows] == [first["id"], second["id"], first["id"] + 2]
    assert rows[0]["first_response_seconds"] == "1800" and rows[0]["cycle_seconds"] == "7200"
    assert rows[1]["auto_closed"] == "yes"

    await hearth.discord.slash("ticket_stats", user=desk.staff, guild=g.guild, period="all")
    assert await hearth.db.fetchval("SELECT count(*) FROM ticket_metrics") == 2
