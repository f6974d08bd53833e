"""The LLM hangs, rate-limits (429 with Retry-After) or fails (500): every AI feature gives up after a bounded
number of attempts and falls back with a clear message, and a charged call is refunded.

OPENAI_TIMEOUT=0.3 and OPENAI_MAX_RETRIES=1 (set in the environment, read by every bot the test builds) make a
hang cost 2 × 0.3 s instead of 3 × 30 s; error answers carry `retry-after-ms: 1`, which the client honours.
Each feature is run against the three faults; the existing feature tests cover the 500 case with the default
retries (tests/growth, tests/tickets, tests/verification, tests/reminders, tests/gpt).
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest

from tests.hearth_harness import Hearth
from tests.kit.growth import growth_cog
from tests.kit.premium import seed_premium
from tests.kit.tickets import TicketDesk, control_message, open_ticket, ticket, ticket_desk
from tests.kit.verification import review_message, row, start, upload, verification_desk
from tests.llm_standin import LLMStandIn

FAULTS = ["hang", "429", "500"]
TIMEOUT = 0.3
ATTEMPTS = 2  # the first try and OPENAI_MAX_RETRIES=1 retry
TRY_LATER = "The AI service is not answering right now, try again later."


@pytest.fixture(autouse=True)
def small_llm_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every bot built in these tests reads OPENAI_TIMEOUT / OPENAI_MAX_RETRIES from the environment."""
    monkeypatch.setenv("OPENAI_TIMEOUT", str(TIMEOUT))
    monkeypatch.setenv("OPENAI_MAX_RETRIES", str(ATTEMPTS - 1))


