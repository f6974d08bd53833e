"""Opening tickets and moving them through the lifecycle: who may do what, the channel's overwrites at each
step, invalid transitions, buttons after a restart, guild isolation, missing permissions, the 50-channel limit."""

from __future__ import annotations

import re
from dataclasses import dataclass

import discord

from tests.hearth_harness import Hearth
from tests.kit.channels import can_send, can_view, overwrite
from tests.kit.tickets import TicketDesk, control_message, open_ticket, ticket
from tests.standin import permissions as perms
from tests.standin.models import Channel, Message
from utils.errors import BadInput, UserFacingError

PARTICIPANT = discord.Permissions(view_channel=True, send_messages=True, read_message_history=True,
                                  attach_files=True, embed_links=True)


async def test_open_creates_a_private_channel(desk: TicketDesk) -> None:
    g = desk.hearth.guild
    row, channel = await open_ticket(desk)
    assert row["status"] == "open" and row["guild_id"] == g.guild.id and row["username"] == "bob"
    assert channel.name == f"ticket-{row['id']}" and channel.parent_id == desk.category.id
    assert overwrite(channel, g.guild.id) == (discord.Permissions.none(), discord.Permissions(view_channel=True))
    assert overwrite(channel, g.member.id) == (PARTICIPANT, discord.Permissions.none())
    assert overwrite(channel, desk.staff_role.id) == (PARTICIPANT, discord.Permissions.none())
    bot_allow, _ = overwrite(channel, g.guild.me.id)
    assert bot_allow >= PARTICIPANT
    assert can_view(desk.server, g.member, channel) and can_view(desk.server, desk.staff, channel)
    assert not can_view(desk.server, g.moderator, channel)  # neither the opener nor staff
    control = control_message(desk, channel)
    assert [b["label"] for b in control.buttons()] == ["Claim", "Waiting for member", "Escalate", "Close",
                                                       "Suggest reply"]
    assert control.embeds[0]["description"] == "My game keeps crashing when I join voice"
    assert all(b["custom_id"].endswith(f":{row['id']}") for b in control.buttons())


# --- one ticket through its lifecycle, one story per transition (each story walks there with the steps before) ---


@dataclass
class Walk:
    """A ticket taken through the lifecycle so far: its id, its channel and its control message."""

    tid: int
    channel: Channel
    control: Message


async def _opened(desk: TicketDesk) -> Walk:
    """A ticket the member just opened."""
    row, channel = await open_ticket(desk)
    return Walk(row["id"], channel, control_message(desk, channel))


async def _claimed(desk: TicketDesk) -> Walk:
    """Opened, then claimed by staff."""
    walk = await _opened(desk)
    await desk.hearth.discord.click(walk.control, "Claim", user=desk.staff)
    return walk


async def _waiting(desk: TicketDesk) -> Walk:
    """Claimed, then waiting for the member (an inactivity timer is due)."""
    walk = await _claimed(desk)
    await desk.hearth.discord.click(walk.control, "Waiting for member", user=desk.staff)
    return walk


async def _escalated(desk: TicketDesk) -> Walk:
    """Waiting, then escalated by staff."""
    walk = await _waiting(desk)
    await desk.hearth.discord.click(walk.control, "Escalate", user=desk.staff)
    return walk


async def _closed_by_opener(desk: TicketDesk) -> Walk:
    """Escalated, then closed by its opener with /ticket close and the confirmation button."""
    walk = await _escalated(desk)
    g = desk.hearth.guild
    asked = await desk.hearth.discord.slash("ticket close", user=g.member, guild=g.guild, channel=walk.channel,
                                            reason="Works again")
    await desk.hearth.discord.click(asked, "Close ticket", user=g.member)
    return walk


def _closed_notice(desk: TicketDesk, walk: Walk) -> Message:
    """The newest message with buttons in the ticket's channel (after a close: Reopen / Archive now)."""
    return next(m for m in reversed(desk.hearth.discord.messages_in(walk.channel)) if m.buttons())


async def _reopened(desk: TicketDesk) -> Walk:
    """Closed by its opener, then reopened by staff."""
    walk = await _closed_by_opener(desk)
    await desk.hearth.discord.click(_closed_notice(desk, walk), "Reopen", user=desk.staff)
    return walk


