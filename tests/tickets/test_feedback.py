"""After close: the opener's rating (1–5 stars and a comment, asked once, stored with the category and the staff
member), averaged per category and staff member in /ticket_stats; the transcript kept and fetched after a restart
by staff and the opener (HTML escaped), not by others; /ticket priority and /tickets."""

from __future__ import annotations

from tests.kit.tickets import TicketDesk, control_message, open_ticket, ticket
from utils.errors import UserFacingError


async def _closed(desk: TicketDesk, description: str = "My game keeps crashing <script>alert(1)</script>"):
    hearth, g = desk.hearth, desk.hearth.guild
    row, channel = await open_ticket(desk, description=description)
    await hearth.discord.click(control_message(desk, channel), "Claim", user=desk.staff)
    await hearth.discord.say(channel, g.member, "It says <b>error</b> & quits")
    closing = await hearth.discord.click(control_message(desk, channel), "Close", user=desk.staff)
    await hearth.discord.submit_modal(closing, {"reason": "Fixed"})
    return row["id"], channel


def _question(desk: TicketDesk, channel):
    return next(m for m in desk.hearth.discord.messages_in(channel) if m.content.startswith("⭐"))


async def test_feedback_asked_once_stored_and_averaged(desk: TicketDesk) -> None:
    hearth, g = desk.hearth, desk.hearth.guild
    tid, channel = await _closed(desk)
    question = _question(desk, channel)
    assert [b["label"] for b in question.buttons()] == ["★", "★★", "★★★", "★★★★", "★★★★★"]
    assert [int(u) for u in question.allowed_mentions["users"]] == [g.member.id]

    refused = await hearth.discord.click(question, "★★★★★", user=desk.staff)
    assert refused.text == "Only the member who opened this ticket can rate it."

    await hearth.restart()  # the stars keep working
    form = await hearth.discord.click(question, "★★★★", user=g.member)
    done = await hearth.discord.submit_modal(form, {"comment": "Quick and kind"})
    assert done.text == f"Thank you! You rated ticket #{tid} ★★★★☆."
    row = await hearth.db.fetchrow("SELECT * FROM ticket_feedback WHERE ticket_id = $1", tid)
    assert (row["stars"], row["comment"], row["staff_id"], row["user_id"]) == (4, "Quick and kind", desk.staff.id,
                                                                            g.member.id)
    again = await hearth.discord.click(question, "★", user=g.member)
    assert again.text == f"You already rated ticket #{tid}. Thank you!"
    assert await hearth.db.fetchval("SELECT count(*) FROM ticket_feedback") == 1

    _, channel2 = await _closed(desk, "A second problem with my account")
    form = await hearth.discord.click(_question(desk, channel2), "★★", user=g.member)
    await hearth.discord.submit_modal(form, {})
    stats = await hearth.discord.slash("ticket_stats", user=desk.staff, guild=g.guild, period="all")
    rated = stats.embeds[1]
    assert rated["title"] == "Feedback" and rated["description"] == "**3.00** / 5 from 2 rating(s)"
    fields = {f["name"]: f["value"] for f in rated["fields"]}
    assert fields["Per staff member"] == f"<@{desk.staff.id}>: 3.00 (2)"
    assert fields["Per category"] == "No category: 3.00 (2)"


async def test_transcript_kept_and_fetched_after_restart(desk: TicketDesk) -> None:
    hearth, g = desk.hearth, desk.hearth.guild
    tid, _ = await _closed(desk)
    await hearth.discord.click(next(m for m in hearth.discord.messages_in(desk.hearth.discord.world.channels[
        (await ticket(desk, tid))["channel_id"]]) if m.content.startswith("🔒")), "Archive now", user=desk.staff)
    assert (await ticket(desk, tid))["status"] == "archived"
    await hearth.restart()
    for who in (desk.staff, g.member):
        got = await hearth.discord.slash("ticket transcript", user=who, guild=g.guild, ticket=tid)
        [page] = got.files
        html = page.data.decode()
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>" not in html
        assert "It says &lt;b&gt;error&lt;/b&gt; &amp; quits" in html
    with hearth.discord.expect_errors(UserFacingError):
        refused = await hearth.discord.slash("ticket transcript", user=g.moderator, guild=g.guild, ticket=tid)
    assert refused.text.startswith("Only staff and the member who opened the ticket")


async def test_priority_and_my_tickets(desk: TicketDesk) -> None:
    hearth, g = desk.hearth, desk.hearth.guild
    row, channel = await open_ticket(desk)
    with hearth.discord.expect_errors(UserFacingError):
        await hearth.discord.slash("ticket priority", user=g.member, guild=g.guild, channel=channel, level="urgent")
    done = await hearth.discord.slash("ticket priority", user=desk.staff, guild=g.guild, channel=channel,
                                      level="urgent")
    assert done.text == f"Ticket #{row['id']} is now **urgent** priority."
    assert (await ticket(desk, row["id"]))["priority"] == "urgent"
    mine = await hearth.discord.slash("tickets", user=g.member, guild=g.guild)
    assert mine.ephemeral and mine.text.startswith(f"**#{row['id']}** · open · 🔴")
    others = await hearth.discord.slash("tickets", user=g.moderator, guild=g.guild)
    assert others.text == "You have no tickets here."
