"""`{inviter}`: from invite tracking's public API when it runs (here a fake `InvitesApi` published on `bot.apis`
under the real class's name), "unknown" without it; shown by name, never pinged."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Literal

import discord
import pytest

from cogs.welcome.inviter import INVITES_API, inviter_text
from tests.kit.welcome import WelcomeDesk
from tests.standin.models import Pings

TEMPLATE = "{member.mention} was invited by {inviter}"


@dataclass(frozen=True)
class JoinAttribution:
    """The shape of the invites cog's answer (cogs/invites/api.py)."""

    inviter_id: int | None
    how: Literal["invite", "vanity", "unknown"]
    code: str | None = None
    inviter_invites: int | None = None


@dataclass
class InvitesApi:
    """Stands in for invite tracking's API: answers what the test says, and remembers who was asked about."""

    answer: JoinAttribution | Exception = field(default_factory=lambda: JoinAttribution(None, "unknown"))
    asked: list[int] = field(default_factory=list)

    async def attribution(self, member: discord.Member) -> JoinAttribution:
        self.asked.append(member.id)
        if isinstance(self.answer, Exception):
            raise self.answer
        return self.answer


InvitesApi.__module__ = "cogs.invites.api"  # published under the real class's qualified name, as the cog does


@pytest.fixture
async def invites(desk: WelcomeDesk) -> AsyncIterator[InvitesApi]:
    api = InvitesApi()
    desk.hearth.bot.apis.publish(InvitesApi, api)
    await desk.set("welcome_message", TEMPLATE)
    yield api
    desk.hearth.bot.apis.withdraw(InvitesApi, api)


async def test_without_invite_tracking_the_inviter_is_unknown(desk: WelcomeDesk) -> None:
    assert desk.hearth.bot.apis.named(INVITES_API) is None  # the invites cog is not on this branch's bot
    await desk.set("welcome_message", TEMPLATE)
    carol = await desk.join("carol")
    assert desk.posted()[-1].content == f"<@{carol.id}> was invited by unknown"


async def test_the_inviter_is_named_and_not_pinged(desk: WelcomeDesk, invites: InvitesApi) -> None:
    inviter = desk.g.moderator
    invites.answer = JoinAttribution(inviter.id, "invite", "abc123", 4)
    carol = await desk.join("carol")
    [message] = desk.posted()
    assert message.content == f"<@{carol.id}> was invited by mo"
    assert message.pings == Pings(users=[carol.id])
    assert invites.asked == [carol.id]


async def test_a_hostile_inviter_name_is_escaped(desk: WelcomeDesk, invites: InvitesApi) -> None:
    loud = desk.server.add_role("Announcements", [], mentionable=True)
    sneaky = await desk.join("sneaky", nick=f"@everyone <@&{loud.id}> __x__")
    invites.answer = JoinAttribution(sneaky.id, "invite")
    carol = await desk.join("carol")
    message = desk.posted()[-1]
    assert message.pings == Pings(users=[carol.id])
    assert "@\u200beveryone" in message.content and "\\_\\_x\\_\\_" in message.content


@pytest.mark.parametrize(("answer", "shown"), [
    (JoinAttribution(None, "vanity", "hearth"), "the server's vanity link"),
    (JoinAttribution(None, "unknown"), "unknown"),
    (JoinAttribution(424242424242424242, "invite", "gone"), "a former member"),
    (RuntimeError("invite tracking broke"), "unknown"),
])
async def test_other_answers(desk: WelcomeDesk, invites: InvitesApi, answer: object, shown: str) -> None:
    invites.answer = answer  # type: ignore[assignment]
    carol = await desk.join("carol")
    assert desk.posted()[-1].content == f"<@{carol.id}> was invited by {shown}"


async def test_invite_tracking_is_asked_only_when_the_template_shows_the_inviter(
        desk: WelcomeDesk, invites: InvitesApi) -> None:
    await desk.set("welcome_message", "Welcome {member.mention}!")
    await desk.join("carol")
    assert invites.asked == [] and len(desk.posted()) == 1


async def test_the_adapter_alone(desk: WelcomeDesk, invites: InvitesApi) -> None:
    bot = desk.hearth.bot
    member = bot.get_guild(desk.server.id).get_member(desk.member.id)
    invites.answer = JoinAttribution(desk.g.admin.id, "invite")
    assert await inviter_text(bot, member) == "alice"
    user = await bot.fetch_user(desk.member.id)  # not a member: nothing to attribute
    assert await inviter_text(bot, user) == "unknown"
