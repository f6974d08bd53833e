"""Sign-ups end to end: capacity and the waitlist, approval, a required role, the throttled message."""

from __future__ import annotations

from datetime import timedelta

from tests.events.conftest import START
from tests.kit.events import EventsDesk


async def test_capacity_fills_then_waitlist_is_promoted_and_dmed(events: EventsDesk) -> None:
    g, d = events.guild, events.discord
    carol, dave = (g.guild.add_member(name) for name in ("carol", "dave"))
    await d.settle()
    event_id = await events.create(title="Board games", start="2026-06-05 19:00", capacity=2)
    for person in (g.member, carol, dave):
        await events.click(event_id, "Going", person)
    assert await events.statuses(event_id) == {g.member.id: "going", carol.id: "going", dave.id: "waitlist"}
    answer = await events.click(event_id, "Going", dave)
    assert answer.ephemeral and answer.text.startswith("No change") and "waitlist" in answer.text
    # Bob can't come after all: dave moves up and is told.
    result = await events.click(event_id, "Can't", g.member)
    assert result.ephemeral and "can't come" in result.text
    assert await events.statuses(event_id) == {g.member.id: "declined", carol.id: "going", dave.id: "going"}
    dms = events.dm_texts(dave)
    assert len(dms) == 1 and "A place opened up" in dms[0] and "Board games" in dms[0]
    assert events.dm_texts(carol) == []
    # Dave now has his three reminders; bob has none.
    keys = {r["key"] for r in await events.db.fetch("SELECT key FROM timers WHERE kind = 'event_reminder'")}
    assert {k.split(":")[2] for k in keys} == {str(carol.id), str(dave.id)} and len(keys) == 6


async def test_message_edits_are_throttled_and_show_the_last_state(events: EventsDesk) -> None:
    g, d = events.guild, events.discord
    people = [g.guild.add_member(f"fan{n}") for n in range(4)]
    await d.settle()
    event_id = await events.create(title="Launch", start="2026-06-05 19:00")
    message = await events.message(event_id)
    edits_before = len(message.history)
    for person in people:
        await events.click(event_id, "Going", person)
    message = await events.message(event_id)
    assert len(message.history) == edits_before + 1  # the first answer at once, the rest coalesced
    assert "Going (1)" in str(message.embeds[0])
    events.hearth.clock.set(START + timedelta(seconds=5))
    await d.settle()
    message = await events.message(event_id)
    assert len(message.history) == edits_before + 2
    going = next(f for f in message.embeds[0]["fields"] if f["name"].startswith("✅ Going"))
    assert going["name"] == "✅ Going (4)" and all(f"<@{p.id}>" in going["value"] for p in people)


async def test_required_role_is_refused_with_a_clear_message(events: EventsDesk) -> None:
    g, d = events.guild, events.discord
    raiders = g.guild.add_role("Raiders", [])
    await d.settle()
    event_id = await events.create(title="Raid night", start="2026-06-05 19:00", role=raiders)
    result = await events.click(event_id, "Going", g.member)
    assert result.ephemeral and "Only members with the" in result.text and f"<@&{raiders.id}>" in result.text
    assert await events.statuses(event_id) == {}
    declined = await events.click(event_id, "Can't", g.member)  # saying no needs no role
    assert declined.ephemeral and await events.statuses(event_id) == {g.member.id: "declined"}


async def test_approval_queue_asks_the_organiser_and_tells_the_member(events: EventsDesk) -> None:
    g, d = events.guild, events.discord
    carol = g.guild.add_member("carol")
    await d.settle()
    event_id = await events.create(title="Workshop", start="2026-06-05 19:00", approval=True)
    answer = await events.click(event_id, "Going", g.member)
    assert "organiser approves" in answer.text
    await events.click(event_id, "Going", carol)
    assert await events.statuses(event_id) == {g.member.id: "pending", carol.id: "pending"}
    requests = d.dms_to(g.admin)
    assert len(requests) == 2 and "wants to join **Workshop**" in requests[0].content
    assert await events.db.fetchval("SELECT count(*) FROM timers WHERE kind = 'event_reminder'") == 0
    # Someone else can't decide.
    refused = await d.click(requests[0], "Approve", user=carol)
    assert "Only the event's organiser" in refused.text
    decided = await d.click(requests[0], "Approve", user=g.admin)
    assert "approved: going" in decided.content
    await d.click(requests[1], "Deny", user=g.admin)
    assert await events.statuses(event_id) == {g.member.id: "going", carol.id: "declined"}
    assert "organiser approved your sign-up for **Workshop**" in events.dm_texts(g.member)[-1]
    assert "was not approved" in events.dm_texts(carol)[-1]
    assert await events.db.fetchval("SELECT count(*) FROM timers WHERE kind = 'event_reminder'") == 3


async def test_signups_close_at_the_start(events: EventsDesk) -> None:
    event_id = await events.create(title="Soon", start="2026-06-01 14:00")  # UTC server: 14:00 UTC
    await events.hearth.move_clock(START.replace(hour=14))
    message = await events.message(event_id)
    assert all(button["disabled"] for button in message.buttons())
    assert "sign-ups are closed" in message.embeds[0]["footer"]["text"]


async def test_buttons_work_after_a_restart_and_a_pending_edit_is_made_at_shutdown(events: EventsDesk) -> None:
    g, d = events.guild, events.discord
    carol = g.guild.add_member("carol")
    await d.settle()
    event_id = await events.create(title="Hike", start="2026-06-05 08:00")
    await events.click(event_id, "Going", g.member)
    await events.click(event_id, "Maybe", carol)  # within 5 s: waits for the trailing edit
    assert "Maybe (0)" in str((await events.message(event_id)).embeds[0])
    await events.hearth.restart()  # the old bot makes its pending edit as it unloads
    assert "❔ Maybe (1)" in str((await events.message(event_id)).embeds[0])
    result = await events.click(event_id, "Can't", carol)
    assert result.ephemeral and await events.statuses(event_id) == {g.member.id: "going", carol.id: "declined"}


async def test_promotion_with_closed_dms_still_promotes(events: EventsDesk) -> None:
    g, d = events.guild, events.discord
    carol = g.guild.add_member("carol")
    carol.user.dms_open = False
    await d.settle()
    event_id = await events.create(title="Dinner", start="2026-06-05 19:00", capacity=1)
    await events.click(event_id, "Going", g.member)
    await events.click(event_id, "Going", carol)
    await events.click(event_id, "Can't", g.member)
    assert await events.statuses(event_id) == {g.member.id: "declined", carol.id: "going"}
    assert events.dm_texts(carol) == []