async def test_members_cannot_claim_and_staff_claim_once(desk: TicketDesk) -> None:
    hearth, g = desk.hearth, desk.hearth.guild
    walk = await _opened(desk)
    tid, channel, control = walk.tid, walk.channel, walk.control

    # Members can't claim; staff can, once.
    refused = await hearth.discord.click(control, "Claim", user=g.member)
    assert refused.ephemeral and refused.text == f"Only staff can do that: ticket #{tid} can't be claimed by you."
    assert (await ticket(desk, tid))["status"] == "open"
    claimed = await hearth.discord.click(control, "Claim", user=desk.staff)
    assert claimed.ephemeral and claimed.text == f"Ticket #{tid} is now claimed."
    row = await ticket(desk, tid)
    assert row["status"] == "claimed" and row["claimed_by"] == desk.staff.id
    assert row["claimed_at"] == hearth.clock.now()
    assert overwrite(channel, desk.staff.id) == (PARTICIPANT, discord.Permissions.none())
    assert f"<@{desk.staff.id}> claimed this ticket" in hearth.discord.last_message(channel).content
    again = await hearth.discord.click(control, "Claim", user=desk.staff)
    assert again.text == (f"Ticket #{tid} is claimed, so it can't be claimed. "
                          "Possible now: wait, escalate, close.")


async def test_waiting_for_the_member_starts_the_inactivity_clock(desk: TicketDesk) -> None:
    hearth = desk.hearth
    walk = await _claimed(desk)
    tid, control = walk.tid, walk.control

    # Waiting for the member starts the inactivity clock.
    waited = await hearth.discord.click(control, "Waiting for member", user=desk.staff)
    assert waited.text == f"Ticket #{tid} is now waiting for the member."
    assert (await ticket(desk, tid))["status"] == "waiting_for_user"
    assert await hearth.db.fetchval("SELECT count(*) FROM timers WHERE kind = 'ticket_inactivity' AND key = $1",
                                    str(tid)) == 1


async def test_escalation_mentions_only_the_escalation_role_and_lets_it_in(desk: TicketDesk) -> None:
    hearth = desk.hearth
    walk = await _waiting(desk)
    tid, channel, control = walk.tid, walk.channel, walk.control

    # Escalation mentions the escalation role (and only it) and lets it in.
    await hearth.discord.click(control, "Escalate", user=desk.staff)
    row = await ticket(desk, tid)
    assert row["status"] == "escalated" and row["escalated_to"] == desk.escalation_role.id
    notice = hearth.discord.last_message(channel)
    assert f"<@&{desk.escalation_role.id}>" in notice.content
    sent = [r for r in hearth.discord.requests("POST", "/channels/{channel_id}/messages")
            if r.json and f"<@&{desk.escalation_role.id}>" in (r.json.get("content") or "")]
    mentions = sent[-1].json["allowed_mentions"]
    assert mentions["parse"] == [] and mentions.get("users", []) == []
    assert [int(x) for x in mentions["roles"]] == [desk.escalation_role.id]
    assert can_view(desk.server, desk.escalation, channel)
    assert await hearth.db.fetchval("SELECT count(*) FROM timers WHERE kind = 'ticket_inactivity'") == 0


async def test_the_opener_may_close_their_own_ticket_with_confirmation(desk: TicketDesk) -> None:
    hearth, g = desk.hearth, desk.hearth.guild
    walk = await _escalated(desk)
    tid, channel = walk.tid, walk.channel

    # The opener may close their own ticket (command, with confirmation).
    asked = await hearth.discord.slash("ticket close", user=g.member, guild=g.guild, channel=channel,
                                       reason="Works again")
    assert asked.ephemeral and asked.text == f"Close ticket #{tid} with the reason “Works again”?"
    done = await hearth.discord.click(asked, "Close ticket", user=g.member)
    assert done.followups[-1].content.startswith(f"🔒 Ticket #{tid} is closed.")
    row = await ticket(desk, tid)
    assert row["status"] == "closed" and row["closed_by"] == g.member.id and row["close_reason"] == "Works again"
    assert row["closed_at"] == hearth.clock.now() and row["auto_closed"] is False
    assert can_view(desk.server, g.member, channel) and not can_send(desk.server, g.member, channel)


async def test_only_staff_reopen_and_a_reopened_claimed_ticket_is_claimed_again(desk: TicketDesk) -> None:
    hearth, g = desk.hearth, desk.hearth.guild
    walk = await _closed_by_opener(desk)
    tid, channel = walk.tid, walk.channel

    # Only staff reopen; a reopened claimed ticket is claimed again.
    closed_notice = _closed_notice(desk, walk)
    assert [b["label"] for b in closed_notice.buttons()] == ["Reopen", "Archive now"]
    refused = await hearth.discord.click(closed_notice, "Reopen", user=g.member)
    assert refused.text == f"Only staff can do that: ticket #{tid} can't be reopened by you."
    reopened = await hearth.discord.click(closed_notice, "Reopen", user=desk.staff)
    assert reopened.text == f"Ticket #{tid} is now claimed."
    row = await ticket(desk, tid)
    assert row["status"] == "claimed" and row["closed_at"] is None and row["reopened_count"] == 1
    assert can_send(desk.server, g.member, channel)
    assert await hearth.db.fetchval("SELECT count(*) FROM timers WHERE kind = 'ticket_archive'") == 0


