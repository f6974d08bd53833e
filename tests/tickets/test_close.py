"""Closing: the transcript (HTML and text) to the log channel and the member's DMs, closed DMs reported, the
AI summary (and closing without one when the LLM is down or not configured), FAQ proposals after 3 similar
summaries."""

from __future__ import annotations

import json

from tests.kit.tickets import TicketDesk, open_ticket, ticket
from tests.llm_standin import LLMRequest, LLMStandIn


async def _close(desk: TicketDesk, channel, user=None, reason: str | None = None):
    hearth = desk.hearth
    options = {"reason": reason} if reason else {}
    asked = await hearth.discord.slash("ticket close", user=user or desk.staff, guild=hearth.guild.guild,
                                       channel=channel, **options)
    done = await hearth.discord.click(asked, "Close ticket", user=user or desk.staff)
    return done.followups[-1].content


async def test_transcript_has_the_whole_conversation(desk: TicketDesk) -> None:
    hearth, g = desk.hearth, desk.hearth.guild
    row, channel = await open_ticket(desk)
    await hearth.discord.say(channel, g.member, "It crashes with <script>alert('x')</script> & more",
                             attachments=[("crash.log", b"segfault at 0x0", "text/plain")])
    answer = await hearth.discord.say(channel, desk.staff, "Try turning it off and on agian")
    await hearth.discord.edit_message(answer, "Try turning it off and on again")
    await hearth.discord.say(channel, g.member, "Here is my setup", embeds=[{
        "title": "Setup", "description": "Windows 11", "fields": [{"name": "GPU", "value": "RTX <b>4070</b>"}]}])
    report = await _close(desk, channel, reason="Fixed by a restart")
    assert "📄 Transcript posted to the log channel." in report
    assert "📨 Transcript sent to the member by DM." in report
    assert "ℹ️ No AI summary: AI is not configured." in report

    log = hearth.discord.last_message(desk.logs)
    assert log.embeds[0]["title"] == f"Ticket #{row['id']} closed"
    assert {"name": "Reason", "value": "Fixed by a restart", "inline": False} in log.embeds[0]["fields"]
    files = {a.filename: a.data.decode() for a in log.attachments}
    assert set(files) == {f"ticket-{row['id']}.html", f"ticket-{row['id']}.txt"}
    page, text = files[f"ticket-{row['id']}.html"], files[f"ticket-{row['id']}.txt"]

    # HTML: a page a browser opens, everything escaped (no live script tag), authors, edits, attachments, embeds.
    assert page.startswith("<!DOCTYPE html>") and "</html>" in page
    assert "<script>" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; more" in page
    assert "RTX &lt;b&gt;4070&lt;/b&gt;" in page and ">Setup<" in page and "Windows 11" in page
    assert "Try turning it off and on again" in page and "(edited)" in page
    assert 'href="http' in page and "crash.log" in page
    assert f'title="bob ({g.member.id})">bob</span>' in page and "sam" in page
    assert f"Ticket #{row['id']}" in page and "Fixed by a restart" in page

    # Plain text: the same, in order.
    assert text.index("It crashes with <script>") < text.index("Try turning it off and on again") \
        < text.index("Here is my setup")
    assert "[attachment] crash.log: http" in text
    assert "[embed] Setup — Windows 11" in text and "GPU: RTX <b>4070</b>" in text
    assert f"sam ({desk.staff.id}) (edited " in text
    assert "Closed at " in text and "Fixed by a restart" in text

    [dm] = hearth.discord.dms_to(g.member)
    assert dm.content.startswith(f"Your ticket #{row['id']} on **{g.guild.name}** was closed.")
    assert {a.filename for a in dm.attachments} == set(files)
    assert {a.filename: a.data.decode() for a in dm.attachments} == files


