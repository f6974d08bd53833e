"""The guild audit log: entries for what is done through the REST routes and the moderator helpers.

An entry is stored as Discord's audit log entry object (``id``, ``user_id``, ``target_id``, ``action_type``,
``changes``, ``options``, ``reason``). Recording one also sends GUILD_AUDIT_LOG_ENTRY_CREATE, which Discord only
delivers to sessions with the GUILD_MODERATION intent (checked by the gateway) and to a bot that may View Audit Log
(checked here).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import permissions as P
from .models import Channel, Overwrite, Role, snowflake

if TYPE_CHECKING:
    from .state import GuildState

# Discord's audit log action types (the subset the stand-in records).
CHANNEL_CREATE = 10
CHANNEL_UPDATE = 11
CHANNEL_DELETE = 12
CHANNEL_OVERWRITE_CREATE = 13
CHANNEL_OVERWRITE_UPDATE = 14
CHANNEL_OVERWRITE_DELETE = 15
MEMBER_KICK = 20
MEMBER_BAN_ADD = 22
MEMBER_BAN_REMOVE = 23
MEMBER_UPDATE = 24
MEMBER_ROLE_UPDATE = 25
MEMBER_MOVE = 26
MEMBER_DISCONNECT = 27
ROLE_CREATE = 30
ROLE_UPDATE = 31
ROLE_DELETE = 32
INVITE_CREATE = 40
INVITE_DELETE = 42
EMOJI_CREATE = 60
EMOJI_UPDATE = 61
EMOJI_DELETE = 62
MESSAGE_DELETE = 72
MESSAGE_BULK_DELETE = 73
SCHEDULED_EVENT_CREATE = 100
SCHEDULED_EVENT_UPDATE = 101
SCHEDULED_EVENT_DELETE = 102
THREAD_CREATE = 110
THREAD_UPDATE = 111
THREAD_DELETE = 112

Change = dict[str, Any]


def change(key: str, old: Any = None, new: Any = None) -> Change:
    """One ``changes`` item; a missing side (None) is left out, as Discord does."""
    item: Change = {"key": key}
    if old is not None:
        item["old_value"] = old
    if new is not None:
        item["new_value"] = new
    return item


def diff(before: dict[str, Any], after: dict[str, Any]) -> list[Change]:
    """Changes between two snapshots (keys whose value differs)."""
    return [change(k, before.get(k), after.get(k)) for k in after if before.get(k) != after.get(k)]


def record(
    guild: GuildState,
    action_type: int,
    user_id: int,
    target_id: int | str | None,
    *,
    reason: str | None = None,
    changes: list[Change] | None = None,
    options: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Store an entry in ``guild.audit_log`` and send GUILD_AUDIT_LOG_ENTRY_CREATE."""
    entry: dict[str, Any] = {
        "id": str(snowflake()),
        "user_id": str(user_id),
        "target_id": str(target_id) if target_id is not None else None,
        "action_type": action_type,
        "changes": changes or [],
    }
    if options:
        entry["options"] = options
    if reason is not None:
        entry["reason"] = reason
    guild.audit_log.append(entry)
    world = guild.world
    if world.bot_permissions(guild) & P.VIEW_AUDIT_LOG:
        world.emit("GUILD_AUDIT_LOG_ENTRY_CREATE", {**entry, "guild_id": str(guild.id)}, guild.id)
    return entry


def query(
    guild: GuildState,
    *,
    limit: int = 50,
    before: int | None = None,
    after: int | None = None,
    user_id: int | None = None,
    action_type: int | None = None,
) -> list[dict[str, Any]]:
    """Entries as ``GET /guilds/{id}/audit-logs`` returns them: newest first, or with ``after`` (and no
    ``before``) the oldest after it first, as Discord documents."""
    entries = [
        e
        for e in guild.audit_log
        if (user_id is None or int(e["user_id"]) == user_id)
        and (action_type is None or e["action_type"] == action_type)
        and (before is None or int(e["id"]) < before)
        and (after is None or int(e["id"]) > after)
    ]
    entries.sort(key=lambda e: int(e["id"]), reverse=not (after is not None and before is None))
    return entries[:limit]


# -- snapshots for ``changes`` -----------------------------------------------------------------------


def role_snapshot(role: Role) -> dict[str, Any]:
    """Role fields Discord reports in role create/update/delete changes."""
    return {
        "name": role.name,
        "permissions": str(role.permissions),
        "color": role.color,
        "hoist": role.hoist,
        "mentionable": role.mentionable,
    }


def overwrite_snapshot(ow: Overwrite) -> dict[str, Any]:
    """Overwrite fields as in overwrite create/update/delete changes."""
    return {"id": str(ow.id), "type": ow.type, "allow": str(ow.allow), "deny": str(ow.deny)}


def overwrite_options(guild: GuildState, ow: Overwrite) -> dict[str, Any]:
    """``options`` of overwrite entries: the target id and type as strings ("0" role, "1" member)."""
    options: dict[str, Any] = {"id": str(ow.id), "type": str(ow.type)}
    if ow.type == 0 and ow.id in guild.roles:
        options["role_name"] = guild.roles[ow.id].name
    return options


def channel_snapshot(ch: Channel) -> dict[str, Any]:
    """Channel fields as in channel create/update/delete changes (overwrite types are strings there)."""
    return {
        "name": ch.name,
        "type": ch.type,
        "topic": ch.topic,
        "nsfw": ch.nsfw,
        "rate_limit_per_user": ch.rate_limit_per_user,
        "position": ch.position,
        "parent_id": str(ch.parent_id) if ch.parent_id else None,
        "permission_overwrites": [
            {"id": str(o.id), "type": str(o.type), "allow": str(o.allow), "deny": str(o.deny)}
            for o in ch.overwrites.values()
        ],
    }


def record_overwrites(
    guild: GuildState,
    ch: Channel,
    old: dict[int, Overwrite],
    new: dict[int, Overwrite],
    user_id: int,
    reason: str | None,
) -> None:
    """Overwrite create/update/delete entries (target: the channel) for the difference between two sets."""
    for oid, ow in new.items():
        prev = old.get(oid)
        if prev is None:
            changes = [change(k, None, v) for k, v in overwrite_snapshot(ow).items()]
            record(guild, CHANNEL_OVERWRITE_CREATE, user_id, ch.id, reason=reason, changes=changes,
                   options=overwrite_options(guild, ow))
        elif (prev.allow, prev.deny) != (ow.allow, ow.deny):
            changes = diff(overwrite_snapshot(prev), overwrite_snapshot(ow))
            record(guild, CHANNEL_OVERWRITE_UPDATE, user_id, ch.id, reason=reason, changes=changes,
                   options=overwrite_options(guild, ow))
    for oid, ow in old.items():
        if oid not in new:
            changes = [change(k, v, None) for k, v in overwrite_snapshot(ow).items()]
            record(guild, CHANNEL_OVERWRITE_DELETE, user_id, ch.id, reason=reason, changes=changes,
                   options=overwrite_options(guild, ow))
