"""Guild isolation (guild A never sees or changes guild B's events) and the feed listing of the events API."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from cogs.events.api import EventsApi
from tests.events.conftest import START
from tests.kit.events import EventsDesk
from utils.errors import BadInput


async def test_guilds_cannot_see_or_touch_each_others_events(events: EventsDesk) -> None:
    d = events.discord
    other = d.add_guild("Other")
    other_general = other.add_text_channel("general")
    boss = other.add_member("boss", permissions=["manage_events"])
    await d.settle()
    made = await d.slash("event create", user=boss, guild=other, channel=other_general, title="Their party",
                         start="2026-06-05 19:00")
    assert made.text.startswith("✅"), made.text
    theirs = await events.db.fetchval("SELECT id FROM guild_events WHERE title = 'Their party'")
    assert await events.db.fetchval("SELECT guild_id FROM guild_events WHERE id = $1", theirs) == other.id
    assert other_general.id == await events.db.fetchval("SELECT channel_id FROM guild_events WHERE id = $1", theirs)
    listing = await events.run("list")
    assert "Their party" not in listing.text and "No upcoming events" in listing.text
    for command, extra in (("edit", {"title": "Mine now"}), ("cancel", {}), ("show", {})):
        with d.expect_errors(BadInput):
            result = await events.run(command, event=theirs, **extra)
        assert f"There is no event #{theirs} on this server." in result.text
    assert await events.db.fetchval("SELECT title FROM guild_events WHERE id = $1", theirs) == "Their party"


async def test_feed_lists_events_with_zone_rule_and_link(events: EventsDesk) -> None:
    g, hearth = events.guild, events.hearth
    await hearth.bot.guild_settings.set(g.guild.id, "system", "timezone", "Europe/Berlin", changed_by=1)
    event_id = await events.create(title="Choir", start="2026-06-09 20:00", repeat="weekly", days="tue,thu",
                                   duration="90m", location="Church hall")
    cancelled = await events.create(title="Gone", start="2026-06-10 20:00")
    await events.run("cancel", event=cancelled)
    feed = await hearth.bot.apis.get(EventsApi).feed(g.guild.id)
    assert [entry.title for entry in feed] == ["Choir"]
    entry = feed[0]
    assert entry.timezone == "Europe/Berlin" and entry.start.utcoffset() == timedelta(hours=2)
    assert entry.start.astimezone(UTC) == datetime(2026, 6, 9, 18, tzinfo=UTC)
    assert entry.rrule == "FREQ=WEEKLY;BYDAY=TU,TH" and entry.duration == timedelta(minutes=90)
    assert entry.location == "Church hall" and entry.uid == f"event-{event_id}-{g.guild.id}@hearth"
    message = await events.message(event_id)
    assert entry.url == f"https://discord.com/channels/{g.guild.id}/{g.general.id}/{message.id}"
    assert entry.sequence == 0 and entry.last_modified == START
    hearth.clock.set(START + timedelta(minutes=5))
    await events.run("edit", event=event_id, title="Choir (new)")
    await events.run("edit", event=event_id, duration="2h")
    entry = (await hearth.bot.apis.get(EventsApi).feed(g.guild.id))[0]
    assert entry.sequence == 1 and entry.last_modified == START + timedelta(minutes=5)


async def test_autocomplete_offers_members_only_their_own_events_to_edit(events: EventsDesk) -> None:
    g, d = events.guild, events.discord
    await events.setting("events", "members_can_create", True)
    staff_event = await events.create(title="Staff meetup", start="2026-06-05 19:00")
    own = await events.create(g.member, title="Bob's meetup", start="2026-06-06 19:00")
    mine = await d.autocomplete("event edit", "event", user=g.member, partial="meetup")
    assert [choice["value"] for choice in mine] == [own]
    everything = await d.autocomplete("event edit", "event", user=g.admin, partial="meetup")
    assert [choice["value"] for choice in everything] == [staff_event, own]
    shown = await d.autocomplete("event show", "event", user=g.member, partial="")
    assert [choice["value"] for choice in shown] == [staff_event, own]


async def test_list_and_show(events: EventsDesk) -> None:
    g = events.guild
    later = await events.create(title="Later", start="2026-06-09 19:00", approval=True)
    sooner = await events.create(title="Sooner", start="2026-06-05 19:00", repeat="daily", count=3)
    await events.click(later, "Going", g.member)
    listing = await events.run("list", g.member)
    assert listing.ephemeral and listing.text.index("Sooner") < listing.text.index("Later")
    assert f"#{sooner}" in listing.text and "every day, 3 times" in listing.text
    as_member = await events.run("show", g.member, event=later)
    assert as_member.ephemeral and "Awaiting approval" in as_member.text
    assert "Waiting for approval" not in as_member.text
    as_organiser = await events.run("show", event=later)
    assert f"<@{g.member.id}>" in as_organiser.text and "Waiting for approval" in as_organiser.text
