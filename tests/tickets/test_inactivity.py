"""The inactivity clock of a ticket waiting for its member, on the hand-moved clock: a warning after
`warn_after`, an automatic close after `close_after`, both counted from the member's last message; only the
member's own messages restart it. And the archive delay after closing."""

from __future__ import annotations

from datetime import timedelta

from tests.kit.tickets import TicketDesk, open_ticket, ticket

WARN = timedelta(hours=24)
CLOSE = timedelta(hours=72)


async def _waiting(desk: TicketDesk):
    row, channel = await open_ticket(desk)
    result = await desk.hearth.discord.slash("ticket wait", user=desk.staff, guild=desk.hearth.guild.guild,
                                             channel=channel)
    assert result.text == f"Ticket #{row['id']} is now waiting for the member."
    return row["id"], channel, desk.hearth.clock.now()


def _warnings(desk: TicketDesk, channel) -> list:
    return [m for m in desk.hearth.discord.messages_in(channel) if m.content.startswith("⏰")]


async def test_warns_then_closes_automatically(desk: TicketDesk) -> None:
    hearth, g = desk.hearth, desk.hearth.guild
    tid, channel, start = await _waiting(desk)
    await hearth.move_clock(start + WARN - timedelta(seconds=1))
    assert _warnings(desk, channel) == []
    await hearth.move_clock(start + WARN)
    [warning] = _warnings(desk, channel)
    assert warning.content.startswith(f"⏰ <@{g.member.id}>, we're waiting for your reply.")
    assert f"<t:{int((start + CLOSE).timestamp())}:R>" in warning.content
    assert (await ticket(desk, tid))["inactivity_warned_at"] == start + WARN
    await hearth.move_clock(start + CLOSE - timedelta(seconds=1))
    assert (await ticket(desk, tid))["status"] == "waiting_for_user"
    assert len(_warnings(desk, channel)) == 1  # warned once
    await hearth.move_clock(start + CLOSE)
    row = await ticket(desk, tid)
    assert row["status"] == "closed" and row["auto_closed"] is True
    assert row["closed_by"] == hearth.bot.user.id and row["closed_at"] == start + CLOSE
    assert row["close_reason"] == "No reply from the member for 72 hour(s)."
    assert "🔒 Ticket closed automatically (no reply from the member)." in \
        [m.content.splitlines()[0] for m in hearth.discord.messages_in(channel)]
    log = hearth.discord.last_message(desk.logs)
    assert log.embeds[0]["title"] == f"Ticket #{tid} closed"
    assert {"name": "Closed by", "value": "auto-close", "inline": True} in log.embeds[0]["fields"]
    assert await hearth.db.fetchval("SELECT count(*) FROM timers WHERE kind = 'ticket_inactivity'") == 0


async def test_the_members_reply_restarts_the_clock_and_staff_replies_do_not(desk: TicketDesk) -> None:
    hearth, g = desk.hearth, desk.hearth.guild
    tid, channel, start = await _waiting(desk)
    await hearth.move_clock(start + timedelta(hours=20))
    await hearth.discord.say(channel, desk.staff, "Any news?")  # staff: the clock keeps running
    assert (await ticket(desk, tid))["last_opener_activity_at"] == start
    await hearth.discord.say(channel, g.member, "Still looking into it")
    replied = start + timedelta(hours=20)
    assert (await ticket(desk, tid))["last_opener_activity_at"] == replied
    assert await hearth.bot.timers.due_at("ticket_inactivity", str(tid)) == replied + WARN
    await hearth.move_clock(start + WARN)
    assert _warnings(desk, channel) == []  # the old deadline passed quietly
    await hearth.move_clock(replied + WARN)
    assert len(_warnings(desk, channel)) == 1
    # Another reply after the warning: the warning state resets and the close moves too.
    await hearth.discord.say(channel, g.member, "Found it, here are the logs")
    again = replied + WARN
    await hearth.move_clock(replied + CLOSE)
    assert (await ticket(desk, tid))["status"] == "waiting_for_user"
    await hearth.move_clock(again + WARN)
    assert len(_warnings(desk, channel)) == 2
    await hearth.move_clock(again + CLOSE)
    assert (await ticket(desk, tid))["status"] == "closed"


async def test_leaving_the_waiting_state_stops_the_clock(desk: TicketDesk) -> None:
    hearth = desk.hearth
    tid, channel, start = await _waiting(desk)
    await hearth.discord.slash("ticket claim", user=desk.staff, guild=hearth.guild.guild, channel=channel)
    assert await hearth.db.fetchval("SELECT count(*) FROM timers WHERE kind = 'ticket_inactivity'") == 0
    await hearth.move_clock(start + CLOSE)
    assert (await ticket(desk, tid))["status"] == "claimed"
    assert _warnings(desk, channel) == []


async def test_closed_tickets_are_archived_after_the_delay(desk: TicketDesk) -> None:
    hearth, g = desk.hearth, desk.hearth.guild
    row, channel = await open_ticket(desk)
    asked = await hearth.discord.slash("ticket close", user=desk.staff, guild=g.guild, channel=channel)
    await hearth.discord.click(asked, "Close ticket", user=desk.staff)
    closed_at = hearth.clock.now()
    await hearth.move_clock(closed_at + timedelta(hours=23))
    assert channel.id in hearth.discord.world.channels
    await hearth.move_clock(closed_at + timedelta(hours=24))
    assert channel.id not in hearth.discord.world.channels
    row = await ticket(desk, row["id"])
    assert row["status"] == "archived" and row["archived_by"] == hearth.bot.user.id