async def test_closed_dms_are_reported_not_an_error(desk: TicketDesk) -> None:
    hearth, g = desk.hearth, desk.hearth.guild
    g.member.user.dms_open = False
    row, channel = await open_ticket(desk)
    report = await _close(desk, channel)
    assert f"ℹ️ Couldn't DM the transcript to <@{g.member.id}>: their DMs are closed." in report
    assert (await ticket(desk, row["id"]))["status"] == "closed"
    assert hearth.discord.last_message(desk.logs).attachments  # the log still has it


async def test_llm_down_closing_still_works_and_says_so(ai_desk: TicketDesk, llm: LLMStandIn) -> None:
    hearth = ai_desk.hearth
    row, channel = await open_ticket(ai_desk)
    llm.fail(500, times=3)
    report = await _close(ai_desk, channel)
    assert report.startswith(f"🔒 Ticket #{row['id']} is closed.")
    assert ("⚠️ The AI summary is unavailable right now (the AI service did not answer); the ticket is closed "
            "all the same.") in report
    assert (await ticket(ai_desk, row["id"]))["status"] == "closed"
    assert await hearth.db.fetchval("SELECT count(*) FROM ticket_summaries") == 0
    assert hearth.discord.last_message(ai_desk.logs).attachments


def _responder(keys: list[str]):
    """Summaries with the next similarity key; the FAQ draft when asked for one."""
    pending = list(keys)

    def answer(request: LLMRequest) -> str:
        if "draft one FAQ entry" in request.prompt_text:
            return json.dumps({"title": "How do I reset my password?",
                               "answer": "Use Forgot password on the login page, then check your spam folder.",
                               "keywords": ["password", "reset", "login"]})
        return json.dumps({"summary": "The member could not log in; a password reset fixed it.",
                           "similarity_key": pending.pop(0)})

    return answer


async def test_three_similar_summaries_make_an_faq_proposal(ai_desk: TicketDesk, llm: LLMStandIn) -> None:
    hearth, g = ai_desk.hearth, ai_desk.hearth.guild
    llm.respond_with(_responder(["password-reset", "Password Reset", "password-resets", "billing-question"]))
    people = [g.member, g.admin, g.moderator]
    for i, person in enumerate(people):
        _, channel = await open_ticket(ai_desk, person, f"I can't log in to my account ({i})")
        report = await _close(ai_desk, channel)
        assert "🧠 AI summary stored." in report
        proposed = "💡 Similar tickets keep coming: an FAQ proposal was posted to the log channel." in report
        assert proposed == (i == 2)
    rows = await hearth.db.fetch("SELECT guild_id, similarity_key, summary, proposal_id FROM ticket_summaries "
                                 "ORDER BY id")
    assert [r["similarity_key"] for r in rows] == ["password-reset"] * 2 + ["password-resets"]
    assert {r["guild_id"] for r in rows} == {g.guild.id}
    proposal = await hearth.db.fetchrow("SELECT * FROM faq_proposals")
    assert proposal["status"] == "pending" and {r["proposal_id"] for r in rows} == {proposal["id"]}
    assert proposal["title"] == "How do I reset my password?"
    # The summaries and the FAQ draft were charged to the guild's background budget, to nobody's quota.
    assert await hearth.db.fetchval("SELECT count(*) FROM gpt_usage") == 0
    assert await hearth.db.fetchval("SELECT call_count FROM gpt_guild_usage WHERE guild_id = $1", g.guild.id) == 4

    posted = hearth.discord.last_message(ai_desk.logs)
    assert posted.embeds[0]["title"] == "💡 FAQ proposal"
    assert [b["label"] for b in posted.buttons()] == ["Add to FAQ", "Dismiss"]
    added = await hearth.discord.click(posted, "Add to FAQ", user=ai_desk.staff)
    entry = await hearth.db.fetchrow("SELECT * FROM faq_entries")
    assert entry["guild_id"] == g.guild.id and entry["title"] == "How do I reset my password?"
    assert entry["keywords"] == ["password", "reset", "login"] and entry["created_by"] == ai_desk.staff.id
    assert added.message.content == f"✅ <@{ai_desk.staff.id}> added this to the FAQ as #{entry['id']}."
    assert added.message.components == []
    assert (await hearth.db.fetchrow("SELECT status, faq_entry_id FROM faq_proposals"))["faq_entry_id"] == entry["id"]

    # A fourth, different topic does not make another proposal; the covered ones are not counted again.
    _, channel = await open_ticket(ai_desk, g.member, "Question about my invoice")
    report = await _close(ai_desk, channel)
    assert "FAQ proposal" not in report
    assert await hearth.db.fetchval("SELECT count(*) FROM faq_proposals") == 1


