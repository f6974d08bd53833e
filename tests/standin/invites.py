"""Guild invites and the vanity URL: records, payloads, create/delete/use as Discord does them.

INVITE_CREATE / INVITE_DELETE go only to sessions with the GUILD_INVITES intent (gateway) and only when the bot
has Manage Channels in the invite's channel (checked here), as Discord documents.
"""

from __future__ import annotations

import random
import string
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from . import audit
from . import permissions as P
from .models import Channel, User, now_iso, user_payload

if TYPE_CHECKING:
    from .state import GuildState

_rng = random.Random()


def new_code() -> str:
    """A fresh 8-character invite code."""
    return "".join(_rng.choices(string.ascii_letters + string.digits, k=8))


@dataclass
class Invite:
    """An invite to a guild channel."""

    code: str
    guild_id: int
    channel_id: int
    inviter_id: int | None
    max_age: int = 86400  # seconds, 0 = never expires
    max_uses: int = 0  # 0 = unlimited
    temporary: bool = False
    uses: int = 0
    created_at: str = field(default_factory=now_iso)

    @property
    def expires_at(self) -> datetime | None:
        """When it stops working (None: never)."""
        if not self.max_age:
            return None
        return datetime.fromisoformat(self.created_at) + timedelta(seconds=self.max_age)

    @property
    def expired(self) -> bool:
        """Past its max age."""
        return self.expires_at is not None and self.expires_at <= datetime.now(UTC)


def invite_payload(guild: GuildState, inv: Invite, *, metadata: bool = True) -> dict[str, Any]:
    """Invite object (with metadata: uses, max_uses, max_age, temporary, created_at) as the REST routes answer."""
    world = guild.world
    ch = world.channels.get(inv.channel_id)
    data: dict[str, Any] = {
        "type": 0,
        "code": inv.code,
        "guild": {
            "id": str(guild.id), "name": guild.name, "splash": None, "banner": None, "description": None,
            "icon": None, "features": list(guild.features), "verification_level": guild.verification_level,
            "vanity_url_code": guild.vanity_code, "nsfw_level": 0, "premium_subscription_count": 0,
        },
        "channel": {"id": str(inv.channel_id), "name": ch.name if ch else None, "type": ch.type if ch else 0},
        "expires_at": inv.expires_at.isoformat() if inv.expires_at else None,
        "flags": 0,
    }
    inviter = world.users.get(inv.inviter_id) if inv.inviter_id else None
    if inviter is not None:
        data["inviter"] = user_payload(inviter)
    if metadata:
        data.update({"uses": inv.uses, "max_uses": inv.max_uses, "max_age": inv.max_age,
                     "temporary": inv.temporary, "created_at": inv.created_at})
    return data


def _may_see_invite_events(guild: GuildState, channel_id: int) -> bool:
    ch = guild.world.channels.get(channel_id)
    return bool(guild.world.bot_permissions(guild, ch) & P.MANAGE_CHANNELS)


def create(
    guild: GuildState,
    channel: Channel,
    inviter: User | None,
    *,
    max_age: int = 86400,
    max_uses: int = 0,
    temporary: bool = False,
    unique: bool = True,
    code: str | None = None,
    reason: str | None = None,
) -> Invite:
    """Create (or, with ``unique=False``, reuse a matching) invite: INVITE_CREATE, audit entry 40."""
    inviter_id = inviter.id if inviter else None
    if not unique:
        for inv in guild.invites.values():
            same = (inv.channel_id, inv.inviter_id, inv.max_age, inv.max_uses, inv.temporary)
            if same == (channel.id, inviter_id, max_age, max_uses, temporary) and not inv.expired:
                return inv
    inv = Invite(code or new_code(), guild.id, channel.id, inviter_id, max_age, max_uses, temporary)
    guild.invites[inv.code] = inv
    if _may_see_invite_events(guild, channel.id):
        event: dict[str, Any] = {
            "channel_id": str(channel.id), "guild_id": str(guild.id), "code": inv.code,
            "created_at": inv.created_at, "max_age": max_age, "max_uses": max_uses, "temporary": temporary,
            "uses": 0, "type": 0,
        }
        if inviter is not None:
            event["inviter"] = user_payload(inviter)
        guild.world.emit("INVITE_CREATE", event, guild.id)
    changes = [audit.change(k, None, v) for k, v in {
        "code": inv.code, "channel_id": str(channel.id), "inviter_id": str(inviter_id) if inviter_id else None,
        "uses": 0, "max_uses": max_uses, "max_age": max_age, "temporary": temporary, "flags": 0,
    }.items()]
    audit.record(guild, audit.INVITE_CREATE, inviter_id or guild.world.bot_user.id, None, reason=reason,
                 changes=changes)
    return inv


def delete(guild: GuildState, inv: Invite, by: int | None, reason: str | None = None, *, log: bool = True) -> None:
    """Remove an invite: INVITE_DELETE, and (deleted by someone, not used up) audit entry 42."""
    guild.invites.pop(inv.code, None)
    if _may_see_invite_events(guild, inv.channel_id):
        guild.world.emit("INVITE_DELETE", {"channel_id": str(inv.channel_id), "guild_id": str(guild.id),
                                           "code": inv.code}, guild.id)
    if log and by is not None:
        changes = [audit.change(k, v, None) for k, v in {
            "code": inv.code, "channel_id": str(inv.channel_id), "uses": inv.uses, "max_uses": inv.max_uses,
            "max_age": inv.max_age, "temporary": inv.temporary, "flags": 0,
            "inviter_id": str(inv.inviter_id) if inv.inviter_id else None,
        }.items()]
        audit.record(guild, audit.INVITE_DELETE, by, None, reason=reason, changes=changes)


def use(guild: GuildState, code: str) -> None:
    """Count a join through ``code`` (an invite or the vanity code); an invite reaching max_uses goes away
    (INVITE_DELETE). Unknown or expired codes raise LookupError, as Discord's client would refuse them."""
    if guild.vanity_code is not None and code == guild.vanity_code:
        guild.vanity_uses += 1
        return
    inv = guild.invites.get(code)
    if inv is None or inv.expired:
        raise LookupError(f"invite {code!r} is unknown or expired in {guild.name}")
    inv.uses += 1
    if inv.max_uses and inv.uses >= inv.max_uses:
        delete(guild, inv, None, log=False)
