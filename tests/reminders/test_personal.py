"""Personal reminders end to end (`/remindme`, `/timezone`, Snooze, the quota, "Remind me about this"): the Discord
stand-in, the real database, a hand-moved clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.hearth_harness import Hearth
from tests.kit.premium import seed_premium
from tests.standin.models import Pings
from utils.errors import BadInput, UserFacingError


def _utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


async def _remind(hearth: Hearth, user, **options) -> str:
    result = await hearth.discord.slash("remindme add", user=user, guild=hearth.guild.guild, **options)
    return result.text


def _reminders_to(hearth: Hearth, user) -> list:
    return [m for m in hearth.discord.dms_to(user) if m.embeds and m.embeds[0]["title"].startswith("⏰ Reminder")]


async def _zone(hearth: Hearth, user, zone: str) -> None:
    result = await hearth.discord.slash("timezone set", user=user, guild=hearth.guild.guild, zone=zone)
    assert f"Your time zone is now **{zone}**" in result.text


async def test_a_dm_arrives_at_the_right_instant_in_the_members_own_zone(hearth: Hearth) -> None:
    bob = hearth.guild.member
    hearth.clock.set(_utc(2026, 12, 6, 12))
    await _zone(hearth, bob, "America/New_York")
    made = await _remind(hearth, bob, when="tomorrow 9am", text="Call the dentist")
    due = _utc(2026, 12, 7, 14)  # 09:00 in New York (UTC−5 in December)
    assert f"<t:{int(due.timestamp())}:F>" in made and "by DM" in made
    await hearth.move_clock(due - timedelta(seconds=1))
    assert _reminders_to(hearth, bob) == []
    await hearth.move_clock(due)
    [dm] = _reminders_to(hearth, bob)
    assert dm.embeds[0]["description"] == "Call the dentist"
    assert [b["label"] for b in dm.buttons()] == ["Snooze 10 min", "Snooze 1 h", "Tomorrow 9:00"]
    assert await hearth.db.fetchval("SELECT done FROM personal_reminders") is True
    assert await hearth.db.fetchval("SELECT count(*) FROM timers WHERE kind = 'personal_reminder'") == 0


async def test_without_a_zone_of_their_own_the_servers_is_used(hearth: Hearth) -> None:
    g = hearth.guild
    await hearth.bot.guild_settings.set(g.guild.id, "system", "timezone", "Asia/Tokyo", changed_by=1)
    shown = await hearth.discord.slash("timezone show", user=g.member, guild=g.guild)
    assert "**Asia/Tokyo**, this server's" in shown.text
    await _zone(hearth, g.member, "Europe/Lisbon")
    shown = await hearth.discord.slash("timezone show", user=g.member, guild=g.guild)
    assert "**Europe/Lisbon**, your own" in shown.text
    assert await hearth.db.fetchval("SELECT timezone FROM user_timezones WHERE user_id = $1", g.member.id) == \
        "Europe/Lisbon"
    choices = await hearth.discord.autocomplete("timezone set", "zone", user=g.member, partial="lisb")
    assert [c["value"] for c in choices] == ["Europe/Lisbon"]


async def test_a_recurring_reminder_keeps_its_local_time_across_daylight_saving(hearth: Hearth) -> None:
    bob = hearth.guild.member
    hearth.clock.set(_utc(2026, 3, 20, 12))
    await _zone(hearth, bob, "Europe/Brussels")
    made = await _remind(hearth, bob, when="every monday 8:00 until April", text="Weekly review")
    assert "Mon at 08:00 (until 2026-03-31)" in made
    # 23 March: 08:00 in Brussels is 07:00 UTC; after the change of 29 March, 30 March 08:00 is 06:00 UTC.
    for due in (_utc(2026, 3, 23, 7), _utc(2026, 3, 30, 6)):
        count = len(_reminders_to(hearth, bob))
        await hearth.move_clock(due - timedelta(seconds=1))
        assert len(_reminders_to(hearth, bob)) == count
        await hearth.move_clock(due)
        assert len(_reminders_to(hearth, bob)) == count + 1, f"nothing delivered at {due}"
    # April has come: the schedule is over.
    await hearth.move_clock(_utc(2026, 4, 6, 6))
    assert len(_reminders_to(hearth, bob)) == 2
    assert await hearth.db.fetchval("SELECT done FROM personal_reminders") is True


async def test_snoozed_then_delivered_again_once(hearth: Hearth) -> None:
    bob, d = hearth.guild.member, hearth.discord
    hearth.clock.set(_utc(2026, 6, 1, 9))
    await _remind(hearth, bob, when="in 2 hours", text="Stretch")
    await hearth.move_clock(_utc(2026, 6, 1, 11))
    [dm] = _reminders_to(hearth, bob)
    snoozed = await d.click(dm, "Snooze 10 min", user=bob)
    again = _utc(2026, 6, 1, 11, 10)
    assert snoozed.ephemeral and f"I'll remind you again <t:{int(again.timestamp())}:F>" in snoozed.text
    await hearth.move_clock(again - timedelta(seconds=1))
    assert len(_reminders_to(hearth, bob)) == 1
    await hearth.move_clock(again)
    later = _reminders_to(hearth, bob)
    assert len(later) == 2 and later[-1].embeds[0]["title"] == "⏰ Reminder (snoozed)"
    await hearth.move_clock(_utc(2026, 6, 2, 12))
    assert len(_reminders_to(hearth, bob)) == 2


async def test_snooze_until_tomorrow_morning_in_their_zone(hearth: Hearth) -> None:
    bob, d = hearth.guild.member, hearth.discord
    hearth.clock.set(_utc(2026, 6, 1, 9))
    await _zone(hearth, bob, "America/Los_Angeles")
    await _remind(hearth, bob, when="in 1 hour", text="Stretch")
    await hearth.move_clock(_utc(2026, 6, 1, 10))
    [dm] = _reminders_to(hearth, bob)
    await d.click(dm, "Tomorrow 9:00", user=bob)
    # 10:00 UTC is 03:00 in Los Angeles on 1 June: tomorrow 09:00 there is 2 June 16:00 UTC.
    assert await hearth.db.fetchval("SELECT due_at FROM timers WHERE kind = 'personal_reminder'") == \
        _utc(2026, 6, 2, 16)


async def test_only_the_owner_can_snooze_and_here_pings_only_them(hearth: Hearth) -> None:
    g, d = hearth.guild, hearth.discord
    hearth.clock.set(_utc(2026, 6, 1, 9))
    made = await _remind(hearth, g.member, when="in 10 minutes", text=f"@everyone <@{g.admin.id}> standup",
                         where="here")
    assert f"in <#{g.general.id}>" in made
    await hearth.move_clock(_utc(2026, 6, 1, 9, 10))
    post = d.last_message(g.general)
    assert post.content == f"<@{g.member.id}>" and post.embeds[0]["description"].endswith("standup")
    assert post.pings == Pings(everyone=False, roles=[], users=[g.member.id])
    refused = await d.click(post, "Snooze 1 h", user=g.admin)
    assert refused.ephemeral and "Only the member who set this reminder can snooze it." in refused.text
    assert await hearth.db.fetchval("SELECT count(*) FROM timers WHERE kind = 'personal_reminder'") == 0


async def test_closed_dms_fall_back_to_the_channel_where_it_was_asked(hearth: Hearth) -> None:
    g, d = hearth.guild, hearth.discord
    hearth.clock.set(_utc(2026, 6, 1, 9))
    await _remind(hearth, g.member, when="in 5 minutes", text="Tea")
    d.world.users[g.member.id].dms_open = False
    await hearth.move_clock(_utc(2026, 6, 1, 9, 5))
    post = d.last_message(g.general)
    assert post.content.startswith(f"<@{g.member.id}> I couldn't DM you")
    assert post.embeds[0]["description"] == "Tea" and post.pings.users == [g.member.id]


async def test_delivered_once_across_a_restart(hearth: Hearth) -> None:
    bob = hearth.guild.member
    hearth.clock.set(_utc(2026, 6, 1, 9))
    await _remind(hearth, bob, when="every day 12:00", text="Lunch")  # UTC: the server's zone
    due = _utc(2026, 6, 1, 12)
    # A process claimed the job, delivered it and recorded so, then died before finishing the job.
    await hearth.db.execute("UPDATE personal_reminders SET last_sent_at = $1", due)
    await hearth.db.execute("UPDATE timers SET lease_token = gen_random_uuid(), lease_until = $1, attempts = 1 "
                            "WHERE kind = 'personal_reminder'", due + timedelta(minutes=2))
    await hearth.restart()
    await hearth.move_clock(due + timedelta(minutes=2))
    assert _reminders_to(hearth, bob) == []  # the retry sees it was delivered
    assert await hearth.db.fetchval("SELECT due_at FROM timers WHERE kind = 'personal_reminder'") == \
        due + timedelta(days=1)
    # Claimed and died before delivering: delivered once, after the restart.
    await hearth.db.execute("UPDATE timers SET lease_token = gen_random_uuid(), lease_until = $1, attempts = 1 "
                            "WHERE kind = 'personal_reminder'", due + timedelta(days=1, minutes=2))
    await hearth.restart()
    await hearth.move_clock(due + timedelta(days=1, minutes=2))
    assert len(_reminders_to(hearth, bob)) == 1


async def test_the_quota_refuses_with_the_limit_and_how_to_free_a_slot(hearth: Hearth) -> None:
    g = hearth.guild
    await hearth.bot.guild_settings.set(g.guild.id, "reminders", "personal_free_limit", 2, changed_by=1)
    hearth.clock.set(_utc(2026, 6, 1, 9))
    for n in range(2):
        assert (await _remind(hearth, g.member, when="tomorrow 9am", text=f"r{n}")).startswith("⏰ Reminder #")
    with hearth.discord.expect_errors(UserFacingError):
        refused = await hearth.discord.slash("remindme add", user=g.member, guild=g.guild, when="tomorrow 10am",
                                             text="third")
    assert refused.ephemeral
    assert "You already have 2 reminders waiting on this server, the limit." in refused.text
    assert "up to 50 (see `/premium`)" in refused.text and "`/remindme delete`" in refused.text
    assert await hearth.db.fetchval("SELECT count(*) FROM personal_reminders") == 2
    # Another member has their own quota.
    assert (await _remind(hearth, g.admin, when="tomorrow 9am", text="mine")).startswith("⏰ Reminder #")


async def test_premium_members_get_the_premium_limit(hearth: Hearth) -> None:
    g = hearth.guild
    await hearth.bot.guild_settings.set(g.guild.id, "reminders", "personal_free_limit", 1, changed_by=1)
    await hearth.bot.guild_settings.set(g.guild.id, "reminders", "personal_premium_limit", 3, changed_by=1)
    await seed_premium(hearth, g.member.id, g.guild.id, "yearly")
    hearth.clock.set(_utc(2026, 6, 1, 9))
    for n in range(3):
        assert (await _remind(hearth, g.member, when="tomorrow 9am", text=f"r{n}")).startswith("⏰ Reminder #")
    with hearth.discord.expect_errors(UserFacingError):
        refused = await hearth.discord.slash("remindme add", user=g.member, guild=g.guild, when="tomorrow 10am",
                                             text="fourth")
    assert "You already have 3 reminders waiting on this server, the limit." in refused.text
    assert "premium" not in refused.text


async def test_remind_me_about_this_message(hearth: Hearth) -> None:
    g, d = hearth.guild, hearth.discord
    hearth.clock.set(_utc(2026, 6, 1, 9))
    message = await d.say(g.general, g.admin, "Release notes are due Friday")
    opened = await d.context_menu("Remind me about this", message, user=g.member)
    assert opened.modal is not None and opened.modal["title"] == "Remind me about this"
    saved = await d.submit_modal(opened, {"when": "in 2 hours", "note": ""}, user=g.member)
    assert saved.ephemeral and "I'll remind you by DM" in saved.text
    row = await hearth.db.fetchrow("SELECT text, origin_channel_id, origin_message_id FROM personal_reminders")
    assert tuple(row) == ("Release notes are due Friday", g.general.id, message.id)
    await hearth.move_clock(_utc(2026, 6, 1, 11))
    [dm] = _reminders_to(hearth, g.member)
    link = f"https://discord.com/channels/{g.guild.id}/{g.general.id}/{message.id}"
    assert {"name": "About", "value": f"[this message]({link})", "inline": True} in dm.embeds[0]["fields"]


async def test_list_and_delete_are_for_ones_own_reminders(hearth: Hearth) -> None:
    g, d = hearth.guild, hearth.discord
    hearth.clock.set(_utc(2026, 6, 1, 9))
    await _remind(hearth, g.admin, when="tomorrow 9am", text="Alice's secret")
    await _remind(hearth, g.member, when="tomorrow 9am", text="Bob's errand")
    theirs = await hearth.db.fetchval("SELECT id FROM personal_reminders WHERE user_id = $1", g.admin.id)
    listing = await d.slash("remindme list", user=g.member, guild=g.guild)
    assert "Bob's errand" in listing.text and "secret" not in listing.text
    choices = await d.autocomplete("remindme delete", "reminder", user=g.member, partial="")
    assert [c["name"] for c in choices] == [f"#{theirs + 1} Bob's errand"]
    with d.expect_errors(BadInput):
        refused = await d.slash("remindme delete", user=g.member, guild=g.guild, reminder=theirs)
    assert f"You have no reminder #{theirs} on this server." in refused.text
    assert await hearth.db.fetchval("SELECT count(*) FROM personal_reminders") == 2
    assert await hearth.db.fetchval("SELECT count(*) FROM timers WHERE key = $1", f"{theirs}:due") == 1
    done = await d.slash("remindme delete", user=g.admin, guild=g.guild, reminder=theirs)
    assert done.text == f"🗑️ Deleted your reminder #{theirs}."
    assert await hearth.db.fetchval("SELECT count(*) FROM timers WHERE key = $1", f"{theirs}:due") == 0


@pytest.mark.parametrize(("when", "expected"), [
    ("someday maybe", "I couldn't read `someday maybe`"),
    ("every mon 8:00 until 2020-01-01", "is in the past"),
    ("tomorrow 9am until March", "`until` ends a repeating schedule"),
])
async def test_bad_times_are_answered_clearly(hearth: Hearth, when, expected) -> None:
    g = hearth.guild
    hearth.clock.set(_utc(2026, 6, 1, 9))
    with hearth.discord.expect_errors(BadInput):
        result = await hearth.discord.slash("remindme add", user=g.member, guild=g.guild, when=when, text="x")
    assert result.ephemeral and expected in result.text
    assert await hearth.db.fetchval("SELECT count(*) FROM personal_reminders") == 0


async def test_another_servers_reminders_are_out_of_reach(hearth: Hearth) -> None:
    g, d = hearth.guild, hearth.discord
    other = d.add_guild("Other")
    other.add_text_channel("general")
    bob_there = other.add_member("bob", user=g.member.user)
    await d.settle()
    hearth.clock.set(_utc(2026, 6, 1, 9))
    await _remind(hearth, g.member, when="tomorrow 9am", text="Here only")
    mine = await hearth.db.fetchval("SELECT id FROM personal_reminders")
    listing = await d.slash("remindme list", user=bob_there, guild=other)
    assert "Here only" not in listing.text and "No reminders waiting" in listing.text
    with d.expect_errors(BadInput):
        refused = await d.slash("remindme delete", user=bob_there, guild=other, reminder=mine)
    assert f"You have no reminder #{mine} on this server." in refused.text
    assert await hearth.db.fetchval("SELECT count(*) FROM personal_reminders") == 1


async def test_erasure_deletes_personal_reminders_their_jobs_and_the_zone(hearth: Hearth) -> None:
    from core.gdpr import erase_everything, export_everything

    bob = hearth.guild.member
    hearth.clock.set(_utc(2026, 6, 1, 9))
    await _zone(hearth, bob, "Europe/Brussels")
    await _remind(hearth, bob, when="every day 8:00", text="Meds")
    exported = await export_everything(hearth.bot, hearth.db, bob.id)
    assert "Meds" in str(exported) and "Europe/Brussels" in str(exported)
    await erase_everything(hearth.bot, hearth.db, bob.id)
    assert await hearth.db.fetchval("SELECT count(*) FROM personal_reminders") == 0
    assert await hearth.db.fetchval("SELECT count(*) FROM user_timezones") == 0
    assert await hearth.db.fetchval("SELECT count(*) FROM timers WHERE kind = 'personal_reminder'") == 0


async def test_the_module_switch_refuses_commands_and_holds_deliveries(hearth: Hearth) -> None:
    g, d = hearth.guild, hearth.discord
    hearth.clock.set(_utc(2026, 6, 1, 9))
    await _remind(hearth, g.member, when="every day 10:00", text="Water the plants")
    off = await d.slash("config modules", user=g.admin, guild=g.guild, module="reminders", on=False)
    assert off.text == "⛔ **Reminders** turned off."
    refused = await d.slash("remindme add", user=g.member, guild=g.guild, when="in 1 hour", text="x")
    assert refused.ephemeral and refused.text.startswith("Reminders is turned off on this server")
    await hearth.move_clock(_utc(2026, 6, 1, 12))
    assert _reminders_to(hearth, g.member) == []  # the job waits while the module is off
    assert await hearth.db.fetchval("SELECT due_at FROM timers WHERE kind = 'personal_reminder'") == \
        _utc(2026, 6, 1, 10)
    await d.slash("config modules", user=g.admin, guild=g.guild, module="reminders", on=True)
    await hearth.move_clock(_utc(2026, 6, 1, 12, 1))
    assert len(_reminders_to(hearth, g.member)) == 1  # delivered once it is back on, not skipped as late
    assert await hearth.db.fetchval("SELECT due_at FROM timers WHERE kind = 'personal_reminder'") == \
        _utc(2026, 6, 2, 10)


async def test_the_snooze_buttons_work_after_a_restart(hearth: Hearth) -> None:
    bob = hearth.guild.member
    hearth.clock.set(_utc(2026, 6, 1, 9))
    await _remind(hearth, bob, when="in 1 hour", text="Stretch")
    await hearth.move_clock(_utc(2026, 6, 1, 10))
    [dm] = _reminders_to(hearth, bob)
    await hearth.restart()
    snoozed = await hearth.discord.click(dm, "Snooze 1 h", user=bob)
    assert "I'll remind you again" in snoozed.text
    await hearth.move_clock(_utc(2026, 6, 1, 11))
    assert [m.embeds[0]["title"] for m in _reminders_to(hearth, bob)] == ["⏰ Reminder", "⏰ Reminder (snoozed)"]


async def test_here_only_where_the_member_may_write(hearth: Hearth) -> None:
    g, d = hearth.guild, hearth.discord
    announcements = g.guild.add_text_channel("announcements", overwrites={"everyone": {"deny": ["send_messages"]}})
    await d.settle()
    with d.expect_errors(BadInput):
        refused = await d.slash("remindme add", user=g.member, guild=g.guild, channel=announcements,
                                when="in 1 hour", text="x", where="here")
    assert f"You may not send messages in <#{announcements.id}>" in refused.text and "`where: dm`" in refused.text
    assert await hearth.db.fetchval("SELECT count(*) FROM personal_reminders") == 0


async def test_a_form_with_an_unreadable_time_is_answered(hearth: Hearth) -> None:
    g, d = hearth.guild, hearth.discord
    message = await d.say(g.general, g.admin, "Vote closes soon")
    opened = await d.context_menu("Remind me about this", message, user=g.member)
    with d.expect_errors(BadInput, required=False):
        answer = await d.submit_modal(opened, {"when": "whenever", "note": "vote"}, user=g.member)
    assert answer.ephemeral and "I couldn't read `whenever`" in answer.text
    assert await hearth.db.fetchval("SELECT count(*) FROM personal_reminders") == 0
