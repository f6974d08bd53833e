"""REST routes under /channels and /users/@me/channels."""

from __future__ import annotations

import urllib.parse
from typing import Any

from . import audit
from . import permissions as P
from .emojis import check_reaction_emoji, check_reaction_room
from .limits import (
    ApiError,
    check_category_room,
    form_error,
    missing_access,
    missing_permissions,
    not_found,
    validate_slowmode,
)
from .messaging import bulk_delete_messages, create_message, delete_message, edit_message, validate_history_limit
from .models import DM, Channel, Message, Overwrite, emoji_key, emoji_payload, now_iso, user_payload
from .server import NO_CONTENT, Req, RouteTable

routes = RouteTable()


def get_channel(req: Req, name: str = "channel_id") -> Channel:
    """Channel from a path param, 404 Unknown Channel if missing."""
    ch = req.world.channels.get(req.id(name))
    if ch is None:
        raise not_found("Channel", 10003)
    return ch


def require(req: Req, ch: Channel, *bits: int) -> None:
    """403 unless the bot has all ``bits`` in ``ch`` (DMs: always allowed)."""
    guild = req.world.guild_of(ch)
    if guild is None:
        return
    have = req.world.bot_permissions(guild, ch)
    if not have & P.VIEW_CHANNEL:
        raise missing_access()
    for bit in bits:
        if not have & bit:
            raise missing_permissions()


def get_message(req: Req, ch: Channel) -> Message:
    """Message from the path, 404 Unknown Message if missing/deleted."""
    msg = req.world.messages.get(req.id("message_id"))
    if msg is None or msg.deleted or msg.channel_id != ch.id:
        raise not_found("Message", 10008)
    return msg


@routes.add("GET", "/channels/{channel_id}")
async def get_channel_route(req: Req) -> Any:
    ch = get_channel(req)
    require(req, ch)
    return req.world.channel_payload(ch)


def _overwrite_from(raw: dict[str, Any], tid: int | None = None) -> Overwrite:
    oid = int(raw["id"]) if tid is None else tid
    otype = raw.get("type")
    if otype not in (0, 1, "0", "1"):
        raise form_error(["type"], "BASE_TYPE_CHOICES", "Value must be one of (0, 1).")
    return Overwrite(oid, int(otype), int(raw.get("allow") or 0), int(raw.get("deny") or 0))


def check_overwrite_bits(req: Req, ch: Channel, overwrites: list[Overwrite]) -> None:
    """Discord: only permissions the bot has in the guild (or the parent category) may be allowed or denied,
    unless the bot holds a Manage Roles overwrite in the channel itself (403 Missing Permissions)."""
    guild = req.world.guild_of(ch)
    if guild is None:
        return
    me = guild.me
    own = [o for o in ch.overwrites.values() if o.id == me.id or (o.type == 0 and o.id in me.roles)]
    if any(o.allow & P.MANAGE_ROLES for o in own):
        return
    parent = req.world.channels.get(ch.parent_id) if ch.parent_id else None
    have = P.channel_permissions(guild, me, parent) if parent else P.base_permissions(guild, me)
    for ow in overwrites:
        if (ow.allow | ow.deny) & ~have:
            raise missing_permissions()


@routes.add("PATCH", "/channels/{channel_id}")
async def edit_channel(req: Req) -> Any:
    ch = get_channel(req)
    require(req, ch, P.MANAGE_CHANNELS)
    body = req.body
    validate_slowmode(body)
    if "name" in body and not 1 <= len(str(body["name"] or "")) <= 100:
        raise ApiError(400, 50035, "Invalid Form Body", {"name": {"_errors": [{"code": "BASE_TYPE_BAD_LENGTH"}]}})
    new_overwrites = None
    if "permission_overwrites" in body:
        require(req, ch, P.MANAGE_ROLES)
        new_overwrites = {int(o["id"]): _overwrite_from(o) for o in body["permission_overwrites"] or []}
        changed = [o for o in new_overwrites.values() if o != ch.overwrites.get(o.id)]
        check_overwrite_bits(req, ch, changed)
    if body.get("parent_id"):
        check_category_room(req.world.channels, int(body["parent_id"]), moving=ch.id)
    before = audit.channel_snapshot(ch)
    old_overwrites = dict(ch.overwrites)
    for key in ("name", "topic", "nsfw", "rate_limit_per_user", "position"):
        if key in body:
            setattr(ch, key, body[key] if key != "rate_limit_per_user" else int(body[key] or 0))
    if "parent_id" in body:
        ch.parent_id = int(body["parent_id"]) if body["parent_id"] else None
    if new_overwrites is not None:
        ch.overwrites = new_overwrites
    data = req.world.channel_payload(ch)
    req.world.emit("CHANNEL_UPDATE", data, ch.guild_id)
    guild = req.world.guild_of(ch)
    if guild is not None:
        after = audit.channel_snapshot(ch)
        before.pop("permission_overwrites")
        after.pop("permission_overwrites")
        changes = audit.diff(before, after)
        if changes:
            audit.record(guild, audit.CHANNEL_UPDATE, req.world.bot_user.id, ch.id, reason=req.reason,
                         changes=changes)
        audit.record_overwrites(guild, ch, old_overwrites, ch.overwrites, req.world.bot_user.id, req.reason)
    return data


