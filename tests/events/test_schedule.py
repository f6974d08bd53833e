"""DM reminders once each across a restart and two processes, recurrence across daylight saving, cancel and time
changes told to every attendee, bad input answered privately."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.events.conftest import START
from tests.kit.events import EventsDesk
from utils.errors import BadInput

EVENT = datetime(2026, 6, 5, 19, tzinfo=UTC)  # "2026-06-05 19:00" on a UTC server


def _reminders(texts: list[str]) -> list[str]:
    return [text for text in texts if text.startswith("⏰")]


async def test_dm_reminders_are_sent_once_each_across_a_restart_and_a_second_process(events: EventsDesk) -> None:
    g, d, hearth = events.guild, events.discord, events.hearth
    event_id = await events.create(title="Movie night", start="2026-06-05 19:00", location="Room 3")
    await events.click(event_id, "Going", g.member)
    await hearth.move_clock(EVENT - timedelta(days=1))
    assert len(_reminders(events.dm_texts(g.member))) == 1
    assert "Movie night" in events.dm_texts(g.member)[-1] and "Room 3" in events.dm_texts(g.member)[-1]
    await hearth.restart()
    second = await d.connect(hearth.make_bot())
    try:
        hearth.clock.set(EVENT - timedelta(hours=1))
        for bot in (hearth.bot, second):
            bot.timers.rearm()
        await hearth.bot.timers.idle()
        await second.timers.idle()
        await d.settle()
        assert len(_reminders(events.dm_texts(g.member))) == 2
        # A job the other process already sent (recorded on the row) is not sent again on a retry.
        await hearth.db.execute(
            "INSERT INTO timers (guild_id, kind, key, due_at, payload) SELECT guild_id, 'event_reminder', "
            "'again', $1, jsonb_build_object('event_id', id, 'occurrence', extract(epoch FROM occurrence_at)::bigint,"
            " 'user_id', $2::bigint, 'minutes', 60) FROM guild_events", EVENT - timedelta(hours=1), g.member.id)
        for bot in (hearth.bot, second):
            bot.timers.rearm()
        await hearth.bot.timers.idle()
        await second.timers.idle()
        await d.settle()
        assert len(_reminders(events.dm_texts(g.member))) == 2
        assert await hearth.db.fetchval("SELECT count(*) FROM timers WHERE key = 'again'") == 0  # it ran
        await hearth.move_clock(EVENT - timedelta(minutes=15))
        await second.timers.idle()
        await d.settle()
        texts = _reminders(events.dm_texts(g.member))
        assert len(texts) == 3 and "<t:" in texts[-1]
    finally:
        await d.disconnect(second)
    row = await hearth.db.fetchrow("SELECT reminded_minutes FROM event_attendees")
    assert sorted(row["reminded_minutes"]) == [15, 60, 1440]
    assert await hearth.db.fetchval("SELECT count(*) FROM timers WHERE kind = 'event_reminder'") == 0


async def test_members_choose_their_reminder_times(events: EventsDesk) -> None:
    g, d, hearth = events.guild, events.discord, events.hearth
    event_id = await events.create(title="Quiz", start="2026-06-05 19:00")
    await events.click(event_id, "Going", g.member)
    offered = await events.click(event_id, "Reminders", g.member)
    assert offered.ephemeral and "1 day before, 1 hour before, 15 minutes before" in offered.text
    chosen = await d.select(offered, ["180"], user=g.member)
    assert "3 hours before" in chosen.content
    result = await events.run("reminders", g.member, event=event_id, times="2h, 5m")
    assert result.ephemeral and "2 hours" not in result.text and "120 minutes before, 5 minutes before" in result.text
    await hearth.move_clock(EVENT - timedelta(hours=3))
    assert _reminders(events.dm_texts(g.member)) == []
    await hearth.move_clock(EVENT - timedelta(hours=2))
    assert len(_reminders(events.dm_texts(g.member))) == 1
    await hearth.move_clock(EVENT - timedelta(minutes=5))
    assert len(_reminders(events.dm_texts(g.member))) == 2


async def test_weekly_event_keeps_berlin_wall_clock_across_dst_and_attendance_is_per_occurrence(
        events: EventsDesk) -> None:
    g, hearth = events.guild, events.hearth
    await hearth.bot.guild_settings.set(g.guild.id, "system", "timezone", "Europe/Berlin", changed_by=1)
    hearth.clock.set(datetime(2026, 3, 20, 12, tzinfo=UTC))
    # Tuesday 20:00 in Berlin: 19:00 UTC in winter; after the change of 29 March, 18:00 UTC.
    event_id = await events.create(title="Choir", start="2026-03-24 20:00", repeat="weekly", count=3,
                                   duration="2h")
    first = datetime(2026, 3, 24, 19, tzinfo=UTC)
    second = datetime(2026, 3, 31, 18, tzinfo=UTC)
    row = await hearth.db.fetchrow("SELECT rrule, occurrence_at FROM guild_events WHERE id = $1", event_id)
    assert row["rrule"] == "FREQ=WEEKLY;BYDAY=TU;COUNT=3" and row["occurrence_at"] == first
    await events.click(event_id, "Going", g.member)
    await hearth.move_clock(first + timedelta(hours=2))  # the first one ends: the next becomes live
    assert await hearth.db.fetchval("SELECT occurrence_at FROM guild_events WHERE id = $1", event_id) == second
    assert await events.statuses(event_id) == {}  # attendance is per occurrence
    message = await events.message(event_id)
    assert f"<t:{int(second.timestamp())}:F>" in message.embeds[0]["fields"][0]["value"]
    assert not any(button["disabled"] for button in message.buttons())
    await events.click(event_id, "Going", g.member)
    await hearth.move_clock(second - timedelta(minutes=15))
    assert f"<t:{int(second.timestamp())}:F>" in events.dm_texts(g.member)[-1]
    await hearth.move_clock(datetime(2026, 4, 7, 20, tzinfo=UTC))  # the third (last) ends
    assert await hearth.db.fetchval("SELECT status FROM guild_events WHERE id = $1", event_id) == "ended"
    assert await hearth.db.fetchval("SELECT count(*) FROM timers WHERE kind LIKE 'event%'") == 0


async def test_monthly_second_tuesday(events: EventsDesk) -> None:
    hearth = events.hearth
    event_id = await events.create(title="Meetup", start="2026-06-09 18:00", repeat="monthly_weekday",
                                   until="2026-12-31")
    rule = await hearth.db.fetchval("SELECT rrule FROM guild_events WHERE id = $1", event_id)
    assert rule == "FREQ=MONTHLY;BYDAY=2TU;UNTIL=20261231T235959"
    for ended, following in ((datetime(2026, 6, 9, 19, tzinfo=UTC), datetime(2026, 7, 14, 18, tzinfo=UTC)),
                             (datetime(2026, 7, 14, 19, tzinfo=UTC), datetime(2026, 8, 11, 18, tzinfo=UTC))):
        await hearth.move_clock(ended)
        assert await hearth.db.fetchval("SELECT occurrence_at FROM guild_events WHERE id = $1", event_id) == following


async def test_cancel_tells_every_attendee_and_drops_their_reminders(events: EventsDesk) -> None:
    g, d, hearth = events.guild, events.discord, events.hearth
    carol = g.guild.add_member("carol")
    await d.settle()
    event_id = await events.create(title="Picnic", start="2026-06-05 19:00", capacity=1)
    await events.click(event_id, "Going", g.member)
    await events.click(event_id, "Going", carol)  # waitlisted
    result = await events.run("cancel", event=event_id, reason="Rain")
    assert result.ephemeral and "2 attendee(s) were told" in result.text
    for person in (g.member, carol):
        assert "**Picnic**" in events.dm_texts(person)[-1] and "cancelled" in events.dm_texts(person)[-1]
        assert "Rain" in events.dm_texts(person)[-1]
    assert await hearth.db.fetchval("SELECT count(*) FROM timers WHERE kind LIKE 'event%'") == 0
    message = await events.message(event_id)
    assert "(cancelled)" in message.embeds[0]["title"] and all(b["disabled"] for b in message.buttons())


async def test_time_change_tells_attendees_and_moves_reminders(events: EventsDesk) -> None:
    g, hearth = events.guild, events.hearth
    event_id = await events.create(title="Talk", start="2026-06-05 19:00")
    await events.click(event_id, "Going", g.member)
    result = await events.run("edit", event=event_id, start="2026-06-06 18:00")
    assert "were told about the new time" in result.text
    new = datetime(2026, 6, 6, 18, tzinfo=UTC)
    assert f"<t:{int(new.timestamp())}:F>" in events.dm_texts(g.member)[-1]
    dues = sorted(r["due_at"] for r in await hearth.db.fetch("SELECT due_at FROM timers WHERE kind = 'event_reminder'"))
    assert dues == [new - timedelta(days=1), new - timedelta(hours=1), new - timedelta(minutes=15)]


async def test_bad_input_is_answered_privately(events: EventsDesk) -> None:
    g, d = events.guild, events.discord
    cases = [({"title": "X", "start": "yesterday 10:00"}, "is in the past"),
             ({"title": "   ", "start": "tomorrow 10:00"}, "can't be blank"),
             ({"title": "X", "start": "whenever"}, "couldn't read"),
             ({"title": "X", "start": "tomorrow 10:00", "duration": "forever"}, "is not a duration"),
             ({"title": "X", "start": "tomorrow 10:00", "days": "mon"}, "only apply to a repeating event"),
             ({"title": "X", "start": "tomorrow 10:00", "repeat": "weekly", "days": "funday"}, "is not a day"),
             ({"title": "X", "start": "tomorrow 10:00", "repeat": "daily", "until": "2026-13-01"}, "YYYY-MM-DD"),
             ({"title": "X", "start": "tomorrow 10:00", "location": "Hall",
               "voice": g.guild.add_voice_channel("Stage")}, "not both")]
    await d.settle()
    for options, expected in cases:
        with d.expect_errors(BadInput):
            result = await events.run("create", **options)
        assert result.ephemeral and expected in result.text, (options, result.text)
    with d.expect_errors(Exception):
        refused = await events.run("create", g.member, title="Mine", start="tomorrow 10:00")
    assert refused.ephemeral and "Only events staff" in refused.text
    with d.expect_errors(BadInput):
        missing = await events.run("edit", event=999, title="Nope")
    assert "There is no event #999" in missing.text
    assert await events.db.fetchval("SELECT count(*) FROM guild_events") == 0
    assert START  # the clock never moved
