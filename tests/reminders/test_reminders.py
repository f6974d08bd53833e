"""Reminders end to end: the Discord stand-in, the real database, a hand-moved clock, no real waiting."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.hearth_harness import Hearth
from tests.kit.premium import seed_premium
from tests.standin.models import Pings
from utils.errors import BadInput, UserFacingError


async def _add(hearth: Hearth, **options) -> str:
    g = hearth.guild
    channel = options.pop("channel")  # "channel" is also the stand-in's own keyword: pass it as an option
    result = await hearth.discord.slash("reminder add", user=g.admin, guild=g.guild, options={"channel": channel},
                                        **options)
    return result.text


@pytest.fixture
async def brussels(hearth: Hearth) -> Hearth:
    await hearth.bot.guild_settings.set(hearth.guild.guild.id, "system", "timezone", "Europe/Brussels", changed_by=1)
    # The admin also gets Manage Events for these tests.
    hearth.guild.guild.set_role_permissions(
        next(r for r in hearth.guild.guild.roles.values() if r.name == "Admin"), ["manage_guild", "manage_events"])
    await hearth.discord.settle()
    return hearth


def _utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


@pytest.mark.parametrize(("start", "before", "after"), [
    # The March change (29 March 2026): 20:00 in Brussels is 19:00 UTC before, 18:00 UTC after.
    (_utc(2026, 3, 27, 12), _utc(2026, 3, 28, 19), _utc(2026, 3, 29, 18)),
    # The October change (25 October 2026): 18:00 UTC before, 19:00 UTC after.
    (_utc(2026, 10, 23, 12), _utc(2026, 10, 24, 18), _utc(2026, 10, 25, 19)),
])
async def test_weekly_reminder_keeps_local_time_across_daylight_saving(brussels: Hearth, start, before, after) -> None:
    hearth, g = brussels, brussels.guild
    hearth.clock.set(start)
    text = await _add(hearth, name="Game night", channel=g.general, when="every day 20:00", message="Join us!")
    assert "every day at 20:00" in text
    for moment in (before, after):
        await hearth.move_clock(moment - timedelta(seconds=1))
        posts = [m for m in hearth.discord.messages_in(g.general) if m.embeds]
        count = len(posts)
        await hearth.move_clock(moment)
        posts = [m for m in hearth.discord.messages_in(g.general) if m.embeds]
        assert len(posts) == count + 1, f"nothing posted at {moment}"
        assert posts[-1].content == "Join us!" and posts[-1].embeds[0]["title"] == "⏰ Game night"
        assert f"<t:{int(moment.timestamp())}:F>" in posts[-1].embeds[0]["fields"][0]["value"]
    row = await hearth.db.fetchrow("SELECT last_sent_at, days, call_time::text FROM reminders")
    assert row["last_sent_at"] == after and row["days"] == [str(d) for d in range(7)] and row["call_time"] == "20:00:00"


async def test_event_posts_early_reminder_then_on_time_and_removes_the_early_one(brussels: Hearth) -> None:
    hearth, g = brussels, brussels.guild
    hearth.clock.set(datetime(2026, 6, 1, 10, tzinfo=UTC))
    await _add(hearth, name="Launch party", channel=g.general, when="2026-06-01 19:00", location="Main hall")
    event = datetime(2026, 6, 1, 17, tzinfo=UTC)  # 19:00 in Brussels (summer time)
    await hearth.move_clock(event - timedelta(minutes=61))
    assert hearth.discord.messages_in(g.general) == []
    await hearth.move_clock(event - timedelta(minutes=60))
    early = hearth.discord.last_message(g.general)
    assert early.embeds[0]["title"] == f"⏰ Launch party starts <t:{int(event.timestamp())}:R>"
    assert {"name": "Where", "value": "Main hall", "inline": True} in early.embeds[0]["fields"]
    assert await hearth.db.fetchval("SELECT sent_message_id FROM reminders") == early.id
    await hearth.move_clock(event)
    on_time = hearth.discord.last_message(g.general)
    assert on_time.embeds[0]["title"] == "🔔 Launch party is starting now"
    assert hearth.discord.world.messages[early.id].deleted
    assert await hearth.db.fetchval("SELECT count(*) FROM reminders") == 0  # a finished event is gone
    assert await hearth.db.fetchval("SELECT count(*) FROM timers WHERE kind = 'reminder'") == 0


async def test_retry_after_a_crash_posts_once(brussels: Hearth) -> None:
    hearth, g = brussels, brussels.guild
    hearth.clock.set(datetime(2026, 6, 1, 9, tzinfo=UTC))
    await _add(hearth, name="Standup", channel=g.general, when="every day 12:00")
    due = datetime(2026, 6, 1, 10, tzinfo=UTC)  # 12:00 Brussels
    # Another process claimed the job, posted, recorded last_sent_at, and died before finishing the job.
    await hearth.db.execute("UPDATE reminders SET last_sent_at = $1", due)
    await hearth.db.execute("UPDATE timers SET lease_token = gen_random_uuid(), lease_until = $1, attempts = 1 "
                            "WHERE kind = 'reminder'",
                            due + timedelta(minutes=2))
    await hearth.move_clock(due + timedelta(minutes=1))
    assert hearth.discord.messages_in(g.general) == []  # still leased by the dead process
    await hearth.move_clock(due + timedelta(minutes=2))
    assert hearth.discord.messages_in(g.general) == []  # the retry sees it was already sent
    assert await hearth.db.fetchval("SELECT due_at FROM timers WHERE kind = 'reminder'") == due + timedelta(days=1)


async def test_restart_between_claim_and_send_loses_nothing(brussels: Hearth) -> None:
    hearth, g = brussels, brussels.guild
    hearth.clock.set(datetime(2026, 6, 1, 9, tzinfo=UTC))
    await _add(hearth, name="Standup", channel=g.general, when="every day 12:00")
    due = datetime(2026, 6, 1, 10, tzinfo=UTC)
    await hearth.db.execute("UPDATE timers SET lease_token = gen_random_uuid(), lease_until = $1, attempts = 1 "
                            "WHERE kind = 'reminder'",
                            due + timedelta(minutes=2))  # claimed, then the process died before sending
    await hearth.restart()
    await hearth.move_clock(due + timedelta(minutes=2))
    posts = hearth.discord.messages_in(g.general)
    assert len(posts) == 1 and posts[0].embeds[0]["footer"]["text"] == "Sent 2 min late: the bot was offline."


async def test_two_bot_processes_post_each_reminder_once(brussels: Hearth) -> None:
    hearth, g = brussels, brussels.guild
    second = await hearth.discord.connect(hearth.make_bot())
    try:
        hearth.clock.set(datetime(2026, 6, 1, 9, tzinfo=UTC))
        for n in range(6):
            await hearth.bot.get_cog("Reminders")._save(g.guild.id, {
                "name": f"r{n}", "channel_id": g.general.id, "days": [str(d) for d in range(7)],
                "time": datetime(2026, 1, 1, 12).time(), "call_time": datetime(2026, 1, 1, 12).time()}, None)
        for bot in (hearth.bot, second):  # start-up jobs finish before the hour's jump, which would time them out
            await bot.timers.idle()
        hearth.clock.set(datetime(2026, 6, 1, 10, tzinfo=UTC))
        for bot in (hearth.bot, second):
            bot.timers.rearm()
        await hearth.bot.timers.idle()
        await second.timers.idle()
        await hearth.discord.settle()
        titles = sorted(m.embeds[0]["title"] for m in hearth.discord.messages_in(g.general))
        assert titles == [f"⏰ r{n}" for n in range(6)]
    finally:
        await hearth.discord.disconnect(second)


async def test_catch_up_within_grace_and_beyond(brussels: Hearth) -> None:
    hearth, g = brussels, brussels.guild
    logs = g.guild.add_text_channel("mod-logs")
    await hearth.discord.settle()
    await hearth.bot.guild_settings.set(g.guild.id, "system", "log_channel", logs.id, changed_by=1)
    hearth.clock.set(datetime(2026, 6, 1, 6, tzinfo=UTC))
    await _add(hearth, name="Soon", channel=g.general, when="every day 09:00")  # 07:00 UTC
    await _add(hearth, name="Earlier", channel=g.general, when="every day 08:30")  # 06:30 UTC
    await hearth.discord.disconnect(hearth.bot)  # the bot is offline from 06:00 …
    hearth.clock.set(datetime(2026, 6, 1, 7, 5, tzinfo=UTC))  # … to 07:05
    hearth.bot = await hearth.discord.connect(hearth.make_bot())
    await hearth.move_clock(hearth.clock.now())
    posts = hearth.discord.messages_in(g.general)
    assert [p.embeds[0]["title"] for p in posts] == ["⏰ Soon"]  # 5 minutes late: sent, and says so
    assert posts[0].embeds[0]["footer"]["text"] == "Sent 5 min late: the bot was offline."
    summary = [m.content for m in hearth.discord.messages_in(logs) if "While I was offline" in m.content]
    assert len(summary) == 1 and "1 scheduled post(s)" in summary[0] and "more than 10 minutes late" in summary[0]
    # Both move on to tomorrow.
    dues = sorted(r["due_at"] for r in await hearth.db.fetch("SELECT due_at FROM timers WHERE kind = 'reminder'"))
    assert dues == [datetime(2026, 6, 2, 6, 30, tzinfo=UTC), datetime(2026, 6, 2, 7, tzinfo=UTC)]


async def test_guilds_cannot_touch_each_others_reminders(brussels: Hearth) -> None:
    hearth, g, d = brussels, brussels.guild, brussels.discord
    other = d.add_guild("Other")
    channel = other.add_text_channel("general")
    boss = other.add_member("boss", permissions=["manage_events"])
    await d.settle()
    hearth.clock.set(datetime(2026, 6, 1, 6, tzinfo=UTC))
    await d.slash("reminder add", user=boss, guild=other, name="Theirs", options={"channel": channel},
                  when="every day 09:00")
    theirs = await hearth.db.fetchval("SELECT id FROM reminders WHERE guild_id = $1", other.id)
    listing = await d.slash("reminder list", user=g.admin, guild=g.guild)
    assert "Theirs" not in listing.text and "No reminders yet" in listing.text
    for command, extra in (("reminder edit", {"name": "Mine now"}), ("reminder delete", {}), ("reminder test", {})):
        with d.expect_errors(BadInput):
            result = await d.slash(command, user=g.admin, guild=g.guild, reminder=theirs, **extra)
        assert f"There is no reminder #{theirs} on this server." in result.text
    assert await hearth.db.fetchval("SELECT name FROM reminders WHERE id = $1", theirs) == "Theirs"


@pytest.mark.parametrize(("options", "expected"), [
    ({"when": "someday maybe"}, "I couldn't read `someday maybe` as a date and time. Examples:"),
    ({"when": "2020-01-01 10:00"}, "is in the past"),
    ({"when": "every funday 20:00"}, "`funday` is not a day"),
    ({"when": "every mon 25:00"}, "is not a time of day"),
    ({"when": "tomorrow 18:00", "name": "x" * 101}, "The name must be 1 to 100 characters."),
    ({"when": "tomorrow 18:00", "image": "not a url"}, "The image must be a web address"),
])
async def test_bad_input_is_answered_clearly(brussels: Hearth, options, expected) -> None:
    g = brussels.guild
    options = {"name": "Game night", **options}
    with brussels.discord.expect_errors(BadInput):
        result = await brussels.discord.slash("reminder add", user=g.admin, guild=g.guild,
                                              options={"channel": g.general}, **options)
    assert result.ephemeral and expected in result.text
    assert await brussels.db.fetchval("SELECT count(*) FROM reminders") == 0


async def test_images_and_more_than_ten_reminders_need_premium(brussels: Hearth) -> None:
    hearth, g = brussels, brussels.guild
    with hearth.discord.expect_errors(UserFacingError):
        result = await hearth.discord.slash("reminder add", user=g.admin, guild=g.guild, name="Pic",
                                            options={"channel": g.general}, when="tomorrow 18:00",
                                            image="https://example.org/a.png")
    assert "Reminder images are a premium feature" in result.text
    for n in range(10):
        await _add(hearth, name=f"r{n}", channel=g.general, when="every day 09:00")
    with hearth.discord.expect_errors(UserFacingError):
        result = await hearth.discord.slash("reminder add", user=g.admin, guild=g.guild, name="eleventh",
                                            options={"channel": g.general}, when="every day 10:00")
    assert "already has 10 reminders, the limit" in result.text
    await seed_premium(hearth, g.admin.id, g.guild.id, "yearly")
    text = await _add(hearth, name="eleventh", channel=g.general, when="every day 10:00",
                      image="https://example.org/a.png")
    assert text.startswith("✅ Created")


async def test_members_without_manage_events_are_refused_unless_manager_role(brussels: Hearth) -> None:
    hearth, g = brussels, brussels.guild
    refused = await hearth.discord.slash("reminder list", user=g.member, guild=g.guild)
    assert refused.text == "You need the **Manage Events** permission to use this command."
    await hearth.bot.guild_settings.set(g.guild.id, "reminders", "manager_role", g.moderator_role.id, changed_by=1)
    allowed = await hearth.discord.slash("reminder list", user=g.moderator, guild=g.guild)
    assert "No reminders yet" in allowed.text


async def test_no_pings_unless_the_author_may_mention_everyone(brussels: Hearth) -> None:
    hearth, g = brussels, brussels.guild
    hearth.clock.set(datetime(2026, 6, 1, 6, tzinfo=UTC))
    await hearth.discord.slash("reminder add", user=g.moderator, guild=g.guild, check_permissions=False,
                               name="x", options={"channel": g.general}, when="every day 09:00",
                               message="@everyone hi")
    # The moderator is not allowed to manage reminders by default: nothing was created.
    assert await hearth.db.fetchval("SELECT count(*) FROM reminders") == 0
    g.guild.set_overwrite(g.general, "everyone", deny=["mention_everyone"])  # the admin may not ping everyone here
    g.guild.set_overwrite(g.general, g.guild.bot_role, allow=["mention_everyone"])  # the bot itself may
    await hearth.discord.settle()
    made = await _add(hearth, name="Ping", channel=g.general, when="every day 09:00",
                      message=f"@everyone <@&{g.moderator_role.id}> <@{g.member.id}> hi")
    await hearth.discord.slash("reminder add", user=g.owner, name="Owner's", options={"channel": g.general},
                               when="every day 09:00", message="@everyone hi")
    await hearth.move_clock(datetime(2026, 6, 1, 7, tzinfo=UTC))
    posts = {m.embeds[0]["title"]: m for m in hearth.discord.messages_in(g.general)}
    assert posts["⏰ Ping"].pings == Pings(everyone=False, roles=[], users=[g.member.id])  # a user, as anyone may
    assert posts["⏰ Owner's"].pings.everyone is True  # the owner may
    assert f"@everyone, <@&{g.moderator_role.id}> will not ping" in made  # the admin was told when saving it


async def _the_post_at(hearth: Hearth, when: datetime):
    """Move the clock to `when`: exactly one reminder is posted in #general then; returns it."""
    before = len(hearth.discord.messages_in(hearth.guild.general))
    await hearth.move_clock(when)
    posts = hearth.discord.messages_in(hearth.guild.general)
    assert len(posts) == before + 1, f"{len(posts) - before} post(s) at {when}"
    return posts[-1]