async def test_staff_close_with_the_button_then_archive(desk: TicketDesk) -> None:
    hearth, g = desk.hearth, desk.hearth.guild
    walk = await _reopened(desk)
    tid, channel, control = walk.tid, walk.channel, walk.control

    # Staff close with the button (the modal is the confirmation), then archive.
    opened = await hearth.discord.click(control, "Close", user=desk.staff)
    assert opened.modal is not None and opened.modal["title"] == f"Close ticket #{tid}"
    await hearth.discord.submit_modal(opened, {"reason": "Solved"})
    assert (await ticket(desk, tid))["status"] == "closed"
    with hearth.discord.expect_errors(UserFacingError):
        refused = await hearth.discord.slash("ticket archive", user=g.member, guild=g.guild, ticket=tid)
    assert refused.text == "Only staff can do that (the ticket staff role, Manage Channels or Manage Server)."
    archived = await hearth.discord.slash("ticket archive", user=desk.staff, guild=g.guild, ticket=tid)
    assert archived.ephemeral
    assert archived.followups[-1].content == f"🗄️ Ticket #{tid} is archived and its channel deleted."
    row = await ticket(desk, tid)
    assert row["status"] == "archived" and row["archived_by"] == desk.staff.id
    assert row["archived_at"] == hearth.clock.now()
    assert channel.id not in hearth.discord.world.channels


async def test_invalid_transitions_say_what_is_possible(desk: TicketDesk) -> None:
    hearth, g = desk.hearth, desk.hearth.guild
    row, channel = await open_ticket(desk)
    tid = row["id"]
    cases = [("ticket reopen", f"Ticket #{tid} is open, so it can't be reopened. "
                               "Possible now: claim, wait, escalate, close."),
             ("ticket archive", f"Ticket #{tid} is open, so it can't be archived. "
                                "Possible now: claim, wait, escalate, close.")]
    for command, text in cases:
        with hearth.discord.expect_errors(UserFacingError):
            result = await hearth.discord.slash(command, user=desk.staff, guild=g.guild, channel=channel)
        assert result.ephemeral and result.text == text
    await hearth.discord.slash("ticket wait", user=desk.staff, guild=g.guild, channel=channel)
    with hearth.discord.expect_errors(UserFacingError):
        result = await hearth.discord.slash("ticket wait", user=desk.staff, guild=g.guild, channel=channel)
    assert result.text == (f"Ticket #{tid} is waiting for the member, so it can't be set to wait for the member. "
                           "Possible now: claim, escalate, close.")
    with hearth.discord.expect_errors(UserFacingError):
        outside = await hearth.discord.slash("ticket claim", user=desk.staff, guild=g.guild)
    assert outside.text.startswith("This isn't a ticket channel")


