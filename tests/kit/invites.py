"""The invites desk: the default guild with #mod-log as the system log channel, #welcome for announcements (set only
by the tests that want them), an invite of alice (the admin) and one of mo (the moderator), and shortcuts to join
through them with old or new accounts and to read the recorded joins."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import discord

from cogs.invites import repo
from cogs.invites.api import InvitesApi, JoinAttribution
from tests.kit.desks import FeatureDesk
from tests.standin.invites import Invite
from tests.standin.models import Channel, Member, User

OLD = timedelta(days=400)  # an account this old never counts as fake


@dataclass
class InvitesDesk(FeatureDesk):
    """The harness, the log and welcome channels, alice's and mo's invites."""

    logs: Channel
    welcome: Channel
    alice_invite: Invite
    mo_invite: Invite

    @property
    def api(self) -> InvitesApi:
        """The invites API the running bot publishes."""
        api = self.hearth.bot.apis.get(InvitesApi)
        assert api is not None
        return api

    def user(self, name: str, *, old: bool = True) -> User:
        """A new Discord account (400 days old, or brand new with `old=False`), in no guild yet."""
        created = discord.utils.utcnow() - OLD if old else None
        return self.d.add_user(name, created_at=created)

    async def join(self, name: str | User, code: str | None, *, old: bool = True) -> Member:
        """`name` (a new account unless a User is given) joins through `code`, and the bot has reacted."""
        who = name if isinstance(name, User) else self.user(name, old=old)
        return await self.d.member_join(self.server, who, invite=code)

    async def attribution(self, member: Member) -> JoinAttribution:
        """What the API answers for the member."""
        guild = self.hearth.bot.get_guild(self.server.id)
        assert guild is not None
        found = guild.get_member(member.id)
        assert found is not None
        return await self.api.attribution(found)

    async def rows(self, user: Member | User | None = None) -> list[dict[str, Any]]:
        """The recorded joins of the default guild (of one user), oldest first."""
        if user is None:
            return [dict(r) for r in await self.db.fetch(
                "SELECT * FROM invite_joins WHERE guild_id = $1 ORDER BY id", self.server.id)]
        return [dict(r) for r in await self.db.fetch(
            "SELECT * FROM invite_joins WHERE guild_id = $1 AND user_id = $2 ORDER BY id", self.server.id, user.id)]

    async def how(self, member: Member) -> tuple[str, str | None, int | None]:
        """(how, code, inviter) of the member's latest recorded join."""
        (row,) = [r for r in await self.rows(member) if r["latest"]]
        return row["how"], row["code"], row["inviter_id"]

    async def counts(self, member: Member, fake_age: int = 7 * 86400) -> repo.Counts:
        """The member's figures as the repo counts them."""
        return await repo.counts_of(self.db, self.server.id, member.id, fake_age)

    def log_texts(self) -> list[str]:
        """What the log channel shows."""
        return [m.content for m in self.d.messages_in(self.logs)]
