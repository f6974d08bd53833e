"""GDPR and tickets: a staff member's export holds what they did as staff by row id and role only — never the
opener's id, name or description, nor a note they wrote about someone else's ticket — while the opener's export
holds their ticket whole. Erasure of a staff member also removes them from /ticket_stats snapshots."""

from __future__ import annotations

import json

from tests.kit.tickets import TicketDesk, control_message, open_ticket

DESCRIPTION = "My card was charged twice for premium"
NOTE = "Refunded by hand, member seemed upset"


async def _export(desk: TicketDesk, who) -> tuple[str, dict]:
    hearth = desk.hearth
    result = await hearth.discord.slash("export_my_data", user=who, guild=hearth.guild.guild)
    message = result.followups[0] if result.followups else result.message
    raw = message.attachments[0].data
    return raw.decode() if isinstance(raw, bytes) else raw, json.loads(raw)


async def _handled_ticket(desk: TicketDesk) -> int:
    """The member opens a ticket; the staff member claims it, notes it, closes it and runs /ticket_stats."""
    hearth, g = desk.hearth, desk.hearth.guild
    row, channel = await open_ticket(desk, g.member, DESCRIPTION)
    await hearth.discord.click(control_message(desk, channel), "Claim", user=desk.staff)
    await hearth.discord.slash("ticket note", user=desk.staff, guild=g.guild, channel=channel, text=NOTE)
    asked = await hearth.discord.slash("ticket close", user=desk.staff, guild=g.guild, channel=channel)
    await hearth.discord.click(asked, "Close ticket", user=desk.staff)
    stats = await hearth.discord.slash("ticket_stats", user=desk.staff, guild=g.guild, period="7d")
    assert stats.embeds, stats.text
    return row["id"]


async def test_a_staff_members_export_holds_no_other_members_data(desk: TicketDesk) -> None:
    g = desk.hearth.guild
    ticket_id = await _handled_ticket(desk)
    raw, document = await _export(desk, desk.staff)
    tickets = document["data"]["tickets"]
    assert tickets["support_tickets"] == [{"id": ticket_id, "role": "claimed_by"},
                                          {"id": ticket_id, "role": "closed_by"}]
    [note] = tickets["ticket_notes"]
    assert set(note) == {"id", "role"} and note["role"] == "author_id"
    assert [row["role"] for row in tickets["ticket_metrics"]] == ["triggered_by", "closed_per_staff"]
    assert tickets["ticket_metrics"][1]["closed"] == 1
    # Nothing of the member anywhere in the file: not their id, name, description, nor the note about them.
    for secret in (str(g.member.id), DESCRIPTION, NOTE, g.member.user.username):
        assert secret not in raw, secret


async def test_the_openers_export_holds_their_ticket(desk: TicketDesk) -> None:
    g = desk.hearth.guild
    ticket_id = await _handled_ticket(desk)
    _, document = await _export(desk, g.member)
    [mine] = document["data"]["tickets"]["support_tickets"]
    assert (mine["id"], mine["description"], mine["user_id"]) == (ticket_id, DESCRIPTION, g.member.id)


async def test_erasing_a_staff_member_removes_them_from_stats_snapshots(desk: TicketDesk) -> None:
    hearth = desk.hearth
    await _handled_ticket(desk)
    snapshot = await hearth.db.fetchval("SELECT snapshot FROM ticket_metrics")
    assert {"user_id": desk.staff.id, "closed": 1} in snapshot["closed_per_staff"]
    prompt = await hearth.discord.slash("delete_my_data", user=desk.staff, guild=hearth.guild.guild)
    await hearth.discord.click(prompt, "Delete everything", user=desk.staff)
    row = await hearth.db.fetchrow("SELECT triggered_by, snapshot FROM ticket_metrics")
    assert row["triggered_by"] is None
    assert row["snapshot"]["closed_per_staff"] == [{"user_id": None, "closed": 1}]
    assert str(desk.staff.id) not in json.dumps(row["snapshot"])
