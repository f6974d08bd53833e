"""``GuildState`` helpers for people acting outside the bot: a moderator using Discord's own menus (ban, unban,
kick, timeout), users joining through an invite, invites made or revoked in the client, the vanity URL.

Each does what Discord does and sends what Discord sends (gateway events, audit log entries with the moderator
as ``user_id``). They are synchronous like the other builders: ``await standin.settle()`` afterwards (or use
``standin.member_join``) to let the bot react.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from . import audit, invites, moderation
from . import permissions as P
from .models import Channel, Member, User

if TYPE_CHECKING:
    from .state import GuildState


def _user(guild: GuildState, who: Member | User | int) -> User:
    if isinstance(who, Member):
        return who.user
    if isinstance(who, User):
        return who
    return guild.world.users[who]


class GuildModeration:
    """Mixed into ``GuildState``."""

    def ban(
        self: GuildState,  # type: ignore[misc]
        target: Member | User | int,
        *,
        by: Member,
        reason: str | None = None,
        delete_message_seconds: int = 0,
    ) -> None:
        """``by`` bans ``target`` from the member menu: GUILD_BAN_ADD, messages deleted, GUILD_MEMBER_REMOVE,
        audit entry 22 by ``by``. Raises PermissionError without Ban Members or when ``by`` does not outrank."""
        user = _user(self, target)
        moderation.check_moderator(self, by, P.BAN_MEMBERS, self.members.get(user.id))
        moderation.ban(self, user, by.id, reason, delete_message_seconds)

    def unban(self: GuildState, target: Member | User | int, *, by: Member, reason: str | None = None) -> None:  # type: ignore[misc]
        """``by`` revokes the ban in Server Settings → Bans: GUILD_BAN_REMOVE, audit entry 23."""
        user = _user(self, target)
        moderation.check_moderator(self, by, P.BAN_MEMBERS, None)
        if user.id not in self.bans:
            raise LookupError(f"{user.username} is not banned from {self.name}")
        moderation.unban(self, user, by.id, reason)

    def kick(self: GuildState, target: Member, *, by: Member, reason: str | None = None) -> None:  # type: ignore[misc]
        """``by`` kicks ``target``: GUILD_MEMBER_REMOVE, audit entry 20."""
        member = self.members[target.id]
        moderation.check_moderator(self, by, P.KICK_MEMBERS, member)
        moderation.kick(self, member, by.id, reason)

    def timeout(
        self: GuildState,  # type: ignore[misc]
        target: Member,
        until: datetime | timedelta | None,
        *,
        by: Member,
        reason: str | None = None,
    ) -> None:
        """``by`` times ``target`` out until ``until`` (a datetime or a duration; None lifts it):
        GUILD_MEMBER_UPDATE, audit entry 24 with the ``communication_disabled_until`` change. Discord refuses
        administrators and more than 28 days."""
        member = self.members[target.id]
        moderation.check_moderator(self, by, P.MODERATE_MEMBERS, member)
        if P.base_permissions(self, member) & P.ADMINISTRATOR:
            raise PermissionError(f"{member.user.username} is an administrator and cannot be timed out")
        value = moderation.timeout_value(until)
        moderation.check_timeout(value)
        moderation.update_member(self, member, by.id, reason, {"communication_disabled_until": value})

    def set_nick(self: GuildState, target: Member, nick: str | None, *, by: Member | None = None) -> None:  # type: ignore[misc]
        """``target`` changes their nickname (or ``by`` with Manage Nicknames does): GUILD_MEMBER_UPDATE,
        audit entry 24."""
        member = self.members[target.id]
        actor = by or member
        if actor.id != member.id:
            moderation.check_moderator(self, actor, P.MANAGE_NICKNAMES, member)
        moderation.update_member(self, member, actor.id, None, {"nick": nick})

    def set_roles(self: GuildState, target: Member, roles: list[Any], *, by: Member, reason: str | None = None) -> None:  # type: ignore[misc]
        """``by`` sets ``target``'s roles in the client: GUILD_MEMBER_UPDATE, audit entry 25 ($add/$remove)."""
        member = self.members[target.id]
        moderation.check_moderator(self, by, P.MANAGE_ROLES, None)
        ids = [r if isinstance(r, int) else r.id for r in roles]
        moderation.update_member(self, member, by.id, reason, {"roles": ids})

    def delete_role(self: GuildState, role: Any, *, by: Member | None = None) -> None:  # type: ignore[misc]
        """``by`` (default: the owner) deletes a role in Server Settings → Roles: members lose it,
        GUILD_ROLE_DELETE, audit entry 32."""
        who = by or self.owner
        moderation.check_moderator(self, who, P.MANAGE_ROLES, None)
        del self.roles[role.id]
        for member in self.members.values():
            if role.id in member.roles:
                member.roles.remove(role.id)
        self.world.emit("GUILD_ROLE_DELETE", {"guild_id": str(self.id), "role_id": str(role.id)}, self.id)
        changes = [audit.change(k, v, None) for k, v in audit.role_snapshot(role).items()]
        audit.record(self, audit.ROLE_DELETE, who.id, role.id, changes=changes)

    # -- invites --------------------------------------------------------------------------------------------
    def add_invite(
        self: GuildState,  # type: ignore[misc]
        channel: Channel,
        *,
        inviter: Member | User | None = None,
        code: str | None = None,
        max_age: int = 0,
        max_uses: int = 0,
        temporary: bool = False,
    ) -> invites.Invite:
        """An invite made in the client (default: by the owner, never expiring): INVITE_CREATE, audit entry 40."""
        who = _user(self, inviter) if inviter is not None else self.owner.user
        return invites.create(self, channel, who, max_age=max_age, max_uses=max_uses, temporary=temporary,
                              code=code)

    def delete_invite(self: GuildState, code: str, *, by: Member | None = None) -> None:  # type: ignore[misc]
        """Revoke an invite in Server Settings → Invites: INVITE_DELETE, audit entry 42."""
        who = by or self.owner
        moderation.check_moderator(self, who, P.MANAGE_GUILD, None)
        invites.delete(self, self.invites[code], who.id)

    def set_vanity(self: GuildState, code: str | None, *, uses: int = 0) -> None:  # type: ignore[misc]
        """Give the guild a vanity URL (adds the VANITY_URL feature) or remove it with None."""
        self.vanity_code = code
        self.vanity_uses = uses
        if code is not None and "VANITY_URL" not in self.features:
            self.features.append("VANITY_URL")
        if code is None and "VANITY_URL" in self.features:
            self.features.remove("VANITY_URL")
        self.world.emit("GUILD_UPDATE", self.payload(create=False), self.id)

    def join(self: GuildState, user: str | User, *, invite: str | None = None, **kw: Any) -> Member:  # type: ignore[misc]
        """``user`` (a name makes a new user) joins, through ``invite`` (a code or the vanity code, whose
        ``uses`` goes up first, as Discord counts it before GUILD_MEMBER_ADD). Banned users cannot join, nor
        anyone through an invite while invites are paused (INVITES_DISABLED).
        ``kw`` as for ``add_member``."""
        if isinstance(user, User):
            if user.id in self.bans:
                raise PermissionError(f"{user.username} is banned from {self.name}")
            if user.id in self.members:
                raise ValueError(f"{user.username} is already in {self.name}")
        if invite is not None and "INVITES_DISABLED" in self.features:
            raise PermissionError(f"invites to {self.name} are paused")
        if invite is not None:
            invites.use(self, invite)
        if isinstance(user, User):
            return self.add_member(user.username, user=user, **kw)
        return self.add_member(user, **kw)

    def join_many(self: GuildState, joins: list[tuple[str | User, str | None]], **kw: Any) -> list[Member]:  # type: ignore[misc]
        """Several users join at once, each through its invite (or None): Discord counts every use first, then
        the GUILD_MEMBER_ADD events follow one another, so a bot that fetches the invites on the first event
        already sees every use. Refused (nothing changed) when any user is banned or already a member, or any
        code is unknown or expired. ``kw`` as for ``add_member``, for every new member."""
        for user, code in joins:
            if isinstance(user, User) and (user.id in self.bans or user.id in self.members):
                raise PermissionError(f"{user.username} cannot join {self.name} (banned or already a member)")
            if code is not None and code != self.vanity_code and (code not in self.invites
                                                                  or self.invites[code].expired):
                raise LookupError(f"invite {code!r} is unknown or expired in {self.name}")
        for _, code in joins:
            if code is not None:
                invites.use(self, code)
        return [self.add_member(user.username, user=user, **kw) if isinstance(user, User)
                else self.add_member(user, **kw) for user, _ in joins]