async def test_an_organiser_cannot_make_the_owners_reminder_ping_everyone(brussels: Hearth) -> None:
    """An organiser without Mention Everyone edits the owner's reminder to `@everyone party` (or only moves it):
    the post pings nobody. The owner setting the text again makes it ping."""
    hearth, g = brussels, brussels.guild
    d, guild = hearth.discord, brussels.guild.guild
    organiser = guild.add_member("olivia", roles=[guild.add_role("Organisers", ["manage_events"])])
    guild.set_overwrite(g.general, "everyone", deny=["mention_everyone"])
    guild.set_overwrite(g.general, guild.bot_role, allow=["mention_everyone"])
    await d.settle()
    hearth.clock.set(datetime(2026, 6, 1, 6, tzinfo=UTC))
    made = await d.slash("reminder add", user=g.owner, name="Party", options={"channel": g.general},
                         when="every day 09:00", message="party tonight")
    assert made.text.startswith("✅ Created")
    rid = await hearth.db.fetchval("SELECT id FROM reminders")
    edited = await d.slash("reminder edit", user=organiser, reminder=rid, message="@everyone party")
    assert edited.text.startswith("✅ Updated")
    post = await _the_post_at(hearth, datetime(2026, 6, 1, 7, tzinfo=UTC))  # 09:00 in Brussels
    assert post.content == "@everyone party" and post.pings.everyone is False
    assert "@everyone will not ping" in edited.text  # the organiser was told
    assert await hearth.db.fetchval("SELECT message_set_by FROM reminders") == organiser.id
    # The owner sets the text again: the next post pings everyone.
    again = await d.slash("reminder edit", user=g.owner, reminder=rid, message="@everyone party")
    assert "will not ping" not in again.text
    assert (await _the_post_at(hearth, datetime(2026, 6, 2, 7, tzinfo=UTC))).pings.everyone is True
    # Moving the owner's text to another time makes the organiser answerable for it too.
    moved = await d.slash("reminder edit", user=organiser, reminder=rid, when="every day 10:00")
    assert moved.text.startswith("✅ Updated"), moved.text
    post = await _the_post_at(hearth, datetime(2026, 6, 2, 8, tzinfo=UTC))  # 10:00 the same day
    assert post.content == "@everyone party" and post.pings.everyone is False
    # A name change is not the text: it stays the owner's.
    await d.slash("reminder edit", user=g.owner, reminder=rid, message="@everyone party")
    await d.slash("reminder edit", user=organiser, reminder=rid, name="Party!")
    assert (await _the_post_at(hearth, datetime(2026, 6, 3, 8, tzinfo=UTC))).pings.everyone is True


