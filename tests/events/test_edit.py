"""`/event edit` beyond the time: the place (a location or a voice channel, in step with Discord's scheduled
event), the role sign-ups need, approval turned on and off (the waiting sign-ups accepted and told), and the
refusals that change nothing."""

from __future__ import annotations

from tests.kit.events import EventsDesk
from utils.errors import BadInput

EXTERNAL, VOICE = 3, 2  # Discord's scheduled-event entity types


async def _row(events: EventsDesk, event_id: int):
    return await events.db.fetchrow(
        "SELECT location, voice_channel_id, required_role_id, approval, scheduled_event_id FROM guild_events "
        "WHERE id = $1", event_id)


async def test_the_place_moves_between_a_location_and_a_voice_channel(events: EventsDesk) -> None:
    g, d = events.guild, events.discord
    lounge = g.guild.add_voice_channel("Lounge")
    await d.settle()
    event_id = await events.create(title="Game night", start="2026-06-05 19:00", location="Hall B")
    done = await events.run("edit", event=event_id, voice=lounge)
    assert done.text.startswith("✅"), done.text
    row = await _row(events, event_id)
    assert (row["location"], row["voice_channel_id"]) == (None, lounge.id)
    mirror = g.guild.scheduled_events[row["scheduled_event_id"]]
    assert (mirror.entity_type, mirror.channel_id, mirror.location) == (VOICE, lounge.id, None)
    assert lounge.mention in str((await events.message(event_id)).embeds[0])

    await events.run("edit", event=event_id, location="Hall C")
    row = await _row(events, event_id)
    assert (row["location"], row["voice_channel_id"]) == ("Hall C", None)
    mirror = g.guild.scheduled_events[row["scheduled_event_id"]]
    assert (mirror.entity_type, mirror.location) == (EXTERNAL, "Hall C")


async def test_a_role_needed_from_now_on_then_anyone_again(events: EventsDesk) -> None:
    g, d = events.guild, events.discord
    raiders = g.guild.add_role("Raiders", [])
    carol = g.guild.add_member("carol")
    await d.settle()
    event_id = await events.create(title="Raid night", start="2026-06-05 19:00")
    await events.click(event_id, "Going", carol)
    await events.run("edit", event=event_id, role=raiders)
    assert (await _row(events, event_id))["required_role_id"] == raiders.id
    refused = await events.click(event_id, "Going", g.member)
    assert "Only members with the" in refused.text and f"<@&{raiders.id}>" in refused.text
    assert await events.statuses(event_id) == {carol.id: "going"}  # who signed up before stays

    await events.run("edit", event=event_id, anyone=True)
    assert (await _row(events, event_id))["required_role_id"] is None
    await events.click(event_id, "Going", g.member)
    assert await events.statuses(event_id) == {carol.id: "going", g.member.id: "going"}


async def test_approval_turned_off_accepts_the_waiting_sign_ups_up_to_the_capacity(events: EventsDesk) -> None:
    g, d = events.guild, events.discord
    carol, dave = g.guild.add_member("carol"), g.guild.add_member("dave")
    await d.settle()
    event_id = await events.create(title="Workshop", start="2026-06-05 19:00", capacity=2)
    await events.run("edit", event=event_id, approval=True)
    for person in (g.member, carol, dave):
        await events.click(event_id, "Going", person)
    assert set((await events.statuses(event_id)).values()) == {"pending"}

    await events.run("edit", event=event_id, approval=False)
    assert await events.statuses(event_id) == {g.member.id: "going", carol.id: "going", dave.id: "waitlist"}
    assert "**Workshop**" in events.dm_texts(g.member)[-1] and "no longer needs approval: you're going" in \
        events.dm_texts(g.member)[-1]
    assert "you're on the waitlist" in events.dm_texts(dave)[-1]
    # The accepted members get their reminders like anyone going.
    assert await events.db.fetchval(
        "SELECT count(*) FROM timers WHERE kind = 'event_reminder' AND payload->>'user_id' = $1",
        str(carol.id)) >= 1


async def test_refusals_change_nothing(events: EventsDesk) -> None:
    g, d = events.guild, events.discord
    lounge = g.guild.add_voice_channel("Lounge")
    secret = g.guild.add_voice_channel("Staff room")
    g.guild.set_overwrite(secret, "everyone", deny=["view_channel"])  # the admin has Manage Server, not Administrator
    raiders = g.guild.add_role("Raiders", [])
    await d.settle()
    event_id = await events.create(title="Meetup", start="2026-06-05 19:00", location="Park")
    with d.expect_errors(BadInput):
        both = await events.run("edit", event=event_id, location="Hall", voice=lounge)
        hidden = await events.run("edit", event=event_id, voice=secret)
        clash = await events.run("edit", event=event_id, role=raiders, anyone=True)
        nothing = await events.run("edit", event=event_id, anyone=False)
    assert both.ephemeral and "Give a location or a voice channel, not both." in both.text
    assert hidden.ephemeral and f"You can't see {secret.mention}" in hidden.text
    assert clash.ephemeral and "not both" in clash.text
    assert nothing.ephemeral and "Say what to change." in nothing.text
    row = await _row(events, event_id)
    assert (row["location"], row["voice_channel_id"], row["required_role_id"]) == ("Park", None, None)