async def test_only_staff_decide_on_proposals_and_dismiss_works(ai_desk: TicketDesk, llm: LLMStandIn) -> None:
    hearth, g = ai_desk.hearth, ai_desk.hearth.guild
    llm.respond_with(_responder(["refund-request"] * 3))
    for person in (g.member, g.admin, g.moderator):
        _, channel = await open_ticket(ai_desk, person, "I want my money back please")
        await _close(ai_desk, channel)
    posted = hearth.discord.last_message(ai_desk.logs)
    ai_desk.hearth.guild.guild.set_overwrite(hearth.discord.world.channels[ai_desk.logs.id], g.member,
                                             allow=["view_channel"])
    refused = await hearth.discord.click(posted, "Dismiss", user=g.member)
    assert refused.ephemeral and refused.text == "Only staff can decide on FAQ proposals."
    dismissed = await hearth.discord.click(posted, "Dismiss", user=ai_desk.staff)
    assert dismissed.message.content == f"🙈 Dismissed by <@{ai_desk.staff.id}>."
    assert await hearth.db.fetchval("SELECT status FROM faq_proposals") == "dismissed"
    assert await hearth.db.fetchval("SELECT count(*) FROM faq_entries") == 0


async def test_a_member_closing_their_own_tickets_in_a_loop_gets_three_summaries_an_hour(
        ai_desk: TicketDesk, llm: LLMStandIn) -> None:
    hearth, g = ai_desk.hearth, ai_desk.hearth.guild
    llm.respond_with(_responder(["apples", "boats", "clouds", "admin-question"]))  # different topics: no FAQ draft
    reports = []
    for n in range(5):
        _, channel = await open_ticket(ai_desk, g.member, f"Please summarise this for me, number {n}")
        reports.append(await _close(ai_desk, channel, user=g.member))
    assert len(llm.completions) == 3
    assert ["🧠 AI summary stored." in report for report in reports] == [True] * 3 + [False] * 2
    assert ("ℹ️ No AI summary: 3 tickets of this member were already summarised in the last hour (the next summary "
            "is possible in 60 min).") in reports[-1]
    assert await hearth.db.fetchval("SELECT count(*) FROM ticket_summaries") == 3
    # Other members' tickets are summarised as usual.
    _, channel = await open_ticket(ai_desk, g.admin, "A real problem with my account")
    assert "🧠 AI summary stored." in await _close(ai_desk, channel)
    assert len(llm.completions) == 4


async def test_a_used_up_guild_budget_means_no_summary_and_says_so(ai_desk: TicketDesk, llm: LLMStandIn) -> None:
    hearth, g = ai_desk.hearth, ai_desk.hearth.guild
    await hearth.connect_llm(llm, ai_guild_daily_budget=1)
    llm.respond_with(lambda _request: json.dumps({"summary": "Login trouble.", "similarity_key": "login"}))
    _, first = await open_ticket(ai_desk, g.member, "I cannot log in at all")
    assert "🧠 AI summary stored." in await _close(ai_desk, first)
    _, second = await open_ticket(ai_desk, g.admin, "My invoice is wrong")
    report = await _close(ai_desk, second)
    assert report.startswith("🔒 Ticket #")
    assert "ℹ️ No AI summary: This server used all 1 of today's AI requests for background features" in report
    assert len(llm.completions) == 1
    assert await hearth.db.fetchval("SELECT count(*) FROM ticket_summaries") == 1