@routes.add("DELETE", "/channels/{channel_id}")
async def delete_channel(req: Req) -> Any:
    ch = get_channel(req)
    if ch.type != DM:
        require(req, ch, P.MANAGE_CHANNELS)
    data = req.world.channel_payload(ch)
    del req.world.channels[ch.id]
    guild = req.world.guild_of(ch)
    if ch.type != DM and guild is not None:
        req.world.emit("CHANNEL_DELETE", data, ch.guild_id)
        changes = [audit.change(k, v, None) for k, v in audit.channel_snapshot(ch).items() if v not in (None, [])]
        audit.record(guild, audit.CHANNEL_DELETE, req.world.bot_user.id, ch.id, reason=req.reason, changes=changes)
    return data


@routes.add("PUT", "/channels/{channel_id}/permissions/{target}")
async def put_overwrite(req: Req) -> Any:
    ch = get_channel(req)
    require(req, ch, P.MANAGE_ROLES)
    new = _overwrite_from(req.body, req.id("target"))
    check_overwrite_bits(req, ch, [new])
    old = dict(ch.overwrites)
    ch.overwrites[new.id] = new
    req.world.emit("CHANNEL_UPDATE", req.world.channel_payload(ch), ch.guild_id)
    guild = req.world.guild_of(ch)
    if guild is not None:
        audit.record_overwrites(guild, ch, old, ch.overwrites, req.world.bot_user.id, req.reason)
    return NO_CONTENT


@routes.add("DELETE", "/channels/{channel_id}/permissions/{target}")
async def delete_overwrite(req: Req) -> Any:
    ch = get_channel(req)
    require(req, ch, P.MANAGE_ROLES)
    old = dict(ch.overwrites)
    if ch.overwrites.pop(req.id("target"), None) is None:
        return NO_CONTENT  # nothing to delete: Discord answers 204 and sends nothing
    req.world.emit("CHANNEL_UPDATE", req.world.channel_payload(ch), ch.guild_id)
    guild = req.world.guild_of(ch)
    if guild is not None:
        audit.record_overwrites(guild, ch, old, ch.overwrites, req.world.bot_user.id, req.reason)
    return NO_CONTENT


@routes.add("POST", "/channels/{channel_id}/typing")
async def typing(req: Req) -> Any:
    ch = get_channel(req)
    require(req, ch, P.SEND_MESSAGES)
    return NO_CONTENT


@routes.add("POST", "/channels/{channel_id}/messages")
async def send_message(req: Req) -> Any:
    ch = get_channel(req)
    if ch.type == DM:
        recipient = req.world.users.get(ch.recipients[0])
        if recipient is None or not recipient.dms_open:
            raise ApiError(403, 50007, "Cannot send messages to this user")
    needed = [P.SEND_MESSAGES] + ([P.ATTACH_FILES] if req.files else [])
    require(req, ch, *needed)
    msg = create_message(req.world, ch, req.world.bot_user, req.body, req.files)
    return req.world.message_payload(msg)