async def test_staff_tools_change_overwrites_and_keep_notes_private(desk: TicketDesk) -> None:
    hearth, g = desk.hearth, desk.hearth.guild
    row, channel = await open_ticket(desk)
    tid = row["id"]
    friend = g.guild.add_member("carol")
    await hearth.discord.settle()
    assert not can_view(desk.server, friend, channel)
    added = await hearth.discord.slash("ticket add_user", user=desk.staff, guild=g.guild, channel=channel,
                                       options={"member": friend})
    assert added.text == f"Added <@{friend.id}> to ticket #{tid}."
    assert overwrite(channel, friend.id) == (PARTICIPANT, discord.Permissions.none())
    assert can_view(desk.server, friend, channel) and can_send(desk.server, friend, channel)
    with hearth.discord.expect_errors(UserFacingError):
        refused = await hearth.discord.slash("ticket add_user", user=g.member, guild=g.guild, channel=channel,
                                             options={"member": g.moderator})
    assert refused.text.startswith("Only staff can do that")
    await hearth.discord.slash("ticket remove_user", user=desk.staff, guild=g.guild, channel=channel,
                               options={"member": friend})
    assert overwrite(channel, friend.id) is None and not can_view(desk.server, friend, channel)
    with hearth.discord.expect_errors(BadInput):
        opener = await hearth.discord.slash("ticket remove_user", user=desk.staff, guild=g.guild, channel=channel,
                                            options={"member": g.member})
    assert opener.text.startswith("The member who opened the ticket can't be removed")
    assert can_view(desk.server, g.member, channel)

    await hearth.discord.slash("ticket rename", user=desk.staff, guild=g.guild, channel=channel,
                               name="Voice Crash")
    assert channel.name == "voice-crash"

    # Transfer the claim: the new staff member gets the overwrite, the old one loses theirs.
    other_staff = g.guild.add_member("tess", roles=[desk.staff_role])
    await hearth.discord.settle()
    await hearth.discord.slash("ticket claim", user=desk.staff, guild=g.guild, channel=channel)
    with hearth.discord.expect_errors(UserFacingError):
        bad = await hearth.discord.slash("ticket transfer", user=desk.staff, guild=g.guild, channel=channel,
                                         options={"member": friend})
    assert bad.text == f"<@{friend.id}> is not staff: a claim can only go to a staff member."
    moved = await hearth.discord.slash("ticket transfer", user=desk.staff, guild=g.guild, channel=channel,
                                       options={"member": other_staff})
    assert moved.text == f"Ticket #{tid} is now claimed by <@{other_staff.id}>."
    assert (await ticket(desk, tid))["claimed_by"] == other_staff.id
    assert overwrite(channel, other_staff.id) == (PARTICIPANT, discord.Permissions.none())
    assert overwrite(channel, desk.staff.id) is None

    noted = await hearth.discord.slash("ticket note", user=desk.staff, guild=g.guild, channel=channel,
                                       text="Member is on the beta client")
    assert noted.ephemeral and noted.text.endswith(f"saved on ticket #{tid} (staff only).")
    notes = await hearth.discord.slash("ticket notes", user=other_staff, guild=g.guild, channel=channel)
    assert notes.ephemeral and "Member is on the beta client" in notes.embeds[0]["description"]
    assert all("beta client" not in m.content for m in hearth.discord.messages_in(channel))
    with hearth.discord.expect_errors(UserFacingError):
        peek = await hearth.discord.slash("ticket notes", user=g.member, guild=g.guild, channel=channel)
    assert "beta client" not in peek.text
    assert await hearth.db.fetchval("SELECT guild_id FROM ticket_notes") == g.guild.id


async def test_buttons_keep_working_after_a_restart(desk: TicketDesk) -> None:
    hearth = desk.hearth
    row, channel = await open_ticket(desk)
    control = control_message(desk, channel)
    await hearth.restart()
    claimed = await hearth.discord.click(control, "Claim", user=desk.staff)
    assert claimed.text == f"Ticket #{row['id']} is now claimed."
    assert (await ticket(desk, row["id"]))["claimed_by"] == desk.staff.id
    # The restarted bot still knows the channel is a ticket (first response is recorded).
    await hearth.discord.say(channel, desk.staff, "Hi! Which game?")
    assert (await ticket(desk, row["id"]))["first_response_at"] == hearth.clock.now()


async def test_another_guilds_ticket_cannot_be_touched(desk: TicketDesk) -> None:
    hearth, g = desk.hearth, desk.hearth.guild
    foreign = await hearth.db.fetchval(
        "INSERT INTO support_tickets (guild_id, user_id, description, status, channel_id) "
        "VALUES (42, 7, 'guild B problem', 'open', 99) RETURNING id")
    for command in ("ticket claim", "ticket wait", "ticket close", "ticket notes"):
        with hearth.discord.expect_errors(UserFacingError):
            result = await hearth.discord.slash(command, user=desk.staff, guild=g.guild, ticket=foreign)
        assert result.text == f"There is no ticket #{foreign} on this server."
    row = await hearth.db.fetchrow("SELECT status, claimed_by FROM support_tickets WHERE id = $1", foreign)
    assert tuple(row) == ("open", None)
    assert await hearth.db.fetchval("SELECT count(*) FROM ticket_notes") == 0


