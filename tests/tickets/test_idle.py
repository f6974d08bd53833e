"""Idle handling of every active ticket (not only those waiting for the member): a warning, later the auto-close,
each a setting, counted from the last message by the opener or staff; and the auto-close when the opener leaves the
server, with a line in the ticket (hence its transcript)."""

from __future__ import annotations

from datetime import timedelta

from tests.kit.tickets import TicketDesk, open_ticket, ticket
from tests.standin import moderation

WARN, CLOSE = timedelta(hours=12), timedelta(hours=48)


async def _idle_on(desk: TicketDesk) -> None:
    settings = desk.hearth.bot.guild_settings
    await settings.set(desk.server.id, "tickets", "idle_warn_after", int(WARN.total_seconds()), changed_by=1)
    await settings.set(desk.server.id, "tickets", "idle_close_after", int(CLOSE.total_seconds()), changed_by=1)


def _warnings(desk: TicketDesk, channel) -> list:
    return [m for m in desk.hearth.discord.messages_in(channel) if m.content.startswith("⏰")]


async def test_idle_ticket_waiting_for_staff_is_warned_then_closed(desk: TicketDesk) -> None:
    hearth, g = desk.hearth, desk.hearth.guild
    await _idle_on(desk)
    row, channel = await open_ticket(desk)
    start = hearth.clock.now()
    await hearth.move_clock(start + WARN - timedelta(seconds=1))
    assert _warnings(desk, channel) == []
    # Staff answer: the clock starts again from their message.
    await hearth.move_clock(start + timedelta(hours=6))
    await hearth.discord.say(channel, desk.staff, "Looking into it")
    restart = hearth.clock.now()
    await hearth.move_clock(start + WARN)
    assert _warnings(desk, channel) == []
    await hearth.move_clock(restart + WARN)
    [warning] = _warnings(desk, channel)
    assert warning.content.startswith(f"⏰ <@{g.member.id}>, this ticket has been quiet for a while.")
    assert f"<t:{int((restart + CLOSE).timestamp())}:R>" in warning.content
    pings = warning.allowed_mentions
    assert [int(u) for u in pings["users"]] == [g.member.id] and not pings["parse"]
    await hearth.move_clock(restart + CLOSE - timedelta(seconds=1))
    assert (await ticket(desk, row["id"]))["status"] == "open" and len(_warnings(desk, channel)) == 1
    await hearth.move_clock(restart + CLOSE)
    closed = await ticket(desk, row["id"])
    assert closed["status"] == "closed" and closed["auto_closed"] is True
    assert closed["close_reason"] == "No activity for 48 hour(s)."
    assert "🔒 Ticket closed automatically (no activity)." in \
        [m.content.splitlines()[0] for m in hearth.discord.messages_in(channel)]
    assert await hearth.db.fetchval("SELECT count(*) FROM timers WHERE kind = 'ticket_idle'") == 0


async def test_idle_handling_is_off_by_default(desk: TicketDesk) -> None:
    hearth = desk.hearth
    row, channel = await open_ticket(desk)
    await hearth.move_clock(hearth.clock.now() + timedelta(days=30))
    assert (await ticket(desk, row["id"]))["status"] == "open" and _warnings(desk, channel) == []


async def test_opener_leaving_closes_their_ticket(desk: TicketDesk) -> None:
    hearth, g = desk.hearth, desk.hearth.guild
    await hearth.bot.guild_settings.set(desk.server.id, "tickets", "close_on_leave", True, changed_by=1)
    row, channel = await open_ticket(desk)
    other, _ = await open_ticket(desk, g.moderator, "Another member's question here")
    moderation.remove_member(g.guild, g.member)
    await hearth.discord.settle()
    closed = await ticket(desk, row["id"])
    assert closed["status"] == "closed" and closed["close_reason"] == "The member left the server."
    lines = [m.content for m in hearth.discord.messages_in(channel)]
    assert f"📤 bob ({g.member.id}) left the server." in lines
    assert any(line.startswith("🔒 Ticket closed automatically (the member left the server).") for line in lines)
    transcript = next(m for m in hearth.discord.messages_in(desk.logs) if m.attachments)
    text = next(a.data.decode() for a in transcript.attachments if a.filename.endswith(".txt"))
    assert f"bob ({g.member.id}) left the server." in text
    assert (await ticket(desk, other["id"]))["status"] == "open"  # someone else's ticket stays


async def test_leaving_keeps_the_ticket_when_the_setting_is_off(desk: TicketDesk) -> None:
    hearth, g = desk.hearth, desk.hearth.guild
    row, _ = await open_ticket(desk)
    moderation.remove_member(g.guild, g.member)
    await hearth.discord.settle()
    assert (await ticket(desk, row["id"]))["status"] == "open"
