"""/ask end to end through the Discord stand-in and the LLM stand-in: the answer is made from this guild's FAQ
entries and tags only and cites them, "I don't know" costs no AI request, the quota and the cooldown are charged
(and given back on an outage), nobody is pinged, and only staff turn an answer into an FAQ entry."""

from __future__ import annotations

from datetime import timedelta

from tests.faq.test_faq import _add_entries
from tests.hearth_harness import Hearth
from tests.llm_standin import LLMRequest, LLMStandIn
from utils.errors import UserFacingError

QUESTION = "How can I get a refund of my money?"


async def _knowledge(hearth: Hearth, llm: LLMStandIn) -> dict[str, int]:
    """FAQ entries and a tag in the default guild, an entry of another guild, and AI against the stand-in."""
    await hearth.connect_llm(llm)
    ids = await _add_entries(hearth)
    g = hearth.guild
    created = await hearth.discord.slash("tag create", user=g.admin, guild=g.guild, name="refund-form",
                                         content="Refund money with the form at https://example.com/refund")
    assert created.text.startswith("✅"), created.text
    await hearth.db.execute("INSERT INTO faq_entries (guild_id, title, summary, keywords) VALUES "
                            "(42, 'Refund of money in guild B', 'Secret of guild B', '{refund}')")
    return {"password": ids[0], "refund": ids[1], "voice": ids[2]}


def _number_of(request: LLMRequest, name: str) -> int:
    """The number the prompt gave the source called `name`."""
    for line in request.prompt_text.splitlines():
        if line.startswith("[") and name in line:
            return int(line[1:line.index("]")])
    raise AssertionError(f"{name} is not among the sources:\n{request.prompt_text}")


async def _ask(hearth: Hearth, question: str = QUESTION, user=None, **options):
    g = hearth.guild
    return await hearth.discord.slash("ask", user=user or g.member, guild=g.guild, channel=g.general,
                                      question=question, **options)


async def _usage(hearth: Hearth) -> int:
    return await hearth.db.fetchval("SELECT coalesce(sum(call_count), 0) FROM gpt_usage WHERE user_id = $1",
                                    hearth.guild.member.id)


async def test_ask_answers_from_the_guilds_sources_and_cites_them(hearth: Hearth, llm: LLMStandIn) -> None:
    ids = await _knowledge(hearth, llm)
    llm.respond_with(lambda r: f"Refunds within 14 days [{_number_of(r, 'Refund policy')}], with the form "
                               f"[{_number_of(r, 'refund-form')}].")
    result = await _ask(hearth)
    (request,) = llm.completions
    assert "Refund policy" in request.prompt_text and "https://example.com/refund" in request.prompt_text
    assert "Secret of guild B" not in request.prompt_text  # another guild's entry is never a source
    assert QUESTION in request.messages[-1]["content"]
    posted = result.last
    assert not posted.ephemeral and posted.channel_id == hearth.guild.general.id
    embed = posted.embeds[0]
    assert embed["title"] == QUESTION and embed["description"].startswith("Refunds within 14 days [")
    sources = next(f for f in embed["fields"] if f["name"] == "Sources")["value"].splitlines()
    assert sources == [f"• FAQ #{ids['refund']} “Refund policy”", "• Tag `refund-form`"]
    assert posted.allowed_mentions == {"parse": []} and not posted.pings
    assert [b["label"] for b in posted.buttons()] == ["Add to FAQ"]
    assert await _usage(hearth) == 1  # one request charged to the member's daily AI quota


async def test_nothing_relevant_says_i_dont_know_without_asking_the_ai(hearth: Hearth, llm: LLMStandIn) -> None:
    await _knowledge(hearth, llm)
    result = await _ask(hearth, "quantum chromodynamics on a lattice")
    assert result.ephemeral
    assert result.text.startswith("🤷 I don't know: nothing in this server's FAQ, tags or past tickets")
    assert llm.completions == [] and await _usage(hearth) == 0
    again = await _ask(hearth, "zygomorphic xylophones")  # no cooldown was used either
    assert again.text.startswith("🤷 I don't know") and llm.completions == []


async def test_the_ai_saying_the_sources_do_not_answer_is_i_dont_know(hearth: Hearth, llm: LLMStandIn) -> None:
    await _knowledge(hearth, llm)
    llm.reply("I_DONT_KNOW")
    result = await _ask(hearth)
    assert "I don't know" in result.text and "I read FAQ #" in result.text
    assert not result.last.embeds and not result.last.buttons()
    assert await _usage(hearth) == 1  # the AI did the work


async def test_cooldown_and_outage(hearth: Hearth, llm: LLMStandIn) -> None:
    await _knowledge(hearth, llm)
    llm.fail(500, times=3)  # the first try and both retries
    with hearth.discord.expect_errors(UserFacingError):
        failed = await _ask(hearth)
    assert failed.last.ephemeral
    assert failed.text.startswith("The AI service is not answering right now, try again later.")
    assert "did not count against your daily AI limit" in failed.text
    assert [m for m in hearth.discord.messages_in(hearth.guild.general) if m.embeds] == []
    assert await _usage(hearth) == 0
    llm.reply("Within 14 days [1].")
    answered = await _ask(hearth)  # the outage gave the cooldown's use back
    assert answered.last.embeds and await _usage(hearth) == 1
    with hearth.discord.expect_errors(UserFacingError):
        refused = await _ask(hearth)
    assert refused.ephemeral and refused.text.startswith("You're doing /ask questions too often.")
    assert len(llm.completions) == 4  # 3 failed attempts + 1 answer; the refused question asked nothing
    await hearth.move_clock(hearth.clock.now() + timedelta(seconds=31))
    llm.reply("Within 14 days [1].")
    assert (await _ask(hearth)).last.embeds and await _usage(hearth) == 2


