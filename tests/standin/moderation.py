"""Bans, kicks, timeouts and member edits: what Discord does and sends, whoever acts.

The REST routes (the bot acting) and the moderator helpers on ``GuildState`` (a person using Discord's own
menus) both end here, so both produce the same gateway events and audit log entries.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from . import audit
from . import permissions as P
from .limits import ApiError
from .models import DISCORD_EPOCH_MS, Member, User, user_payload

if TYPE_CHECKING:
    from .state import GuildState

MAX_TIMEOUT = timedelta(days=28)
MAX_BAN_DELETE_SECONDS = 604800


def parse_time(value: str) -> datetime:
    """ISO-8601 timestamp (as discord.py sends it) to an aware datetime."""
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def check_timeout(value: str | None) -> None:
    """Discord refuses a timeout more than 28 days ahead (400 Invalid Form Body)."""
    if value is None:
        return
    if parse_time(value) - datetime.now(UTC) > MAX_TIMEOUT + timedelta(seconds=5):
        raise ApiError(
            400,
            50035,
            "Invalid Form Body",
            {"communication_disabled_until": {"_errors": [{
                "code": "COMMUNICATION_DISABLED_UNTIL_TOO_FAR",
                "message": "Communication disabled until must be within 28 days from now.",
            }]}},
        )


def emit_member_update(guild: GuildState, member: Member) -> dict[str, Any]:
    """GUILD_MEMBER_UPDATE; returns the member payload."""
    data = guild.world.member_payload(member)
    guild.world.emit("GUILD_MEMBER_UPDATE", {**data, "guild_id": str(guild.id)}, guild.id)
    return data


def remove_member(guild: GuildState, member: Member) -> None:
    """Remove from the guild and send GUILD_MEMBER_REMOVE."""
    guild.members.pop(member.user.id, None)
    guild.world.emit("GUILD_MEMBER_REMOVE", {"guild_id": str(guild.id), "user": user_payload(member.user)}, guild.id)


def _delete_recent_messages(guild: GuildState, user_id: int, seconds: int) -> None:
    """A ban's message deletion: the user's messages of the last ``seconds``, one MESSAGE_DELETE_BULK per channel."""
    if seconds <= 0:
        return
    world = guild.world
    cutoff_ms = int(datetime.now(UTC).timestamp() * 1000) - seconds * 1000 - DISCORD_EPOCH_MS
    for ch in guild.channels:
        ids = []
        for msg in world.visible_messages(ch.id):
            if msg.author.id == user_id and (msg.id >> 22) >= cutoff_ms:
                msg.deleted = True
                ids.append(str(msg.id))
        if ids:
            world.emit("MESSAGE_DELETE_BULK", {"ids": ids, "channel_id": str(ch.id), "guild_id": str(guild.id)},
                       guild.id)


def ban(guild: GuildState, user: User, by: int, reason: str | None, delete_message_seconds: int = 0) -> None:
    """Ban ``user``: GUILD_BAN_ADD, their recent messages deleted, GUILD_MEMBER_REMOVE, audit entry 22."""
    if not 0 <= delete_message_seconds <= MAX_BAN_DELETE_SECONDS:
        raise ApiError(400, 50035, "Invalid Form Body", {"delete_message_seconds": {"_errors": [{
            "code": "NUMBER_TYPE_MAX", "message": f"int value should be <= {MAX_BAN_DELETE_SECONDS}."}]}})
    if user.id in guild.bans:
        return  # Discord answers 204 and changes nothing
    guild.bans[user.id] = reason
    guild.world.emit("GUILD_BAN_ADD", {"guild_id": str(guild.id), "user": user_payload(user)}, guild.id)
    _delete_recent_messages(guild, user.id, delete_message_seconds)
    member = guild.members.get(user.id)
    if member is not None:
        remove_member(guild, member)
    audit.record(guild, audit.MEMBER_BAN_ADD, by, user.id, reason=reason)


def unban(guild: GuildState, user: User, by: int, reason: str | None) -> None:
    """Lift a ban: GUILD_BAN_REMOVE, audit entry 23."""
    guild.bans.pop(user.id)
    guild.world.emit("GUILD_BAN_REMOVE", {"guild_id": str(guild.id), "user": user_payload(user)}, guild.id)
    audit.record(guild, audit.MEMBER_BAN_REMOVE, by, user.id, reason=reason)


def kick(guild: GuildState, member: Member, by: int, reason: str | None) -> None:
    """Kick: GUILD_MEMBER_REMOVE, audit entry 20."""
    remove_member(guild, member)
    audit.record(guild, audit.MEMBER_KICK, by, member.id, reason=reason)


_MEMBER_FIELDS = ("nick", "communication_disabled_until", "mute", "deaf")


def update_member(
    guild: GuildState, member: Member, by: int, reason: str | None, fields: dict[str, Any]
) -> dict[str, Any]:
    """Apply ``fields`` (nick, roles, communication_disabled_until, mute, deaf) already validated: one
    GUILD_MEMBER_UPDATE, an audit entry 24 for the plain fields and 25 for roles ($add/$remove)."""
    before = {k: getattr(member, k) for k in _MEMBER_FIELDS}
    old_roles = list(member.roles)
    for key in _MEMBER_FIELDS:
        if key in fields:
            value = fields[key]
            setattr(member, key, bool(value) if key in ("mute", "deaf") else (value or None))
    if "roles" in fields:
        member.roles = [int(r) for r in fields["roles"] or []]
    data = emit_member_update(guild, member)
    changes = audit.diff(before, {k: getattr(member, k) for k in _MEMBER_FIELDS})
    if changes:
        audit.record(guild, audit.MEMBER_UPDATE, by, member.id, reason=reason, changes=changes)
    record_role_change(guild, member, old_roles, by, reason)
    return data


def record_role_change(guild: GuildState, member: Member, old_roles: list[int], by: int, reason: str | None) -> None:
    """Audit entry 25 (member role update) with ``$add``/``$remove`` lists, when the roles changed."""
    def named(ids: list[int]) -> list[dict[str, str]]:
        return [{"id": str(r), "name": guild.roles[r].name if r in guild.roles else ""} for r in ids]

    added = [r for r in member.roles if r not in old_roles]
    removed = [r for r in old_roles if r not in member.roles]
    changes = ([audit.change("$add", None, named(added))] if added else []) + (
        [audit.change("$remove", None, named(removed))] if removed else []
    )
    if changes:
        audit.record(guild, audit.MEMBER_ROLE_UPDATE, by, member.id, reason=reason, changes=changes)


# -- a moderator acting through Discord's own menus ----------------------------------------------------------


def check_moderator(guild: GuildState, moderator: Member, bit: int, target: Member | None) -> None:
    """What Discord's client lets a moderator do: the permission, and outranking a target member."""
    if not P.base_permissions(guild, moderator) & bit:
        raise PermissionError(f"{moderator.user.username} lacks the permission ({bit:#x}) in {guild.name}")
    if target is not None and not P.can_manage(guild, moderator, target):
        raise PermissionError(f"{moderator.user.username} does not outrank {target.user.username}")


def timeout_value(until: datetime | timedelta | None) -> str | None:
    """``until`` (a datetime, a duration from now, or None to lift) as Discord's ISO timestamp."""
    if until is None:
        return None
    when = datetime.now(UTC) + until if isinstance(until, timedelta) else until
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.isoformat()