async def gave_up(hearth: Hearth, llm: LLMStandIn, attempts: int = ATTEMPTS) -> None:
    """Wait until the client made its attempts and stopped, then let the bot finish its fallback.

    Needed for the hang: between attempts the client sleeps its back-off, which the stand-in's idle heuristic
    cannot see (no request in flight), so an interaction could look finished before the retry."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 10
    while len(llm.completions) < attempts or llm.in_flight:
        assert loop.time() < deadline, f"{len(llm.completions)} of {attempts} LLM attempts made"
        await asyncio.sleep(0.02)
    await hearth.discord.settle()


def inject(llm: LLMStandIn, fault: str, times: int = ATTEMPTS) -> None:
    """The next `times` completion requests hang (past the timeout) or answer 429 / 500."""
    if fault == "hang":
        llm.hang(times=times)
    else:
        llm.fail(int(fault), times=times, message="Rate limit reached" if fault == "429" else "Server error")


# --- growth check-in: charged to the member, refunded ------------------------------------------------------------


@pytest.mark.parametrize("fault", FAULTS)
async def test_growth_checkin_says_try_later_and_refunds(hearth: Hearth, llm: LLMStandIn, fault: str) -> None:
    await hearth.connect_llm(llm)
    g = hearth.guild
    client = growth_cog(hearth).llm.client
    assert client is not None and (client.timeout, client.max_retries) == (TIMEOUT, ATTEMPTS - 1)
    inject(llm, fault)
    opened = await hearth.discord.slash("growthcheckin", user=g.member, guild=g.guild, channel=g.general)
    result = await hearth.discord.submit_modal(opened, {"goal": "Run 5 km", "obstacle": "Rain", "feeling": "stuck"})
    await gave_up(hearth, llm)
    assert result.ephemeral
    assert result.text == f"{TRY_LATER} This request did not count against your daily AI limit."
    assert len(llm.completions) == ATTEMPTS
    assert await hearth.db.fetchval("SELECT call_count FROM gpt_usage WHERE user_id = $1", g.member.id) == 0
    assert await hearth.db.fetchval("SELECT count(*) FROM growth_checkins") == 0
    # The service is back: the next check-in works and is charged once.
    llm.reply("Small steps: run 2 km when it rains.")
    again = await hearth.discord.submit_modal(
        await hearth.discord.slash("growthcheckin", user=g.member, guild=g.guild, channel=g.general),
        {"goal": "Run 5 km", "obstacle": "Rain", "feeling": "stuck"})
    assert "Small steps" in again.text
    assert await hearth.db.fetchval("SELECT call_count FROM gpt_usage WHERE user_id = $1", g.member.id) == 1


# --- tickets: close without a summary, no suggested reply ------------------------------------------------------------


async def _ai_desk(hearth: Hearth, llm: LLMStandIn) -> TicketDesk:
    await hearth.connect_llm(llm)
    return await ticket_desk(hearth)


@pytest.mark.parametrize("fault", FAULTS)
async def test_ticket_closes_without_a_summary(hearth: Hearth, llm: LLMStandIn, fault: str) -> None:
    desk = await _ai_desk(hearth, llm)
    found, channel = await open_ticket(desk)
    inject(llm, fault)
    asked = await hearth.discord.slash("ticket close", user=desk.staff, guild=hearth.guild.guild, channel=channel)
    closed = await hearth.discord.click(asked, "Close ticket", user=desk.staff)
    await gave_up(hearth, llm)
    report = closed.followups[-1].content
    assert report.startswith(f"🔒 Ticket #{found['id']} is closed.")
    assert ("⚠️ The AI summary is unavailable right now (the AI service did not answer); the ticket is closed "
            "all the same.") in report
    assert len(llm.completions) == ATTEMPTS
    assert (await ticket(desk, found["id"]))["status"] == "closed"
    assert await hearth.db.fetchval("SELECT count(*) FROM ticket_summaries") == 0
    assert hearth.discord.last_message(desk.logs).attachments  # the transcript was still posted


@pytest.mark.parametrize("fault", FAULTS)
async def test_suggested_reply_is_unavailable(hearth: Hearth, llm: LLMStandIn, fault: str) -> None:
    desk = await _ai_desk(hearth, llm)
    _found, channel = await open_ticket(desk)
    inject(llm, fault)
    result = await hearth.discord.click(control_message(desk, channel), "Suggest reply", user=desk.staff)
    await gave_up(hearth, llm)
    answer = result.followups[-1] if result.followups else result.message
    assert answer.ephemeral and answer.content == f"{TRY_LATER} This request did not count against your daily AI limit."
    assert len(llm.completions) == ATTEMPTS
    # Charged to the staff member, and given back because the AI did not answer.
    assert await hearth.db.fetchval("SELECT coalesce(sum(call_count), 0) FROM gpt_usage WHERE user_id = $1",
                                    desk.staff.id) == 0
    assert all(TRY_LATER not in m.content for m in hearth.discord.messages_in(channel))


# --- verification: a reviewer decides -----------------------------------------------------------------------------


@pytest.mark.parametrize("fault", FAULTS)
async def test_verification_goes_to_manual_review(hearth: Hearth, llm: LLMStandIn, fault: str) -> None:
    desk = await verification_desk(hearth, llm)
    verification, channel = await start(desk)
    inject(llm, fault)
    await upload(desk, channel)
    await gave_up(hearth, llm)
    assert len(llm.completions) == ATTEMPTS
    pending = await row(desk, verification["id"])
    assert pending["status"] == "error" and pending["resolved_at"] is None
    assert pending["ai_reason"] == "The AI check failed (the AI service did not answer), so a reviewer decides."
    assert "The AI check failed" in str(review_message(desk, desk.logs).embeds)


# --- automod: the AI rule does nothing, regex rules still act --------------------------------------------------------


@pytest.mark.parametrize("fault", FAULTS)
async def test_automod_ai_rule_takes_no_action_and_regex_rules_still_work(hearth: Hearth, llm: LLMStandIn,
                                                                          fault: str) -> None:
    g, d = hearth.guild, hearth.discord
    await seed_premium(hearth.db, g.admin.id, g.guild.id, "monthly")
    await hearth.connect_llm(llm)
    cog = hearth.bot.get_cog("Automod")
    d.busy_checks.append(lambda: f"{n} AI judgement(s)" if (n := hearth.bot.get_cog("Automod").ai.pending) else None)
    await d.slash("config automod action_add", user=g.admin, options={"type": "delete"})
    delete = await hearth.db.fetchval("SELECT id FROM automod_actions")
    for name, kind, extra in (("AI", "ai", {"config": '{"threshold": 0.5}'}), ("Zorble", "regex",
                                                                                {"pattern": "zorbl+e"})):
        added = await d.slash("config automod add", user=g.admin,
                              options={"name": name, "type": kind, "action": delete, **extra})
        assert "added" in added.text, added.text
    inject(llm, fault)
    judged = await d.say(g.general, g.member, "you are worthless")
    matched = await d.say(g.general, g.member, "buy zorblle now")
    await gave_up(hearth, llm)
    assert len(llm.completions) == ATTEMPTS and cog.ai.pending == 0
    assert not d.world.messages[judged.id].deleted  # the AI could not judge: no action
    assert d.world.messages[matched.id].deleted  # the regex rule did not need the AI
    reasons = [r["rule_type"] for r in await hearth.db.fetch("SELECT context->>'rule_type' AS rule_type "
                                                                "FROM automod_logs")]
    assert reasons == ["regex"]


# --- the embed watcher: no proposal ---------------------------------------------------------------------------------


@pytest.mark.parametrize("fault", FAULTS)
async def test_embed_watcher_makes_no_proposal(hearth: Hearth, llm: LLMStandIn, fault: str) -> None:
    await hearth.connect_llm(llm)
    g, d = hearth.guild, hearth.discord
    events = g.guild.add_text_channel("events")
    staff = g.guild.add_text_channel("staff")
    await d.settle()
    store = hearth.bot.guild_settings
    await store.set(g.guild.id, "reminders", "watch_channels", [events.id], changed_by=1)
    await store.set(g.guild.id, "reminders", "watch_prompt_channel", staff.id, changed_by=1)
    hearth.clock.set(datetime(2026, 6, 1, 12, tzinfo=UTC))
    inject(llm, fault)
    await d.say(events, g.member, "Movie night next Friday, after dinner, usual place!")
    await gave_up(hearth, llm)
    assert len(llm.completions) == ATTEMPTS  # it did ask (no date the parser knows), then gave up
    assert d.messages_in(staff) == []
    assert await hearth.db.fetchval("SELECT count(*) FROM reminders") == 0
    # The service is back: the next announcement is proposed.
    llm.reply_json({"is_event": True, "title": "Games night", "start": "2026-06-12T20:00:00", "location": None})
    await d.say(events, g.member, "Games night next Friday at eight!")
    assert len(llm.completions) == ATTEMPTS + 1
