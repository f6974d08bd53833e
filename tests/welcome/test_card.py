"""The welcome card: attached to the welcome as a 1000×360 PNG with the member's avatar from Discord's CDN (their
initial when the CDN fails); text only when Attach Files is missing or drawing fails, and the admins are told."""

from __future__ import annotations

import pytest

from cogs.welcome import delivery
from cogs.welcome.card import AVATAR, CARD_SIZE
from tests.kit.welcome import RED, WelcomeDesk, image_of, png
from utils.cards import PALETTE

AVATAR_CENTRE = (56 + AVATAR // 2, CARD_SIZE[1] // 2)
AVATAR_ROUTE = "/cdn/avatars/{user_id}/{avatar}"


@pytest.fixture
async def card_on(desk: WelcomeDesk) -> WelcomeDesk:
    await desk.set("card", True)
    return desk


async def test_the_card_is_attached_with_the_members_avatar(card_on: WelcomeDesk) -> None:
    desk = card_on
    carol = desk.d.add_user("carol")
    desk.d.set_avatar(carol, png(RED))
    await desk.join(carol)
    [message] = desk.posted()
    [attachment] = message.attachments
    assert attachment.filename == "welcome.png"
    card = image_of(attachment.data)
    assert card.format == "PNG" and card.size == CARD_SIZE
    assert card.convert("RGB").getpixel(AVATAR_CENTRE) == RED  # the avatar, fetched from the CDN
    [fetched] = desk.d.requests(route=AVATAR_ROUTE)
    assert fetched.status == 200 and fetched.params["user_id"] == str(carol.id)
    assert message.content.startswith("👋 Welcome to")  # the text comes with it
    assert desk.notices() == []


async def test_the_avatar_falls_back_to_the_initial_when_the_cdn_fails(card_on: WelcomeDesk) -> None:
    desk = card_on
    carol = desk.d.add_user("carol")
    desk.d.set_avatar(carol, png(RED))
    desk.d.fail("GET", AVATAR_ROUTE, 500, times=None)
    await desk.join(carol)
    [message] = desk.posted()
    card = image_of(message.attachments[0].data)
    assert card.size == CARD_SIZE
    centre = card.convert("RGB").getpixel((AVATAR_CENTRE[0] - AVATAR // 3, AVATAR_CENTRE[1]))  # beside the letter
    assert centre == PALETTE[carol.id % len(PALETTE)]
    assert [r.status for r in desk.d.requests(route=AVATAR_ROUTE)] == [500]


async def test_a_default_avatar_is_not_downloaded(card_on: WelcomeDesk) -> None:
    desk = card_on
    carol = await desk.join("carol")
    card = image_of(desk.posted()[0].attachments[0].data).convert("RGB")
    assert card.getpixel((AVATAR_CENTRE[0] - AVATAR // 3, AVATAR_CENTRE[1])) == PALETTE[carol.id % len(PALETTE)]
    assert desk.d.requests(route=AVATAR_ROUTE) == []


async def test_the_card_comes_by_dm_too(card_on: WelcomeDesk) -> None:
    desk = card_on
    await desk.set("welcome_to", "dm")
    carol = await desk.join("carol")
    [dm] = desk.d.dms_to(carol)
    assert image_of(dm.attachments[0].data).size == CARD_SIZE


async def test_without_attach_files_the_welcome_goes_as_text_and_the_admins_hear_it_once(
        card_on: WelcomeDesk) -> None:
    desk = card_on
    desk.server.set_overwrite(desk.welcome, desk.server.bot_role, deny=["attach_files"])
    await desk.d.settle()
    await desk.join("carol")
    await desk.join("dave")
    posted = desk.posted()
    assert len(posted) == 2 and all(m.attachments == [] for m in posted)
    [notice] = desk.notices()
    assert "Attach Files" in notice and f"<#{desk.welcome.id}>" in notice


async def test_without_send_messages_the_admins_are_told(card_on: WelcomeDesk) -> None:
    desk = card_on
    desk.server.set_overwrite(desk.welcome, desk.server.bot_role, deny=["send_messages"])
    await desk.d.settle()
    await desk.join("carol")
    await desk.join("dave")
    assert desk.posted() == []
    [notice] = desk.notices()
    assert "Send Messages" in notice and "welcome message" in notice


async def test_a_card_that_cannot_be_drawn_leaves_a_text_welcome_and_a_notice(
        card_on: WelcomeDesk, monkeypatch: pytest.MonkeyPatch) -> None:
    desk = card_on

    def broken(_: object) -> bytes:
        raise OSError("font file damaged")

    monkeypatch.setattr(delivery, "welcome_card", broken)
    await desk.join("carol")
    [message] = desk.posted()
    assert message.attachments == [] and message.content.startswith("👋 Welcome to")
    [notice] = desk.notices()
    assert "couldn't draw the welcome card" in notice
    monkeypatch.undo()
    await desk.join("dave")  # drawing works again: the next failure would be news
    assert len(desk.posted()[-1].attachments) == 1
    assert (desk.server.id, "draw") not in desk.hearth.bot.get_cog("Welcome").welcomer.reported
