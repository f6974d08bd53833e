"""`FeatureDesk`: the base of every feature desk (a feature set up in the default guild for its tests).

A desk holds the harness and the channels, roles and people its feature needs; the base gives the shortcuts all
of them share, so a test reads `desk.discord`, `desk.server` or `desk.member` whatever the feature.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from core.db import HearthPool
from tests.hearth_harness import Hearth
from tests.standin import StandIn
from tests.standin.models import Member
from tests.standin.plugin import DefaultGuild
from tests.standin.state import GuildState


@dataclass
class FeatureDesk:
    """The harness plus shortcuts; a feature's desk derives from it and adds its own channels and roles."""

    hearth: Hearth

    @property
    def discord(self) -> StandIn:
        """The Discord stand-in."""
        return self.hearth.discord

    @property
    def guild(self) -> DefaultGuild:
        """The default guild and its people (owner, admin, moderator, member, #general)."""
        return self.hearth.guild

    @property
    def server(self) -> GuildState:
        """The default guild's state in the stand-in (channels, roles, members, overwrites)."""
        return self.hearth.guild.guild

    @property
    def db(self) -> HearthPool:
        """The test's own pool (to seed rows and read what the bot wrote)."""
        return self.hearth.db

    @property
    def member(self) -> Member:
        """The plain member of the default guild (bob)."""
        return self.hearth.guild.member

    @property
    def owner(self) -> Member:
        """The default guild's owner."""
        return self.hearth.guild.owner

    # Short names the automod and onboarding tests read everywhere.
    @property
    def d(self) -> StandIn:
        """Shorthand for `discord`."""
        return self.hearth.discord

    @property
    def g(self) -> DefaultGuild:
        """Shorthand for `guild`."""
        return self.hearth.guild

    async def setting(self, scope: str, key: str, value: Any, *, by: Member | None = None) -> None:
        """Store a guild setting as `by` (default: the owner) set it: a role the bot gives is checked against who
        set it, so the owner is the one who may set any."""
        who = by or self.hearth.guild.owner
        await self.hearth.bot.guild_settings.set(self.server.id, scope, key, value, changed_by=who.id)
