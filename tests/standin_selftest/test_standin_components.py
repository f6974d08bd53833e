"""Buttons, selects, modals and dynamic items (also after a restart)."""

from __future__ import annotations

import pytest

from tests.standin import StandIn
from tests.standin.plugin import DefaultGuild

from .selftest_bot import SelfTestBot

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def test_button_updates_the_message(standin: StandIn, default_guild: DefaultGuild, bot: SelfTestBot) -> None:
    panel = await standin.slash("panel", user=default_guild.admin)
    assert panel.message is not None
    assert [b["label"] for b in panel.message.buttons()] == ["Confirm", "Refresh", "Feedback"]
    click = await standin.click(panel, "Confirm", user=default_guild.member)
    assert click.response_type == 7
    assert panel.message.content == "confirmed by bob"
    assert panel.message.buttons()[0]["disabled"] is True
    assert panel.message.edited_timestamp is not None
    with pytest.raises(ValueError, match="disabled"):
        await standin.click(panel, "Confirm", user=default_guild.member)
    with pytest.raises(LookupError, match="no component"):
        await standin.click(panel, "Nope", user=default_guild.member)


async def test_string_and_user_selects(standin: StandIn, default_guild: DefaultGuild, bot: SelfTestBot) -> None:
    panel = await standin.slash("panel", user=default_guild.admin)
    colour = await standin.select(panel, ["blue"], user=default_guild.member, menu="Colour")
    assert colour.content == "colour=blue" and colour.ephemeral
    who = await standin.select(panel, [default_guild.moderator], user=default_guild.member, menu="Who")
    assert who.content == "picked mo"
    assert who.payload["data"]["resolved"]["users"]
    with pytest.raises(ValueError, match="not among"):
        await standin.select(panel, ["green"], user=default_guild.member, menu="Colour")


async def test_modal_open_and_submit(standin: StandIn, default_guild: DefaultGuild, bot: SelfTestBot) -> None:
    panel = await standin.slash("panel", user=default_guild.admin)
    opened = await standin.click(panel, "Feedback", user=default_guild.member)
    assert opened.response_type == 9
    assert opened.modal is not None and opened.modal["title"] == "Feedback"
    submitted = await standin.submit_modal(opened, {"subject": "Hi", "body": "Long text"})
    assert submitted.content == "thanks: Hi / Long text"
    assert submitted.payload["message"]["id"] == str(panel.message.id)  # type: ignore[union-attr]
    with pytest.raises(ValueError, match="required"):
        await standin.submit_modal(opened, {"body": "no subject"})
    with pytest.raises(LookupError, match="no field"):
        await standin.submit_modal(opened, {"subject": "x", "colour": "red"})


async def test_dynamic_button_works_after_restart(standin: StandIn, default_guild: DefaultGuild) -> None:
    first = await standin.connect(SelfTestBot())
    await standin.slash("ticket", user=default_guild.admin, number=7)
    ticket = standin.last_message(default_guild.general)
    assert ticket is not None and ticket.content == "ticket 7"
    await standin.restart(first, SelfTestBot(sync=False))
    claim = await standin.click(ticket, "Claim", user=default_guild.moderator)
    assert claim.content == "ticket 7 claimed by mo"
    assert claim.payload["message"]["components"][0]["components"][0]["custom_id"] == "ticket:claim:7"


async def test_ephemeral_message_is_only_clickable_by_its_owner(
    standin: StandIn, default_guild: DefaultGuild, bot: SelfTestBot
) -> None:
    result = await standin.slash("ping", user=default_guild.member)
    assert result.message is not None
    with pytest.raises(PermissionError):
        await standin.click(result.message, "x", user=default_guild.admin)


async def test_deferred_update_then_edit_and_followup(
    standin: StandIn, default_guild: DefaultGuild, bot: SelfTestBot
) -> None:
    panel = await standin.slash("panel", user=default_guild.admin)
    refresh = await standin.click(panel, "Refresh", user=default_guild.member)
    assert refresh.response_type == 6
    assert refresh.original_id == panel.original_id
    assert panel.content == "refreshed"
    (done,) = refresh.followups
    assert done.content == "refresh done" and done.ephemeral
    assert [m.content for m in standin.messages_in(default_guild.general)] == ["refreshed"]