async def test_mentions_in_the_question_and_the_answer_ping_nobody(hearth: Hearth, llm: LLMStandIn) -> None:
    await _knowledge(hearth, llm)
    g = hearth.guild
    llm.reply(f"@everyone <@{g.admin.id}> <@&{g.moderator_role.id}> refunds within 14 days [1].")
    result = await _ask(hearth, f"@everyone <@&{g.moderator_role.id}> refund money?")
    posted = result.last
    assert "@everyone" in posted.embeds[0]["description"]
    assert posted.allowed_mentions == {"parse": []} and not posted.pings


async def test_only_staff_add_an_answer_to_the_faq_also_after_a_restart(hearth: Hearth, llm: LLMStandIn) -> None:
    await _knowledge(hearth, llm)
    g = hearth.guild
    llm.reply("Refunds are possible within 14 days [1]; open a ticket [2].")
    posted = (await _ask(hearth)).last
    refused = await hearth.discord.click(posted, "Add to FAQ", user=g.member)
    assert refused.ephemeral and refused.text.startswith("Only staff")
    assert await hearth.db.fetchval("SELECT count(*) FROM faq_entries WHERE title = $1", QUESTION) == 0
    await hearth.restart()  # the button carries nothing but its id: the answer is read from the message
    added = await hearth.discord.click(posted, "Add to FAQ", user=g.admin)
    row = await hearth.db.fetchrow("SELECT id, guild_id, summary, created_by FROM faq_entries WHERE title = $1",
                                   QUESTION)
    assert row["guild_id"] == g.guild.id and row["created_by"] == g.admin.id
    assert row["summary"] == "Refunds are possible within 14 days; open a ticket."
    assert added.text.startswith(f"✅ Added FAQ #{row['id']}")
    button = hearth.discord.world.messages[posted.id].buttons()[0]
    assert button["label"] == f"Added as FAQ #{row['id']}" and button["disabled"]


async def test_a_member_over_the_daily_ai_limit_is_refused_before_the_ai(hearth: Hearth, llm: LLMStandIn) -> None:
    await _knowledge(hearth, llm)
    g = hearth.guild
    await hearth.db.execute("INSERT INTO gpt_usage (user_id, guild_id, usage_date, call_count) VALUES ($1, $2, $3, 5)",
                            g.member.id, g.guild.id, hearth.clock.now().date())
    with hearth.discord.expect_errors(UserFacingError):
        refused = await _ask(hearth)
    assert refused.ephemeral and refused.text.startswith("You've used all 5 of your AI requests for today")
    assert llm.completions == [] and await _usage(hearth) == 5
    assert [m for m in hearth.discord.messages_in(g.general) if m.embeds] == []


async def _ticket_with_summary(hearth: Hearth, summary: str, *, status: str = "closed", note: str | None = None,
                               guild_id: int | None = None) -> int:
    """A ticket of the default guild (or `guild_id`) with its AI summary, through the tickets' own repo."""
    from cogs.tickets import repo as tickets

    guild = guild_id or hearth.guild.guild.id
    now = hearth.clock.now()
    made = await tickets.create(hearth.db, guild, hearth.guild.member.id, "bob", "my refund never came", "Billing",
                                now)
    if status != "open":
        await tickets.move(hearth.db, guild, made.id, None, {"status": status, "closed_at": now}, now)
    await tickets.add_summary(hearth.db, guild, made.id, summary, "refund-delay", now)
    if note:
        await tickets.add_note(hearth.db, guild, made.id, 1, note, now)
    return made.id


async def test_ask_cites_a_closed_tickets_summary(hearth: Hearth, llm: LLMStandIn) -> None:
    await hearth.connect_llm(llm)
    closed = await _ticket_with_summary(hearth, "The member's refund was late; staff resent the refund by "
                                        "bank transfer, which arrives within 5 days.", note="STAFF-ONLY remark")
    await _ticket_with_summary(hearth, "Refund question still open, no answer yet.", status="open")
    await _ticket_with_summary(hearth, "Refund of guild B was secret.", guild_id=42)
    llm.respond_with(lambda r: f"Refunds are resent by bank transfer within 5 days [{_number_of(r, f'#{closed}')}].")
    result = await _ask(hearth, "When does my refund arrive?")
    (request,) = llm.completions
    assert "bank transfer" in request.prompt_text
    assert "STAFF-ONLY" not in request.prompt_text  # staff notes are never a source
    assert "still open" not in request.prompt_text and "guild B" not in request.prompt_text
    embed = result.last.embeds[0]
    sources = next(f for f in embed["fields"] if f["name"] == "Sources")["value"].splitlines()
    assert sources == [f"• Ticket #{closed} (`/ticket transcript ticket:{closed}`)"]
    assert not result.last.pings


async def test_ticket_summaries_stay_out_when_the_guild_says_so(hearth: Hearth, llm: LLMStandIn) -> None:
    await hearth.connect_llm(llm)
    await _ticket_with_summary(hearth, "The member's refund was late; staff resent it by bank transfer.")
    await hearth.bot.guild_settings.set(hearth.guild.guild.id, "tickets", "summaries_in_ask", False, changed_by=1)
    result = await _ask(hearth, "When does my refund arrive?")
    assert result.text.startswith("🤷 I don't know") and llm.completions == []