async def test_missing_bot_permissions_are_named(desk: TicketDesk) -> None:
    hearth, g = desk.hearth, desk.hearth.guild
    g.guild.set_role_permissions(g.guild.bot_role, ["view_channel", "send_messages", "embed_links", "attach_files",
                                                    "read_message_history", "manage_channels"])
    await hearth.discord.settle()
    with hearth.discord.expect_errors(UserFacingError):
        member = await hearth.discord.slash("ticket open", user=g.member, guild=g.guild,
                                            description="Please help me with my account")
    assert member.text == ("Tickets can't be opened right now because of a setup problem on my side; the admins "
                           "have been told.")
    assert "**Manage Roles**" in hearth.discord.last_message(desk.logs).content
    with hearth.discord.expect_errors(UserFacingError):
        admin = await hearth.discord.slash("ticket open", user=g.admin, guild=g.guild,
                                           description="Please help me with my account")
    assert admin.text.startswith("I'm missing the **Manage Roles** permission(s) in this server")
    assert await hearth.db.fetchval("SELECT count(*) FROM support_tickets") == 0
    assert [c for c in hearth.discord.world.channels.values() if re.fullmatch(r"ticket-\d+", c.name or "")] == []


async def test_full_category_overflows_and_the_ticket_still_opens(desk: TicketDesk) -> None:
    hearth, g = desk.hearth, desk.hearth.guild
    for i in range(50):
        g.guild.add_text_channel(f"old-ticket-{i}", category=desk.category)
    await hearth.discord.settle()
    _row, channel = await open_ticket(desk)
    overflow = hearth.discord.world.channels[channel.parent_id]
    assert overflow.id != desk.category.id and overflow.name == "Tickets (overflow)"
    assert await hearth.bot.guild_settings.get(g.guild.id, "tickets", "overflow_category") == overflow.id
    assert not can_view(desk.server, g.moderator, channel) and can_view(desk.server, g.member, channel)
    # The next ticket goes to the same overflow category.
    _, second = await open_ticket(desk, g.admin, "Another problem with the voice chat")
    assert second.parent_id == overflow.id
    assert sum(1 for c in hearth.discord.world.channels.values() if c.name == "Tickets (overflow)") == 1


async def test_discord_refusing_a_full_category_sends_the_ticket_to_overflow(desk: TicketDesk) -> None:
    """The bot's cache may not know the category is full: Discord's own refusal is handled the same way."""
    hearth, g = desk.hearth, desk.hearth.guild
    overflow = g.guild.add_category("Tickets 2")
    await hearth.discord.settle()
    await hearth.bot.guild_settings.set(g.guild.id, "tickets", "overflow_category", overflow.id, changed_by=1)
    hearth.discord.fail("POST", "/guilds/{guild_id}/channels", status=400, json={
        "code": 50035, "message": "Invalid Form Body",
        "errors": {"parent_id": {"_errors": [{"code": "CHANNEL_PARENT_MAX_CHANNELS",
                                               "message": "Maximum number of channels in category reached (50)"}]}}})
    _row, channel = await open_ticket(desk)
    assert channel.parent_id == overflow.id
    posts = hearth.discord.requests("POST", "/guilds/{guild_id}/channels")
    assert [int(p.json["parent_id"]) for p in posts[-2:]] == [desk.category.id, overflow.id]


async def test_a_ticket_before_setup_gets_a_private_default_category_and_the_staff_are_told_once(
        hearth: Hearth) -> None:
    """/ticket open on a server where /ticket setup never ran: the channel does not land at the top of the channel
    list; a private "Tickets" category is created, remembered, and the log channel says so once."""
    g = hearth.guild
    log = g.guild.add_text_channel("bot-log")
    await hearth.discord.settle()
    await hearth.bot.guild_settings.set(g.guild.id, "system", "log_channel", log.id, changed_by=g.admin.id)
    first = await hearth.discord.slash("ticket open", user=g.member, guild=g.guild, description="My order is late")
    assert "is open: <#" in first.text, first.text
    categories = [c for c in g.guild.channels if c.type == 4 and c.name == "Tickets"]
    assert len(categories) == 1
    category = categories[0]
    assert await hearth.bot.guild_settings.get(g.guild.id, "tickets", "category") == category.id
    everyone = next(o for o in category.overwrites.values() if o.id == g.guild.id)
    assert everyone.deny & perms.VIEW_CHANNEL  # hidden from @everyone
    channel_id = await hearth.db.fetchval("SELECT channel_id FROM support_tickets ORDER BY id DESC LIMIT 1")
    assert hearth.discord.world.channels[channel_id].parent_id == category.id
    told = [m for m in hearth.discord.messages_in(log) if "No ticket category was set" in m.content]
    assert len(told) == 1 and f"<#{category.id}>" in told[0].content
    await hearth.discord.slash("ticket open", user=g.moderator, guild=g.guild, description="Another question")
    assert len([c for c in g.guild.channels if c.type == 4 and c.name == "Tickets"]) == 1
    assert len([m for m in hearth.discord.messages_in(log) if "No ticket category was set" in m.content]) == 1