async def test_edit_moves_the_schedule_and_delete_cancels(brussels: Hearth) -> None:
    hearth, g = brussels, brussels.guild
    hearth.clock.set(datetime(2026, 6, 1, 6, tzinfo=UTC))
    await _add(hearth, name="Standup", channel=g.general, when="every day 09:00")
    rid = await hearth.db.fetchval("SELECT id FROM reminders")
    edited = await hearth.discord.slash("reminder edit", user=g.admin, guild=g.guild, reminder=rid,
                                        when="every mon 18:00")
    assert "Mon at 18:00" in edited.text
    assert await hearth.db.fetchval("SELECT due_at FROM timers WHERE kind = 'reminder'") == _utc(2026, 6, 1, 16)
    deleted = await hearth.discord.slash("reminder delete", user=g.admin, guild=g.guild, reminder=rid)
    assert deleted.text == f"🗑️ Deleted reminder #{rid} (Standup)."
    assert await hearth.db.fetchval("SELECT count(*) FROM timers WHERE kind = 'reminder'") == 0


async def test_timezone_change_moves_weekly_reminders(brussels: Hearth) -> None:
    hearth, g = brussels, brussels.guild
    hearth.clock.set(datetime(2026, 6, 1, 6, tzinfo=UTC))
    await _add(hearth, name="Standup", channel=g.general, when="every day 09:00")
    await hearth.discord.slash("config set", user=g.admin, guild=g.guild, scope="system", key="timezone",
                               value="Asia/Tokyo")
    assert await hearth.db.fetchval("SELECT due_at FROM timers WHERE kind = 'reminder'") == _utc(2026, 6, 2, 0)


