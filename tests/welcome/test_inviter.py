"""`{inviter}`: from invite tracking's public API (the real invites cog end to end; a fake `InvitesApi` in its place
for the answers that are hard to provoke), "unknown" without it; shown by name, never pinged."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Literal

import discord
import pytest

from cogs.invites import api as invites_api
from cogs.welcome.inviter import inviter_text
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
class FakeInvitesApi(invites_api.InvitesApi):
    """Stands in for invite tracking's API: answers what the test says, and remembers who was asked about."""

    answer: JoinAttribution | Exception = field(default_factory=lambda: JoinAttribution(None, "unknown"))
    asked: list[int] = field(default_factory=list)

    async def attribution(self, member: discord.Member) -> JoinAttribution:
        self.asked.append(member.id)
        if isinstance(self.answer, Exception):
            raise self.answer
        return self.answer


@pytest.fixture
async def invites(desk: WelcomeDesk) -> AsyncIterator[FakeInvitesApi]:
    api = FakeInvitesApi()
    desk.hearth.bot.apis.publish(invites_api.InvitesApi, api)  # in place of the running invites cog's
    await desk.set("welcome_message", TEMPLATE)
    yield api


async def test_the_invites_cog_names_the_inviter_end_to_end(desk: WelcomeDesk) -> None:
    g = desk.hearth.guild
    g.guild.add_invite(g.general, inviter=g.admin, code="alice1")
    await desk.d.settle()
    await desk.set("welcome_message", TEMPLATE)
    carol = await desk.join("carol", invite="alice1")
    assert desk.posted()[-1].content == f"<@{carol.id}> was invited by alice"


async def test_without_invite_tracking_the_inviter_is_unknown(desk: WelcomeDesk) -> None:
    desk.hearth.bot.apis.withdraw(invites_api.InvitesApi)  # as when the invites cog is not loaded
    await desk.set("welcome_message", TEMPLATE)
    carol = await desk.join("carol")
    assert desk.posted()[-1].content == f"<@{carol.id}> was invited by unknown"


async def test_the_inviter_is_named_and_not_pinged(desk: WelcomeDesk, invites: FakeInvitesApi) -> None:
    inviter = desk.g.moderator
    invites.answer = JoinAttribution(inviter.id, "invite", "abc123", 4)
    carol = await desk.join("carol")
    [message] = desk.posted()
    assert message.content == f"<@{carol.id}> was invited by mo"
    assert message.pings == Pings(users=[carol.id])
    assert invites.asked == [carol.id]


async def test_a_hostile_inviter_name_is_escaped(desk: WelcomeDesk, invites: FakeInvitesApi) -> None:
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
async def test_other_answers(desk: WelcomeDesk, invites: FakeInvitesApi, answer: object, shown: str) -> None:
    invites.answer = answer  # type: ignore[assignment]
    carol = await desk.join("carol")
    assert desk.posted()[-1].content == f"<@{carol.id}> was invited by {shown}"


async def test_invite_tracking_is_asked_only_when_the_template_shows_the_inviter(
        desk: WelcomeDesk, invites: FakeInvitesApi) -> None:
    await desk.set("welcome_message", "Welcome {member.mention}!")
    await desk.join("carol")
    assert invites.asked == [] and len(desk.posted()) == 1


async def test_the_adapter_alone(desk: WelcomeDesk, invites: FakeInvitesApi) -> None:
    bot = desk.hearth.bot
    member = bot.get_guild(desk.server.id).get_member(desk.member.id)
    invites.answer = JoinAttribution(desk.g.admin.id, "invite")
    assert await inviter_text(bot, member) == "alice"
    user = await bot.fetch_user(desk.member.id)  # not a member: nothing to attribute
    assert await inviter_text(bot, user) == "unknown"
