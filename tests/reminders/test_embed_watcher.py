"""The embed watcher: announcements in watched channels become proposals that staff accept or ignore."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from cogs.reminders.watcher import CHANNEL_RATE, GUILD_RATE
from tests.hearth_harness import Hearth
from tests.llm_standin import LLMStandIn

EVENT = datetime(2026, 6, 12, 18, 0, tzinfo=UTC)  # 20:00 in Brussels


@pytest.fixture
async def watched(hearth: Hearth):
    g, d = hearth.guild, hearth.discord
    events = g.guild.add_text_channel("events")
    staff = g.guild.add_text_channel("staff")
    event_bot = g.guild.add_member("EventBot", bot=True)
    await d.settle()
    store = hearth.bot.guild_settings
    await store.set(g.guild.id, "system", "timezone", "Europe/Brussels", changed_by=1)
    await store.set(g.guild.id, "reminders", "watch_channels", [events.id], changed_by=1)
    await store.set(g.guild.id, "reminders", "watch_prompt_channel", staff.id, changed_by=1)
    await store.set(g.guild.id, "reminders", "manager_role", g.moderator_role.id, changed_by=1)
    hearth.clock.set(datetime(2026, 6, 1, 12, tzinfo=UTC))
    return hearth, events, staff, event_bot


def _proposals(hearth: Hearth, staff):
    return [m for m in hearth.discord.messages_in(staff) if m.embeds and m.embeds[0]["title"].startswith("📅")]


async def _proposal(hearth: Hearth, staff):
    """The newest proposal, waiting for it event-driven (posting it is the last step of the bot's handler)."""
    return await hearth.discord.wait_for_message(
        staff, lambda m: bool(m.embeds) and m.embeds[0]["title"].startswith("📅"))


async def test_discord_timestamp_embed_from_another_bot(watched) -> None:
    hearth, events, staff, event_bot = watched
    g = hearth.guild
    embed = {"title": "Community Game Night", "description": f"Starts <t:{int(EVENT.timestamp())}:F>",
             "fields": [{"name": "Location", "value": "Voice lounge"}]}
    announcement = await hearth.discord.say(events, event_bot, "", embeds=[embed])
    proposal = await _proposal(hearth, staff)
    assert len(_proposals(hearth, staff)) == 1
    assert proposal.embeds[0]["title"] == "📅 Community Game Night"
    fields = {f["name"]: f["value"] for f in proposal.embeds[0]["fields"]}
    assert fields["When"].startswith(f"<t:{int(EVENT.timestamp())}:F>") and fields["Where"] == "Voice lounge"
    assert await hearth.db.fetchval("SELECT count(*) FROM reminders") == 0  # nothing created silently
    await hearth.discord.click(proposal, "Create reminder", user=g.moderator)
    row = await hearth.db.fetchrow("SELECT name, channel_id, event_time, location, origin_channel_id, "
                                   "origin_message_id, created_by FROM reminders")
    assert tuple(row) == ("Community Game Night", events.id, EVENT, "Voice lounge", events.id, announcement.id,
                          g.moderator.id)
    assert hearth.discord.world.messages[proposal.id].content.startswith(f"✅ <@{g.moderator.id}> created")
    assert await hearth.db.fetchval("SELECT count(*) FROM timers WHERE kind = 'reminder'") == 2  # T−60 and T0


async def test_plain_text_announcement_and_ignore(watched) -> None:
    hearth, events, staff, _ = watched
    g = hearth.guild
    await hearth.discord.say(events, g.member, "**Book club** — 12/06/2026 at 20:00\n📍 Library, room 2")
    proposal = await _proposal(hearth, staff)
    assert len(_proposals(hearth, staff)) == 1
    assert proposal.embeds[0]["title"] == "📅 Book club — 12/06/2026 at 20:00"
    assert {f["name"]: f["value"] for f in proposal.embeds[0]["fields"]}["Where"] == "Library, room 2"
    await hearth.discord.click(proposal, "Ignore", user=g.moderator)
    assert hearth.discord.world.messages[proposal.id].content == f"🙈 Ignored by <@{g.moderator.id}>."
    assert await hearth.db.fetchval("SELECT count(*) FROM reminders") == 0


async def test_unparseable_and_unwatched_messages_are_left_alone(watched) -> None:
    hearth, events, staff, _ = watched
    g = hearth.guild
    await hearth.discord.say(events, g.member, "Party soon, date to be announced!")
    await hearth.discord.say(g.general, g.member, "Meetup 2026-06-12 20:00")  # not a watched channel
    assert _proposals(hearth, staff) == []


async def test_only_staff_decide_and_buttons_survive_a_restart(watched) -> None:
    hearth, events, staff, _ = watched
    g = hearth.guild
    await hearth.discord.say(events, g.member, "Quiz 2026-06-12 20:00")
    proposal = await _proposal(hearth, staff)
    assert len(_proposals(hearth, staff)) == 1
    refused = await hearth.discord.click(proposal, "Create reminder", user=g.member)
    assert refused.text.startswith("Only staff")
    await hearth.restart()
    await hearth.discord.click(proposal, "Create reminder", user=g.moderator)
    assert await hearth.db.fetchval("SELECT name FROM reminders") == "Quiz 2026-06-12 20:00"


async def test_editing_offers_an_update_and_deleting_cancels(watched) -> None:
    hearth, events, staff, _ = watched
    g = hearth.guild
    announcement = await hearth.discord.say(events, g.member, "Quiz 2026-06-12 20:00")
    await hearth.discord.click(await _proposal(hearth, staff), "Create reminder", user=g.moderator)
    await hearth.discord.edit_message(announcement, "Quiz moved to 2026-06-13 20:00")
    update = await hearth.discord.wait_for_message(
        staff, lambda m: bool(m.embeds) and "changed" in (m.embeds[0].get("description") or ""))
    await hearth.discord.click(update, "Create reminder", user=g.moderator)
    rows = await hearth.db.fetch("SELECT event_time FROM reminders")
    assert [r["event_time"] for r in rows] == [datetime(2026, 6, 13, 18, tzinfo=UTC)]  # replaced, not doubled
    await hearth.discord.delete_message(announcement)
    assert await hearth.db.fetchval("SELECT count(*) FROM reminders") == 0
    assert await hearth.db.fetchval("SELECT count(*) FROM timers WHERE kind = 'reminder'") == 0
    assert "its reminder was cancelled" in hearth.discord.last_message(staff).content


async def test_llm_reads_only_what_the_parser_cannot(watched, llm) -> None:
    hearth, events, staff, _ = watched
    g = hearth.guild
    await hearth.connect_llm(llm)
    await hearth.discord.say(events, g.member, "Quiz 2026-06-12 20:00")  # the parser reads this one
    assert llm.completions == []
    llm.reply_json({"is_event": True, "title": "Movie night", "start": "2026-06-12T21:00", "location": "Stage"})
    await hearth.discord.say(events, g.member, "Movie night next Friday, after dinner, usual place on stage!")
    assert len(llm.completions) == 1
    assert "Movie night next Friday" in llm.completions[0].prompt_text
    proposal = await hearth.discord.wait_for_message(
        staff, lambda m: bool(m.embeds) and m.embeds[0]["title"] == "📅 Movie night")
    when = {f["name"]: f["value"] for f in proposal.embeds[0]["fields"]}["When"]
    assert when.startswith(f"<t:{int(datetime(2026, 6, 12, 19, tzinfo=UTC).timestamp())}:F>")
    # Not charged to the member who posted the announcement: to the guild's budget of background calls.
    assert await hearth.db.fetchval("SELECT count(*) FROM gpt_usage") == 0
    assert await hearth.db.fetchval("SELECT call_count FROM gpt_guild_usage WHERE guild_id = $1",
                                    g.guild.id) == 1


async def test_llm_outage_means_no_proposal_and_nothing_else(watched, llm) -> None:
    hearth, events, staff, _ = watched
    await hearth.connect_llm(llm)
    llm.fail(500, times=10)
    await hearth.discord.say(events, hearth.guild.member, "Movie night next Friday, after dinner, usual place!")
    assert _proposals(hearth, staff) == []


async def test_no_database_round_trip_for_ordinary_messages_edits_and_deletions(watched) -> None:
    hearth = watched[0]
    g = hearth.guild
    await hearth.discord.say(g.general, g.member, "warm-up")  # the guild's settings are now cached

    def used() -> int:
        return sum(pool.acquisitions for owner, pool in hearth.bot.db.pools.items() if owner == "reminders")

    before = used()
    message = await hearth.discord.say(g.general, g.member, "just chatting, 2026-06-12 20:00")
    await hearth.discord.edit_message(message, "still chatting")
    await hearth.discord.delete_message(message)
    assert used() == before


# --- what a watched channel may cost (issue 14, item 6) ---------------------------------------------------------

GREETINGS = ["hey everyone", "morning all", "hi folks", "yo", "hello there", "evening friends", "sup people"]
REMARKS = ["how is it going?", "that meme was hilarious", "I finally beat the boss", "anyone else love this song",
           "my cat knocked over my coffee again", "just got level 42 in the game", "lol no way",
           "I have 3 plants and they are all dying"]
NOT_AN_EVENT = json.dumps({"is_event": False, "title": "", "start": "2026-06-12T20:00", "location": None})


def _announcement_embed(n: int) -> dict:
    """An event bot's embed that the deterministic parser cannot read (no date and time it knows)."""
    return {"title": f"Raid night #{n}", "description": "Gather at the usual spot after dinner, bring potions!"}


async def test_fifty_ordinary_chat_messages_never_reach_the_llm(watched, llm: LLMStandIn) -> None:
    hearth, events, staff, _ = watched
    g = hearth.guild
    await hearth.connect_llm(llm)
    chat = [f"{greeting}, {remark}" for remark in REMARKS for greeting in GREETINGS][:50]
    for n, text in enumerate(chat):
        await hearth.discord.say(events, g.member if n % 2 else g.moderator, text)
    assert llm.completions == []
    assert await hearth.db.fetchval("SELECT count(*) FROM gpt_guild_usage") == 0
    assert _proposals(hearth, staff) == []


async def test_an_announcement_burst_costs_at_most_the_rate_limits(watched, llm: LLMStandIn) -> None:
    hearth, events, staff, event_bot = watched
    g = hearth.guild
    more = [g.guild.add_text_channel(f"events-{n}") for n in range(3)]
    await hearth.discord.settle()
    await hearth.bot.guild_settings.set(g.guild.id, "reminders", "watch_channels", [events.id, *(c.id for c in more)],
                                        changed_by=1)
    await hearth.connect_llm(llm)
    llm.respond_with(lambda _request: NOT_AN_EVENT)
    for _ in range(20):  # a spamming event bot: embeds the parser cannot read
        await hearth.discord.say(events, event_bot, "", embeds=[_announcement_embed(1)])
    assert len(llm.completions) == CHANNEL_RATE[0]
    for channel in more:  # four busy channels: the guild's limit holds across them
        for n in range(20):
            await hearth.discord.say(channel, g.member, f"Raid night #{n}, details: https://example.com/raid/{n}")
    assert len(llm.completions) == GUILD_RATE[0]
    assert await hearth.db.fetchval("SELECT call_count FROM gpt_guild_usage WHERE guild_id = $1",
                                    g.guild.id) == GUILD_RATE[0]
    # Ten minutes on, each channel may be read again, but the guild's hourly limit still holds.
    hearth.clock.advance(seconds=CHANNEL_RATE[1])
    await hearth.discord.say(events, event_bot, "", embeds=[_announcement_embed(2)])
    assert len(llm.completions) == GUILD_RATE[0]
    hearth.clock.advance(seconds=GUILD_RATE[1])
    await hearth.discord.say(events, event_bot, "", embeds=[_announcement_embed(3)])
    assert len(llm.completions) == GUILD_RATE[0] + 1
    assert _proposals(hearth, staff) == []


async def test_a_used_up_budget_stops_the_watcher_and_the_log_is_told_once(watched, llm: LLMStandIn) -> None:
    hearth, events, staff, event_bot = watched
    g = hearth.guild
    logs = g.guild.add_text_channel("logs")
    other = g.guild.add_text_channel("events-2")
    await hearth.discord.settle()
    await hearth.bot.guild_settings.set(g.guild.id, "system", "log_channel", logs.id, changed_by=1)
    await hearth.bot.guild_settings.set(g.guild.id, "reminders", "watch_channels", [events.id, other.id],
                                        changed_by=1)
    await hearth.connect_llm(llm, ai_guild_daily_budget=2)
    llm.respond_with(lambda _request: NOT_AN_EVENT)
    for channel in (events, other):
        for n in range(3):
            await hearth.discord.say(channel, event_bot, "", embeds=[_announcement_embed(n)])
    assert len(llm.completions) == 2
    notices = [m for m in hearth.discord.messages_in(logs) if "background features" in m.content]
    assert len(notices) == 1
    assert "This server used all 2 of today's AI requests for background features" in notices[0].content
    row = await hearth.db.fetchrow("SELECT call_count, notified_at FROM gpt_guild_usage WHERE guild_id = $1",
                                   g.guild.id)
    assert row["call_count"] == 2 and row["notified_at"] == hearth.clock.now()
    # Announcements the parser reads on its own still become proposals.
    await hearth.discord.say(events, g.member, "Quiz 2026-06-12 20:00")
    assert len(_proposals(hearth, staff)) == 1
    # The next UTC day the budget is back.
    await hearth.move_clock(datetime(2026, 6, 2, 0, 0, tzinfo=UTC))
    llm.respond_with(lambda _request: json.dumps({"is_event": True, "title": "Raid night", "start": "2026-06-12T20:00",
                                                  "location": "Usual spot"}))
    await hearth.discord.say(other, event_bot, "", embeds=[_announcement_embed(9)])
    assert len(llm.completions) == 3
    proposal = await hearth.discord.wait_for_message(
        staff, lambda m: bool(m.embeds) and m.embeds[0]["title"] == "📅 Raid night")
    # Used up again before staff decide: "Create reminder" reads the announcement again, so it is told why not
    # (and the log is told once for this new day).
    await hearth.db.execute("UPDATE gpt_guild_usage SET call_count = 2 WHERE guild_id = $1", g.guild.id)
    refused = await hearth.discord.click(proposal, "Create reminder", user=g.moderator)
    assert refused.ephemeral and "used all 2 of today's AI requests for background features" in refused.text
    assert await hearth.db.fetchval("SELECT count(*) FROM reminders") == 0
    assert len(llm.completions) == 3
    assert len([m for m in hearth.discord.messages_in(logs) if "background features" in m.content]) == 2
