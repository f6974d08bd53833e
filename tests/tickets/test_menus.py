"""The context menus: "Open a ticket about this message" (any member: the message quoted, a category choice when
the server has several, the same limits as /ticket open) and "Open a ticket for this user" (staff only)."""

from __future__ import annotations

from cogs.tickets.menus import ABOUT_MESSAGE, FOR_USER
from tests.kit.channels import can_view
from tests.kit.tickets import TicketDesk, control_message
from tests.tickets.test_categories import _two_categories
from utils.errors import UserFacingError


async def _opened(desk: TicketDesk, user_id: int) -> dict:
    row = await desk.hearth.db.fetchrow("SELECT * FROM support_tickets WHERE user_id = $1 ORDER BY id DESC LIMIT 1",
                                        user_id)
    assert row is not None
    return dict(row)


async def test_ticket_about_a_message_quotes_it(desk: TicketDesk) -> None:
    hearth, g = desk.hearth, desk.hearth.guild
    carl = g.guild.add_member("carl")
    await hearth.discord.settle()
    message = await hearth.discord.say(g.general, carl, "send me your password <@&1> @everyone")
    form = await hearth.discord.context_menu(ABOUT_MESSAGE, message, user=g.member)
    assert form.modal is not None and form.modal["title"] == "Open a ticket"
    opened = await hearth.discord.submit_modal(form, {"q0": "This user asks for passwords"})
    row = await _opened(desk, g.member.id)
    assert opened.followups[-1].content == f"🎫 Your ticket #{row['id']} is open: <#{row['channel_id']}>."
    assert row["description"] == "This user asks for passwords"
    channel = hearth.discord.world.channels[row["channel_id"]]
    head = control_message(desk, channel)
    quote = next(f for f in head.embeds[0]["fields"] if f["name"] == "About this message")["value"]
    assert f"<@{carl.id}>" in quote and "> send me your password" in quote and str(message.id) in quote
    assert not head.pings  # quoted mentions ping nobody
    assert can_view(desk.server, g.member, channel) and not can_view(desk.server, carl, channel)


async def test_ticket_about_a_message_asks_the_category(desk: TicketDesk) -> None:
    hearth, g = desk.hearth, desk.hearth.guild
    setup = await _two_categories(desk)
    message = await hearth.discord.say(g.general, g.member, "my payment failed")
    asked = await hearth.discord.context_menu(ABOUT_MESSAGE, message, user=g.member)
    assert asked.ephemeral and "What is your ticket about?" in asked.text
    form = await hearth.discord.select(asked.message, ["Billing"], user=g.member)
    assert form.modal is not None and form.modal["title"] == "Billing ticket"
    await hearth.discord.submit_modal(form, {"q0": "A-1", "q1": "charged twice"})
    row = await _opened(desk, g.member.id)
    assert row["category"] == "Billing" and row["answers"] == [["Your order number?", "A-1"],
                                                               ["What went wrong?", "charged twice"]]
    channel = hearth.discord.world.channels[row["channel_id"]]
    assert can_view(desk.server, setup["billing_staff"], channel)
    assert "my payment failed" in str(control_message(desk, channel).embeds[0])


async def test_ticket_about_a_message_keeps_the_open_ticket_limit(desk: TicketDesk) -> None:
    hearth, g = desk.hearth, desk.hearth.guild
    await hearth.bot.guild_settings.set(g.guild.id, "tickets", "max_open_per_user", 1, changed_by=1)
    message = await hearth.discord.say(g.general, g.member, "hello there")
    form = await hearth.discord.context_menu(ABOUT_MESSAGE, message, user=g.member)
    await hearth.discord.submit_modal(form, {"q0": "first ticket about this"})
    async with hearth.discord.expect_errors(UserFacingError):
        refused = await hearth.discord.context_menu(ABOUT_MESSAGE, message, user=g.member)
    assert "already have 1 open ticket" in refused.text and refused.modal is None


async def test_staff_opens_a_ticket_for_a_member(desk: TicketDesk) -> None:
    hearth, g = desk.hearth, desk.hearth.guild
    form = await hearth.discord.context_menu(FOR_USER, g.member, user=desk.staff)
    assert form.modal is not None
    done = await hearth.discord.submit_modal(form, {"q0": "We need to talk about your report"})
    row = await _opened(desk, g.member.id)
    assert row["user_id"] == g.member.id and row["description"] == "We need to talk about your report"
    assert done.followups[-1].content == f"🎫 Ticket #{row['id']} is open for <@{g.member.id}>: <#{row['channel_id']}>."
    channel = hearth.discord.world.channels[row["channel_id"]]
    assert can_view(desk.server, g.member, channel) and can_view(desk.server, desk.staff, channel)
    told = hearth.discord.last_message(channel)
    assert f"<@{desk.staff.id}> opened this ticket for you" in told.content
    assert told.pings.users == [g.member.id] and not told.pings.roles  # the member is told; nobody else is pinged
    head = control_message(desk, channel)
    assert {"name": "Opened by", "value": f"<@{desk.staff.id}> for <@{g.member.id}>", "inline": True} in \
        head.embeds[0]["fields"]


async def test_only_staff_open_tickets_for_others(desk: TicketDesk) -> None:
    hearth, g = desk.hearth, desk.hearth.guild
    carl = g.guild.add_member("carl")
    await hearth.discord.settle()
    async with hearth.discord.expect_errors(UserFacingError):
        refused = await hearth.discord.context_menu(FOR_USER, carl, user=g.member)
    assert "Only staff" in refused.text and refused.modal is None
    assert await hearth.db.fetchval("SELECT count(*) FROM support_tickets") == 0
