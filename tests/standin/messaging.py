"""Creating/editing messages from REST bodies and emitting message events."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .limits import validate_message
from .models import Attachment, Channel, Message, User, now_iso, snowflake

if TYPE_CHECKING:
    from .server import UploadedFile
    from .state import World

ALLOWED_FLAGS = 4 | 64 | 4096 | (1 << 15)


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
    world.store_message(msg)
    if not msg.ephemeral:
        emit_create(world, msg)
    return msg


def edit_message(world: World, msg: Message, body: dict[str, Any], files: list[UploadedFile]) -> Message:
    """Apply a PATCH body to ``msg`` (keeps the previous version in history)."""
    validate_message(body, edit=True)
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
