"""Discord Scheduled Events kept in step through the real discord.py calls against the stand-in: created, edited,
started, completed and renewed for the next occurrence, cancelled; a missing permission told to the log channel."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import discord

from tests.kit.events import EventsDesk

EVENT = datetime(2026, 6, 5, 19, tzinfo=UTC)
ACTIVE, COMPLETED, CANCELED = 2, 3, 4


async def _scheduled_id(events: EventsDesk, event_id: int) -> int | None:
    return await events.db.fetchval("SELECT scheduled_event_id FROM guild_events WHERE id = $1", event_id)


async def test_created_edited_and_cancelled_in_step(events: EventsDesk) -> None:
    g = events.guild
    event_id = await events.create(title="Game night", start="2026-06-05 19:00", duration="2h",
                                   description="Bring snacks", location="Hall B")
    mirror = g.guild.scheduled_events[await _scheduled_id(events, event_id)]
    assert (mirror.name, mirror.start, mirror.end) == ("Game night", EVENT, EVENT + timedelta(hours=2))
    assert (mirror.entity_type, mirror.location, mirror.description) == (3, "Hall B", "Bring snacks")
    await events.run("edit", event=event_id, start="2026-06-06 18:00", title="Game night!")
    moved = datetime(2026, 6, 6, 18, tzinfo=UTC)
    assert (mirror.name, mirror.start, mirror.end) == ("Game night!", moved, moved + timedelta(hours=2))
    await events.run("cancel", event=event_id)
    assert mirror.status == CANCELED


async def test_voice_event_uses_the_channel(events: EventsDesk) -> None:
    g, d = events.guild, events.discord
    lounge = g.guild.add_voice_channel("Lounge")
    await d.settle()
    event_id = await events.create(title="Chill", start="2026-06-05 19:00", voice=lounge)
    mirror = g.guild.scheduled_events[await _scheduled_id(events, event_id)]
    assert (mirror.entity_type, mirror.channel_id, mirror.location) == (2, lounge.id, None)


async def test_recurring_event_starts_completes_and_renews_for_the_next_occurrence(events: EventsDesk) -> None:
    g, hearth = events.guild, events.hearth
    event_id = await events.create(title="Standup", start="2026-06-05 19:00", repeat="daily", count=2)
    first = g.guild.scheduled_events[await _scheduled_id(events, event_id)]
    await hearth.move_clock(EVENT)
    assert first.status == ACTIVE
    await hearth.move_clock(EVENT + timedelta(hours=1))
    assert first.status == COMPLETED
    second = g.guild.scheduled_events[await _scheduled_id(events, event_id)]
    assert second.id != first.id and second.start == EVENT + timedelta(days=1) and second.status == 1
    await hearth.move_clock(EVENT + timedelta(days=1))
    await hearth.move_clock(EVENT + timedelta(days=1, hours=1))
    assert second.status == COMPLETED
    assert await _scheduled_id(events, event_id) is None
    assert await events.db.fetchval("SELECT status FROM guild_events WHERE id = $1", event_id) == "ended"


async def test_missing_create_events_is_told_to_the_log_channel(events: EventsDesk) -> None:
    g, d = events.guild, events.discord
    logs = g.guild.add_text_channel("mod-logs")
    bot_perms = [name for name, value in discord.Permissions.all() if value
                 and name not in ("administrator", "create_events", "manage_events")]
    g.guild.set_role_permissions(g.guild.bot_role, bot_perms)
    await d.settle()
    await events.setting("system", "log_channel", logs.id)
    event_id = await events.create(title="Quiet", start="2026-06-05 19:00")
    assert await _scheduled_id(events, event_id) is None and g.guild.scheduled_events == {}
    told = [m.content for m in d.messages_in(logs)]
    assert len(told) == 1 and "**Quiet**" in told[0] and "Create Events" in told[0]


async def test_no_discord_event_for_an_organiser_who_could_not_make_one(events: EventsDesk) -> None:
    g = events.guild
    await events.setting("events", "members_can_create", True)
    event_id = await events.create(g.member, title="Bob's picnic", start="2026-06-05 19:00")
    assert await _scheduled_id(events, event_id) is None and g.guild.scheduled_events == {}
    planner = g.guild.add_member("planner", permissions=["create_events"])
    await events.discord.settle()
    planned = await events.create(planner, title="Planned", start="2026-06-05 19:00")
    assert g.guild.scheduled_events[await _scheduled_id(events, planned)].name == "Planned"
