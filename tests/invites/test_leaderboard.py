"""`/invites leaderboard`: the leaderboard card (the same drawing as engagement's), or text when the bot may not
attach files here or the drawing fails."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from cogs.invites import commands
from tests.kit.invites import InvitesDesk
from utils import cards


async def _three_inviters(invites: InvitesDesk) -> None:
    g = invites.g
    bobs = g.guild.add_invite(g.general, inviter=g.member, code="bob1")
    await invites.d.settle()
    for name, code in (("c1", "alice1"), ("c2", "alice1"), ("c3", "alice1"), ("d1", "mo1"), ("d2", "mo1"),
                       ("e1", bobs.code)):
        await invites.join(name, code)


async def test_the_leaderboard_is_an_image_card(invites: InvitesDesk) -> None:
    await _three_inviters(invites)
    board = await invites.d.slash("invites leaderboard", user=invites.member)
    assert [f.filename for f in board.files] == ["invites.png"]
    image = Image.open(io.BytesIO(board.files[0].data))
    assert image.format == "PNG" and image.size == cards.leaderboard_size(3)
    assert board.message.pings.users == []


async def test_text_when_files_cannot_be_attached(invites: InvitesDesk) -> None:
    await _three_inviters(invites)
    g = invites.g
    g.guild.set_overwrite(g.general, g.guild.bot_role, deny=["attach_files"])
    await invites.d.settle()
    board = await invites.d.slash("invites leaderboard", user=invites.member, channel=g.general)
    assert not board.files
    lines = board.embeds[0]["description"].splitlines()
    assert lines == ["**#1** alice — 3 invite(s)", "**#2** mo — 2 invite(s)", "**#3** bob — 1 invite(s)"]


async def test_text_when_the_drawing_fails(invites: InvitesDesk, monkeypatch: pytest.MonkeyPatch) -> None:
    await invites.join("c1", "alice1")

    def broken(*_: object, **__: object) -> bytes:
        raise OSError("no fonts")

    monkeypatch.setattr(commands.cards, "leaderboard_card", broken)
    board = await invites.d.slash("invites leaderboard", user=invites.member)
    assert not board.files and board.embeds[0]["description"] == "**#1** alice — 1 invite(s)"


async def test_an_empty_leaderboard(invites: InvitesDesk) -> None:
    invites.g.guild.set_overwrite(invites.g.general, invites.g.guild.bot_role, deny=["attach_files"])
    await invites.d.settle()
    board = await invites.d.slash("invites leaderboard", user=invites.member)
    assert board.embeds[0]["description"] == commands.EMPTY_BOARD
