"""`/ticket reply <tag>`: a tag posted as the staff member's reply in the ticket (through the tags' API), pings
suppressed by the tags' rule, counted as a staff reply; refused outside a ticket and for non-staff."""

from __future__ import annotations

from datetime import timedelta

from tests.kit.tickets import TicketDesk, open_ticket, ticket
from utils.errors import UserFacingError

HOSTILE = "Please restart the app. @everyone @here <@&{role}> <@{user}>"


async def _tag(desk: TicketDesk, name: str, text: str) -> None:
    g = desk.hearth.guild
    made = await desk.hearth.discord.slash("tag create", user=g.member, guild=g.guild, name=name, content=text)
    assert "restart" in name or made.text, made.text


async def test_reply_posts_the_tag_without_pings_and_counts_as_first_response(desk: TicketDesk) -> None:
    hearth, g = desk.hearth, desk.hearth.guild
    await _tag(desk, "restart", HOSTILE.format(role=desk.staff_role.id, user=g.admin.id))
    row, channel = await open_ticket(desk)
    assert row["first_response_at"] is None
    # As on most servers: members and staff may not mention everyone here; the bot may (so only its
    # allowed_mentions stand between the text and a mass ping).
    desk.server.set_overwrite(channel, "everyone", deny=["mention_everyone"])
    desk.server.set_overwrite(channel, desk.server.bot_role, allow=["mention_everyone"])
    desk.staff_role.mentionable = False
    await hearth.discord.settle()
    choices = await hearth.discord.autocomplete("ticket reply", "tag", user=desk.staff, channel=channel,
                                                partial="resta")
    assert [c["value"] for c in choices] == ["restart"]
    done = await hearth.discord.slash("ticket reply", user=desk.staff, guild=g.guild, channel=channel,
                                      tag="restart")
    assert done.ephemeral and f"ticket #{row['id']}" in done.text
    post = hearth.discord.last_message(channel)
    assert post.content.startswith("💬 **sam** (staff)\nPlease restart the app.")
    assert post.pings.everyone is False and post.pings.roles == []  # the tag's author may not ping those
    after = await ticket(desk, row["id"])
    assert after["first_response_at"] == hearth.clock.now()  # a staff reply: the first response


async def test_reply_refused_outside_a_ticket_and_for_non_staff(desk: TicketDesk) -> None:
    hearth, g = desk.hearth, desk.hearth.guild
    await _tag(desk, "restart", "Please restart the app.")
    row, channel = await open_ticket(desk)
    async with hearth.discord.expect_errors(UserFacingError):
        outside = await hearth.discord.slash("ticket reply", user=desk.staff, guild=g.guild, channel=g.general,
                                             tag="restart")
    assert "isn't a ticket channel" in outside.text
    async with hearth.discord.expect_errors(UserFacingError):
        member = await hearth.discord.slash("ticket reply", user=g.member, guild=g.guild, channel=channel,
                                            tag="restart")
    assert "Only staff" in member.text
    assert await hearth.discord.autocomplete("ticket reply", "tag", user=g.member, channel=channel,
                                             partial="resta") == []
    async with hearth.discord.expect_errors(UserFacingError):
        unknown = await hearth.discord.slash("ticket reply", user=desk.staff, guild=g.guild, channel=channel,
                                             tag="nope")
    assert "no tag" in unknown.text
    assert not any("restart the app" in m.content for m in hearth.discord.messages_in(channel))
    assert (await ticket(desk, row["id"]))["first_response_at"] is None


async def test_a_canned_reply_restarts_the_idle_clock(desk: TicketDesk) -> None:
    hearth, g = desk.hearth, desk.hearth.guild
    warn = timedelta(hours=12)
    await hearth.bot.guild_settings.set(desk.server.id, "tickets", "idle_warn_after", int(warn.total_seconds()),
                                        changed_by=1)
    await _tag(desk, "restart", "Please restart the app.")
    _, channel = await open_ticket(desk)
    start = hearth.clock.now()
    await hearth.move_clock(start + timedelta(hours=6))
    await hearth.discord.slash("ticket reply", user=desk.staff, guild=g.guild, channel=channel, tag="restart")
    replied = hearth.clock.now()
    await hearth.move_clock(start + warn)  # the staff reply moved the warning on
    assert not [m for m in hearth.discord.messages_in(channel) if m.content.startswith("⏰")]
    await hearth.move_clock(replied + warn)
    assert [m for m in hearth.discord.messages_in(channel) if m.content.startswith("⏰")]
