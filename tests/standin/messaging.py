"""Creating/editing messages from REST bodies and emitting message events."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from .limits import ApiError, form_error, validate_message
from .models import Attachment, Channel, Message, Pings, User, mentioned_ids, now_iso, snowflake, snowflake_time

if TYPE_CHECKING:
    from .server import UploadedFile
    from .state import World

ALLOWED_FLAGS = 4 | 64 | 4096 | (1 << 15)
MENTION_EVERYONE = 1 << 17


def resolve_pings(world: World, msg: Message, body: dict[str, Any]) -> Pings:
    """Who Discord notifies for a new message, as Discord decides it.

    Only the content pings (never embeds). Without ``allowed_mentions`` everything in the content is parsed; with
    it, only the ``parse`` kinds and the listed ``roles``/``users``. @everyone/@here and roles that are not
    mentionable also need the author's Mention Everyone permission in the channel. Ephemeral messages notify
    nobody. A reply pings its author when ``replied_user`` allows it (default: yes without allowed_mentions).
    """
    if msg.ephemeral:
        return Pings()
    allowed = body.get("allowed_mentions")
    msg.allowed_mentions = allowed
    parse = {"everyone", "roles", "users"} if allowed is None else set(allowed.get("parse") or [])
    listed_roles = {int(r) for r in (allowed or {}).get("roles") or []}
    listed_users = {int(u) for u in (allowed or {}).get("users") or []}
    channel = world.channels[msg.channel_id]
    guild = world.guild_of(channel)
    may_ping_all = guild is not None and bool(world.bot_permissions(guild, channel) & MENTION_EVERYONE)
    content = msg.content
    pings = Pings()
    if guild is not None and ("@everyone" in content or "@here" in content):
        pings.everyone = "everyone" in parse and may_ping_all
    user_ids, role_ids = mentioned_ids(content)
    for rid in dict.fromkeys(role_ids):
        role = guild.roles.get(rid) if guild is not None else None
        if role is not None and ("roles" in parse or rid in listed_roles) and (role.mentionable or may_ping_all):
            pings.roles.append(rid)
    for uid in dict.fromkeys(user_ids):
        if ("users" in parse or uid in listed_users) and uid in world.users:
            pings.users.append(uid)
    ref = msg.message_reference
    replied = (allowed or {}).get("replied_user", allowed is None)
    if ref and replied:
        original = world.messages.get(int(ref["message_id"]))
        if original is not None and original.author.id not in pings.users:
            pings.users.append(original.author.id)
    return pings


def uploaded_attachments(world: World, body: dict[str, Any], files: list[UploadedFile]) -> list[Attachment]:
    """Store uploaded ``files[n]`` parts, using ``body.attachments`` metadata."""
    meta = {str(a.get("id")): a for a in body.get("attachments") or [] if isinstance(a, dict)}
    out: list[Attachment] = []
    for i, upload in enumerate(files):
        index = upload.field[6:-1] if upload.field.startswith("files[") else str(i)
        info = meta.get(index, {})
        att = world.add_attachment(info.get("filename") or upload.filename, upload.data, upload.content_type)
        att.description = info.get("description")
        out.append(att)
    return out


def create_message(
    world: World,
    channel: Channel,
    author: User,
    body: dict[str, Any],
    files: list[UploadedFile],
    *,
    mtype: int = 0,
    extra_flags: int = 0,
    webhook_id: int | None = None,
    interaction_id: int | None = None,
    ephemeral_for: int | None = None,
    validate: bool = True,
) -> Message:
    """Validate and store a message sent by ``author`` (the bot)."""
    if validate:
        validate_message(body, has_files=bool(files))
    msg = Message(
        id=snowflake(),
        channel_id=channel.id,
        author=author,
        content=body.get("content") or "",
        guild_id=channel.guild_id,
        embeds=list(body.get("embeds") or []),
        components=list(body.get("components") or []),
        attachments=uploaded_attachments(world, body, files),
        flags=(int(body.get("flags") or 0) & ALLOWED_FLAGS) | extra_flags,
        type=mtype,
        tts=bool(body.get("tts")),
        webhook_id=webhook_id,
        application_id=world.application_id if webhook_id else None,
        interaction_id=interaction_id,
        ephemeral_for=ephemeral_for,
    )
    ref = body.get("message_reference")
    if ref and ref.get("message_id"):
        msg.message_reference = {
            "type": ref.get("type", 0),
            "message_id": str(ref["message_id"]),
            "channel_id": str(ref.get("channel_id") or channel.id),
        }
        if channel.guild_id:
            msg.message_reference["guild_id"] = str(channel.guild_id)
        if msg.type == 0:
            msg.type = 19
    if validate:  # a "thinking" placeholder pings nobody; its first followup does (see edit_message)
        msg.pings = resolve_pings(world, msg, body)
    world.store_message(msg)
    if not msg.ephemeral:
        emit_create(world, msg)
    return msg


def edit_message(world: World, msg: Message, body: dict[str, Any], files: list[UploadedFile]) -> Message:
    """Apply a PATCH body to ``msg`` (keeps the previous version in history)."""
    validate_message(body, edit=True)
    first_content = msg.loading  # the followup replacing "thinking…" is the message people see appear
    msg.history.append({"content": msg.content, "embeds": msg.embeds, "components": msg.components, "flags": msg.flags})
    if "content" in body:
        msg.content = body["content"] or ""
    if "embeds" in body:
        msg.embeds = list(body["embeds"] or [])
    if "components" in body:
        msg.components = list(body["components"] or [])
    if "flags" in body and body["flags"] is not None:
        msg.flags = (msg.flags & ~(4 | (1 << 15))) | (int(body["flags"]) & (4 | (1 << 15)))
    if "attachments" in body or files:
        keep = {str(a.get("id")) for a in body.get("attachments") or [] if isinstance(a, dict)}
        kept = [a for a in msg.attachments if str(a.id) in keep] if "attachments" in body else msg.attachments
        msg.attachments = kept + uploaded_attachments(world, body, files)
    msg.flags &= ~128  # no longer "thinking"
    if first_content:
        msg.pings = resolve_pings(world, msg, body)
    msg.edited_timestamp = now_iso()
    world.notify()
    if not msg.ephemeral:
        emit_update(world, msg)
    return msg


def delete_message(world: World, msg: Message) -> None:
    """Mark deleted and emit MESSAGE_DELETE."""
    msg.deleted = True
    if msg.ephemeral:
        return
    data: dict[str, Any] = {"id": str(msg.id), "channel_id": str(msg.channel_id)}
    if msg.guild_id:
        data["guild_id"] = str(msg.guild_id)
    world.emit("MESSAGE_DELETE", data, msg.guild_id)


def emit_create(world: World, msg: Message) -> None:
    """MESSAGE_CREATE for ``msg``."""
    world.emit("MESSAGE_CREATE", world.message_payload(msg), msg.guild_id)


def emit_update(world: World, msg: Message) -> None:
    """MESSAGE_UPDATE for ``msg`` (full message)."""
    world.emit("MESSAGE_UPDATE", world.message_payload(msg), msg.guild_id)


BULK_DELETE_MAX_AGE = timedelta(days=14)


def validate_history_limit(raw: str) -> int:
    """``limit`` of GET /channels/{id}/messages: an int from 1 to 100 (400 Invalid Form Body otherwise)."""
    try:
        limit = int(raw)
    except ValueError:
        raise form_error(["limit"], "NUMBER_TYPE_COERCE", "Value is not int.") from None
    if not 1 <= limit <= 100:
        raise form_error(["limit"], "NUMBER_TYPE_MAX" if limit > 100 else "NUMBER_TYPE_MIN",
                          "int value should be between 1 and 100.")
    return limit


def bulk_delete_messages(world: World, channel: Channel, raw_ids: Any) -> list[str]:
    """POST .../messages/bulk-delete as Discord does it: 2-100 ids (unknown ones count but are skipped), no
    duplicates, none older than 14 days (400 50034, judged by the id's timestamp, nothing deleted). Sends one
    MESSAGE_DELETE_BULK with the ids actually deleted; returns them."""
    if not isinstance(raw_ids, list) or not 2 <= len(raw_ids) <= 100:
        raise form_error(["messages"], "BASE_TYPE_BAD_LENGTH", "Must be between 2 and 100 in length.")
    ids = [int(i) for i in raw_ids]
    if len(set(ids)) != len(ids):
        raise form_error(["messages"], "BASE_TYPE_DUPLICATE", "Duplicate message ids.")
    oldest_allowed = datetime.now(UTC) - BULK_DELETE_MAX_AGE
    if any(snowflake_time(i) < oldest_allowed for i in ids):
        raise ApiError(400, 50034, "You can only bulk delete messages that are under 14 days old.")
    deleted = []
    for mid in ids:
        msg = world.messages.get(mid)
        if msg is not None and msg.channel_id == channel.id and not msg.deleted:
            msg.deleted = True
            deleted.append(str(mid))
    if deleted:
        data: dict[str, Any] = {"ids": deleted, "channel_id": str(channel.id)}
        if channel.guild_id:
            data["guild_id"] = str(channel.guild_id)
        world.emit("MESSAGE_DELETE_BULK", data, channel.guild_id)
        world.notify()
    return deleted