async def test_a_guild_that_is_not_available_is_retried_not_marked_sent(brussels: Hearth, caplog) -> None:
    hearth = brussels
    hearth.clock.set(datetime(2026, 6, 1, 9, tzinfo=UTC))
    rid = await hearth.db.fetchval(
        "INSERT INTO reminders (guild_id, name, channel_id, time, call_time, days) "
        "VALUES (999, 'elsewhere', 1, '12:00', '12:00', ARRAY['0','1','2','3','4','5','6']) RETURNING id")
    await hearth.bot.timers.schedule(999, "reminder", f"{rid}:repeat", datetime(2026, 6, 1, 10, tzinfo=UTC),
                                     {"reminder_id": rid, "phase": "repeat"})
    await hearth.move_clock(datetime(2026, 6, 1, 10, tzinfo=UTC))
    assert await hearth.db.fetchval("SELECT last_sent_at FROM reminders WHERE id = $1", rid) is None
    row = await hearth.db.fetchrow("SELECT due_at, attempts FROM timers WHERE key = $1", f"{rid}:repeat")
    assert (row["due_at"], row["attempts"]) == (datetime(2026, 6, 1, 10, 1, tzinfo=UTC), 1)  # retried in a minute


async def test_the_listing_pages_with_totals_and_next_posts(brussels: Hearth) -> None:
    """`/reminder list` reads a page and its total in one statement and the due times alongside (issue 24)."""
    hearth, g = brussels, brussels.guild
    hearth.clock.set(_utc(2026, 6, 1, 6))
    await seed_premium(hearth, g.admin.id, g.guild.id, "yearly")  # more than the free 10
    for n in range(12):
        await _add(hearth, name=f"Night {n}", channel=g.general, when="every day 20:00")
    listing = await hearth.discord.slash("reminder list", user=g.admin, guild=g.guild)
    first = listing.message.embeds[0]
    assert first["footer"]["text"] == "Page 1 of 2"
    assert "Night 11**" in first["description"] and "Night 2**" in first["description"]
    assert "Night 1**" not in first["description"]
    assert first["description"].count("next post <t:") == 10  # each with its next due time from the timers
    later = await hearth.discord.click(listing, "Next", user=g.admin)
    second = later.message.embeds[0]
    assert second["footer"]["text"] == "Page 2 of 2"
    assert "Night 1**" in second["description"] and "Night 0**" in second["description"]
    assert "Night 2**" not in second["description"]
    ids = [r["id"] for r in await hearth.db.fetch("SELECT id FROM reminders ORDER BY id DESC LIMIT 2 OFFSET 10")]
    assert all(f"#{i} " in second["description"] for i in ids)


