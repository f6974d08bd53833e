"""pytest fixtures: register with ``pytest_plugins = ["tests.standin.plugin"]``.

Fixtures run on the session event loop (discord.py clients are bound to one
loop); tests using them must run with loop scope "session" too.

* ``standin`` -- a fresh :class:`StandIn` per test. At teardown, connected bots
  are closed and the test fails if the bot called an unimplemented route, the
  stand-in hit an internal error, or an unexpected error reached the bot's
  error hooks / discord.py's error log (see ``StandIn.expect_errors``).
* ``default_guild`` -- a guild with owner, admin (Manage Server), moderator
  role/member, plain member, a category and #general (see :class:`DefaultGuild`).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
import pytest_asyncio

from .models import Channel, Member, Role
from .standin import StandIn
from .state import GuildState


@pytest_asyncio.fixture(loop_scope="session")
async def standin() -> AsyncIterator[StandIn]:
    """A running stand-in; fails the test at teardown on problems."""
    discord = StandIn()
    await discord.start()
    try:
        yield discord
        for link in list(discord.links):
            await discord.disconnect(link.bot)
    finally:
        await discord.close()
    problems = discord.problems()
    if problems:
        pytest.fail("Discord stand-in found problems:\n" + "\n".join(problems), pytrace=False)


@dataclass
class DefaultGuild:
    """The standard test guild and the people in it."""

    guild: GuildState
    owner: Member
    admin: Member
    moderator: Member
    member: Member
    moderator_role: Role
    category: Channel
    general: Channel


def build_default_guild(discord: StandIn, name: str = "Hearth Test") -> DefaultGuild:
    """Create the standard guild in ``discord`` (usable without the fixture)."""
    guild = discord.add_guild(name)
    moderator_role = guild.add_role("Moderator", ["manage_messages", "kick_members", "moderate_members"], hoist=True)
    admin_role = guild.add_role("Admin", ["manage_guild"])
    category = guild.add_category("Community")
    general = guild.add_text_channel("general", category=category)
    return DefaultGuild(
        guild=guild,
        owner=guild.owner,
        admin=guild.add_member("alice", roles=[admin_role]),
        moderator=guild.add_member("mo", roles=[moderator_role]),
        member=guild.add_member("bob"),
        moderator_role=moderator_role,
        category=category,
        general=general,
    )


@pytest.fixture
def default_guild(standin: StandIn) -> DefaultGuild:
    """The standard guild inside the ``standin`` fixture (create before connecting)."""
    return build_default_guild(standin)