@routes.add("GET", "/channels/{channel_id}/messages")
async def history(req: Req) -> Any:
    ch = get_channel(req)
    require(req, ch, P.READ_MESSAGE_HISTORY)
    msgs = req.world.visible_messages(ch.id)
    limit = validate_history_limit(req.query.get("limit", "50"))
    if "before" in req.query:
        msgs = [m for m in msgs if m.id < int(req.query["before"])]
    if "after" in req.query:
        msgs = [m for m in msgs if m.id > int(req.query["after"])]
        msgs = msgs[:limit]
    if "around" in req.query:
        around = int(req.query["around"])
        older = [m for m in msgs if m.id <= around][-(limit // 2 + 1) :]
        newer = [m for m in msgs if m.id > around][: limit - len(older)]
        msgs = older + newer
    msgs = sorted(msgs, key=lambda m: m.id, reverse=True)[:limit]
    return [req.world.message_payload(m) for m in msgs]


@routes.add("GET", "/channels/{channel_id}/messages/{message_id}")
async def fetch_message(req: Req) -> Any:
    ch = get_channel(req)
    require(req, ch, P.READ_MESSAGE_HISTORY)
    return req.world.message_payload(get_message(req, ch))


@routes.add("PATCH", "/channels/{channel_id}/messages/{message_id}")
async def patch_message(req: Req) -> Any:
    ch = get_channel(req)
    msg = get_message(req, ch)
    if msg.author.id != req.world.bot_user.id:
        if set(req.body) - {"flags"}:
            raise ApiError(403, 50005, "Cannot edit a message authored by another user")
        require(req, ch, P.MANAGE_MESSAGES)
    edit_message(req.world, msg, req.body, req.files)
    return req.world.message_payload(msg)


@routes.add("DELETE", "/channels/{channel_id}/messages/{message_id}")
async def remove_message(req: Req) -> Any:
    ch = get_channel(req)
    msg = get_message(req, ch)
    if msg.author.id != req.world.bot_user.id:
        require(req, ch, P.MANAGE_MESSAGES)
    delete_message(req.world, msg)
    guild = req.world.guild_of(ch)
    if guild is not None and msg.author.id != req.world.bot_user.id:  # Discord logs deleting others' messages only
        options = {"channel_id": str(ch.id), "count": "1"}
        audit.record(guild, audit.MESSAGE_DELETE, req.world.bot_user.id, msg.author.id, reason=req.reason,
                     options=options)
    return NO_CONTENT


@routes.add("POST", "/channels/{channel_id}/messages/bulk-delete")
async def bulk_delete(req: Req) -> Any:
    ch = get_channel(req)
    require(req, ch, P.MANAGE_MESSAGES)
    deleted = bulk_delete_messages(req.world, ch, req.body.get("messages"))
    guild = req.world.guild_of(ch)
    if guild is not None and deleted:
        audit.record(guild, audit.MESSAGE_BULK_DELETE, req.world.bot_user.id, ch.id, reason=req.reason,
                     options={"count": str(len(deleted))})
    return NO_CONTENT


def _reaction_event(req: Req, msg: Message, key: str, user_id: int) -> dict[str, Any]:
    data: dict[str, Any] = {
        "user_id": str(user_id),
        "channel_id": str(msg.channel_id),
        "message_id": str(msg.id),
        "emoji": emoji_payload(key),
        "message_author_id": str(msg.author.id),
        "burst": False,
        "type": 0,
    }
    guild = req.world.guilds.get(msg.guild_id) if msg.guild_id else None
    if guild is not None:
        data["guild_id"] = str(guild.id)
        if user_id in guild.members:
            data["member"] = req.world.member_payload(guild.members[user_id])
    return data


def _emoji(req: Req) -> str:
    return emoji_key(urllib.parse.unquote(req.params["emoji"]))


@routes.add("PUT", "/channels/{channel_id}/messages/{message_id}/reactions/{emoji}/@me")
async def add_reaction(req: Req) -> Any:
    ch = get_channel(req)
    require(req, ch, P.READ_MESSAGE_HISTORY)
    msg = get_message(req, ch)
    key = _emoji(req)
    check_reaction_emoji(req.world, key)
    if not msg.reactions.get(key):
        require(req, ch, P.ADD_REACTIONS)
        check_reaction_room(msg, key)
    users = msg.reactions.setdefault(key, [])
    if req.world.bot_user.id not in users:
        users.append(req.world.bot_user.id)
        req.world.emit("MESSAGE_REACTION_ADD", _reaction_event(req, msg, key, req.world.bot_user.id), msg.guild_id)
    return NO_CONTENT


async def _remove_reaction(req: Req, user_id: int) -> Any:
    ch = get_channel(req)
    msg = get_message(req, ch)
    key = _emoji(req)
    users = msg.reactions.get(key, [])
    if user_id in users:
        users.remove(user_id)
        data = _reaction_event(req, msg, key, user_id)
        data.pop("member", None)
        req.world.emit("MESSAGE_REACTION_REMOVE", data, msg.guild_id)
    return NO_CONTENT


@routes.add("DELETE", "/channels/{channel_id}/messages/{message_id}/reactions/{emoji}/@me")
async def remove_own_reaction(req: Req) -> Any:
    return await _remove_reaction(req, req.world.bot_user.id)


@routes.add("DELETE", "/channels/{channel_id}/messages/{message_id}/reactions/{emoji}/{member_id}")
async def remove_user_reaction(req: Req) -> Any:
    require(req, get_channel(req), P.MANAGE_MESSAGES)
    return await _remove_reaction(req, req.id("member_id"))


@routes.add("GET", "/channels/{channel_id}/messages/{message_id}/reactions/{emoji}")
async def reaction_users(req: Req) -> Any:
    ch = get_channel(req)
    msg = get_message(req, ch)
    users = msg.reactions.get(_emoji(req), [])
    return [user_payload(req.world.users[u]) for u in users if u in req.world.users]


@routes.add("DELETE", "/channels/{channel_id}/messages/{message_id}/reactions/{emoji}")
async def clear_emoji(req: Req) -> Any:
    ch = get_channel(req)
    require(req, ch, P.MANAGE_MESSAGES)
    msg = get_message(req, ch)
    key = _emoji(req)
    msg.reactions.pop(key, None)
    data = {"channel_id": str(ch.id), "message_id": str(msg.id), "emoji": emoji_payload(key)}
    if ch.guild_id:
        data["guild_id"] = str(ch.guild_id)
    req.world.emit("MESSAGE_REACTION_REMOVE_EMOJI", data, ch.guild_id)
    return NO_CONTENT


@routes.add("DELETE", "/channels/{channel_id}/messages/{message_id}/reactions")
async def clear_reactions(req: Req) -> Any:
    ch = get_channel(req)
    require(req, ch, P.MANAGE_MESSAGES)
    msg = get_message(req, ch)
    msg.reactions.clear()
    data = {"channel_id": str(ch.id), "message_id": str(msg.id)}
    if ch.guild_id:
        data["guild_id"] = str(ch.guild_id)
    req.world.emit("MESSAGE_REACTION_REMOVE_ALL", data, ch.guild_id)
    return NO_CONTENT


def _pins_event(req: Req, ch: Channel) -> None:
    data: dict[str, Any] = {"channel_id": str(ch.id), "last_pin_timestamp": now_iso()}
    if ch.guild_id:
        data["guild_id"] = str(ch.guild_id)
    req.world.emit("CHANNEL_PINS_UPDATE", data, ch.guild_id)


async def _pin(req: Req, pinned: bool) -> Any:
    ch = get_channel(req)
    require(req, ch, P.MANAGE_MESSAGES)
    msg = get_message(req, ch)
    msg.pinned = pinned
    if pinned and msg.id not in ch.pins:
        ch.pins.append(msg.id)
    if not pinned and msg.id in ch.pins:
        ch.pins.remove(msg.id)
    _pins_event(req, ch)
    return NO_CONTENT


@routes.add("PUT", "/channels/{channel_id}/messages/pins/{message_id}")
async def pin(req: Req) -> Any:
    return await _pin(req, True)


@routes.add("DELETE", "/channels/{channel_id}/messages/pins/{message_id}")
async def unpin(req: Req) -> Any:
    return await _pin(req, False)


@routes.add("PUT", "/channels/{channel_id}/pins/{message_id}")
async def pin_legacy(req: Req) -> Any:
    return await _pin(req, True)


@routes.add("DELETE", "/channels/{channel_id}/pins/{message_id}")
async def unpin_legacy(req: Req) -> Any:
    return await _pin(req, False)


@routes.add("GET", "/channels/{channel_id}/messages/pins")
async def list_pins(req: Req) -> Any:
    ch = get_channel(req)
    require(req, ch, P.READ_MESSAGE_HISTORY)
    items = [req.world.messages[m] for m in reversed(ch.pins) if not req.world.messages[m].deleted]
    return {
        "items": [{"pinned_at": m.timestamp, "message": req.world.message_payload(m)} for m in items],
        "has_more": False,
    }


@routes.add("GET", "/channels/{channel_id}/pins")
async def list_pins_legacy(req: Req) -> Any:
    ch = get_channel(req)
    return [req.world.message_payload(req.world.messages[m]) for m in reversed(ch.pins)]


@routes.add("POST", "/users/@me/channels")
async def open_dm(req: Req) -> Any:
    uid = int(req.body.get("recipient_id", 0))
    if uid not in req.world.users:
        raise not_found("User", 10013)
    return req.world.channel_payload(req.world.dm_channel(uid))