async def test_a_reminder_due_while_its_guild_is_unavailable_waits_for_it(brussels: Hearth) -> None:
    """A guild Discord lists as unavailable (an outage, or its GUILD_CREATE not received yet after a start with
    thousands of guilds) has no usable channels: the post waits and is retried, never taken for a deleted channel."""
    hearth, g = brussels, brussels.guild
    hearth.clock.set(_utc(2026, 6, 1, 6))
    await _add(hearth, name="Outage night", channel=g.general, when="every day 20:00")
    posts = lambda: [m for m in hearth.discord.messages_in(g.general) if m.embeds]  # noqa: E731
    await hearth.discord.guild_outage(g.guild)
    assert hearth.bot.get_guild(g.guild.id).unavailable
    await hearth.move_clock(_utc(2026, 6, 1, 18))  # 20:00 in Brussels
    assert posts() == []
    assert await hearth.db.fetchval("SELECT attempts FROM timers WHERE kind = 'reminder'") == 1
    await hearth.discord.guild_restored(g.guild)
    await hearth.move_clock(_utc(2026, 6, 1, 18, 1))  # the first retry, a minute later
    assert [p.embeds[0]["title"] for p in posts()] == ["⏰ Outage night"]
    await hearth.move_clock(_utc(2026, 6, 1, 18, 30))
    assert len(posts()) == 1
