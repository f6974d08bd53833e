"""Plain data records for the Discord stand-in and their wire payload builders.

Everything here is deliberately dumb: dataclasses holding what Discord would
store, plus functions turning them into the JSON shapes discord.py parses.
Behaviour (permissions, events, validation) lives in other modules.
"""

from __future__ import annotations

import itertools
import re
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

DISCORD_EPOCH_MS = 1420070400000

# Channel types (subset).
TEXT = 0
DM = 1
VOICE = 2
CATEGORY = 4
NEWS = 5
PUBLIC_THREAD = 11
PRIVATE_THREAD = 12
STAGE = 13
THREAD_TYPES = (10, PUBLIC_THREAD, PRIVATE_THREAD)

_snowflake_lock = threading.Lock()
_snowflake_counter = itertools.count()
_last_snowflake = 0


def snowflake() -> int:
    """Return a new, strictly increasing, time-based snowflake id."""
    global _last_snowflake
    with _snowflake_lock:
        ms = int(time.time() * 1000) - DISCORD_EPOCH_MS
        candidate = (ms << 22) | (next(_snowflake_counter) & 0x3FFFFF)
        if candidate <= _last_snowflake:
            candidate = _last_snowflake + 1
        _last_snowflake = candidate
        return candidate


def snowflake_at(when: datetime) -> int:
    """A unique snowflake whose timestamp is ``when`` (for backdated messages: a 15-day-old message without
    sleeping). Unlike :func:`snowflake` it is not greater than the ids made before it."""
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    ms = int(when.timestamp() * 1000) - DISCORD_EPOCH_MS
    with _snowflake_lock:
        return (ms << 22) | (next(_snowflake_counter) & 0x3FFFFF)


def snowflake_time(sid: int) -> datetime:
    """When a snowflake was made."""
    return datetime.fromtimestamp(((sid >> 22) + DISCORD_EPOCH_MS) / 1000, UTC)


def snowflake_on_shard(shard_id: int, shard_count: int) -> int:
    """A new snowflake (still strictly increasing) that Discord would route to shard ``shard_id`` of
    ``shard_count`` as a guild id: ``(id >> 22) % shard_count == shard_id``. Its timestamp is at most
    ``shard_count - 1`` ms ahead of now."""
    if not 0 <= shard_id < shard_count:
        raise ValueError(f"shard {shard_id} does not exist with {shard_count} shard(s)")
    global _last_snowflake
    with _snowflake_lock:
        ms = max(int(time.time() * 1000) - DISCORD_EPOCH_MS, (_last_snowflake >> 22) + 1)
        ms += (shard_id - ms) % shard_count
        _last_snowflake = (ms << 22) | (next(_snowflake_counter) & 0x3FFFFF)
        return _last_snowflake


def now_iso() -> str:
    """Current UTC time in Discord's ISO-8601 format."""
    return datetime.now(UTC).isoformat()


@dataclass(eq=False)
class User:
    """A Discord user (human or bot)."""

    id: int
    username: str
    global_name: str | None = None
    bot: bool = False
    avatar: str | None = None
    discriminator: str = "0"
    dms_open: bool = True  # False -> DMs from the bot fail with 50007

    @property
    def mention(self) -> str:
        """Mention string ``<@id>``."""
        return f"<@{self.id}>"


@dataclass(eq=False)
class Role:
    """A guild role; ``permissions`` is the raw bitfield."""

    id: int
    guild_id: int
    name: str
    permissions: int = 0
    position: int = 0
    color: int = 0
    hoist: bool = False
    managed: bool = False
    mentionable: bool = False
    bot_id: int | None = None  # for managed bot roles

    @property
    def mention(self) -> str:
        """Mention string ``<@&id>``."""
        return f"<@&{self.id}>"


@dataclass
class Overwrite:
    """A channel permission overwrite (type 0 = role, 1 = member)."""

    id: int
    type: int
    allow: int = 0
    deny: int = 0


@dataclass(eq=False)
class Channel:
    """A guild channel, category or DM channel."""

    id: int
    type: int
    name: str | None
    guild_id: int | None = None
    position: int = 0
    parent_id: int | None = None
    topic: str | None = None
    nsfw: bool = False
    rate_limit_per_user: int = 0
    overwrites: dict[int, Overwrite] = field(default_factory=dict)
    recipients: list[int] = field(default_factory=list)  # DM only
    last_message_id: int | None = None
    pins: list[int] = field(default_factory=list)
    # Threads only (``type`` in THREAD_TYPES; ``parent_id`` is their channel): who started it and its metadata.
    owner_id: int | None = None
    archived: bool = False
    locked: bool = False
    auto_archive_duration: int = 1440
    archive_timestamp: str = field(default_factory=lambda: now_iso())

    @property
    def mention(self) -> str:
        """Mention string ``<#id>``."""
        return f"<#{self.id}>"

    @property
    def is_thread(self) -> bool:
        """A thread (its permissions are its parent channel's)."""
        return self.type in THREAD_TYPES


@dataclass(eq=False)
class Member:
    """Membership of a user in a guild."""

    guild_id: int
    user: User
    roles: list[int] = field(default_factory=list)
    nick: str | None = None
    joined_at: str = field(default_factory=now_iso)
    communication_disabled_until: str | None = None
    deaf: bool = False
    mute: bool = False
    flags: int = 0
    pending: bool = False
    avatar: str | None = None  # the member's server avatar hash (None: their user avatar is shown)

    @property
    def id(self) -> int:
        """The member's user id."""
        return self.user.id

    @property
    def mention(self) -> str:
        """Mention string ``<@id>``."""
        return self.user.mention


@dataclass
class Attachment:
    """A stored file; ``data`` holds the bytes served under ``url``."""

    id: int
    filename: str
    data: bytes
    url: str
    content_type: str | None = None
    description: str | None = None


@dataclass
class Pings:
    """Who a message notified: @everyone/@here, roles, users (what Discord resolves from content and
    allowed_mentions; embeds never ping)."""

    everyone: bool = False
    roles: list[int] = field(default_factory=list)
    users: list[int] = field(default_factory=list)

    def __bool__(self) -> bool:
        return self.everyone or bool(self.roles) or bool(self.users)


@dataclass(eq=False)
class Message:
    """A message in a channel (also ephemeral interaction messages)."""

    id: int
    channel_id: int
    author: User
    content: str = ""
    guild_id: int | None = None
    embeds: list[dict[str, Any]] = field(default_factory=list)
    components: list[dict[str, Any]] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    flags: int = 0
    type: int = 0
    timestamp: str = field(default_factory=now_iso)
    edited_timestamp: str | None = None
    pinned: bool = False
    tts: bool = False
    reactions: dict[str, list[int]] = field(default_factory=dict)  # emoji key -> user ids
    message_reference: dict[str, Any] | None = None
    webhook_id: int | None = None
    application_id: int | None = None
    interaction_id: int | None = None
    ephemeral_for: int | None = None  # user id that can see an ephemeral message
    deleted: bool = False
    history: list[dict[str, Any]] = field(default_factory=list)  # previous versions
    allowed_mentions: dict[str, Any] | None = None  # as the bot sent it (None: not sent, Discord parses all)
    pings: Pings | None = None  # who Discord notified when the message appeared (see messaging.resolve_pings)

    @property
    def ephemeral(self) -> bool:
        """True for ephemeral (flag 64) messages."""
        return bool(self.flags & 64)

    @property
    def loading(self) -> bool:
        """True while a deferred ("thinking") response was not edited yet."""
        return bool(self.flags & 128)

    def buttons(self) -> list[dict[str, Any]]:
        """All button components (type 2) in this message."""
        return [c for c in walk_components(self.components) if c.get("type") == 2]


def walk_components(components: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Flatten a component tree (action rows, containers, sections, labels)."""
    out: list[dict[str, Any]] = []
    for comp in components:
        out.append(comp)
        out.extend(walk_components(comp.get("components") or []))
        for key in ("accessory", "component"):
            if isinstance(comp.get(key), dict):
                out.extend(walk_components([comp[key]]))
    return out


def user_payload(user: User) -> dict[str, Any]:
    """User object as Discord sends it."""
    data: dict[str, Any] = {
        "id": str(user.id),
        "username": user.username,
        "discriminator": user.discriminator,
        "global_name": user.global_name,
        "avatar": user.avatar,
        "public_flags": 0,
    }
    if user.bot:
        data["bot"] = True
    return data


def role_payload(role: Role) -> dict[str, Any]:
    """Role object as Discord sends it."""
    data: dict[str, Any] = {
        "id": str(role.id),
        "name": role.name,
        "permissions": str(role.permissions),
        "position": role.position,
        "color": role.color,
        "colors": {"primary_color": role.color, "secondary_color": None, "tertiary_color": None},
        "hoist": role.hoist,
        "managed": role.managed,
        "mentionable": role.mentionable,
        "icon": None,
        "unicode_emoji": None,
        "flags": 0,
    }
    if role.bot_id is not None:
        data["tags"] = {"bot_id": str(role.bot_id)}
    return data


def member_payload(member: Member, *, with_user: bool = True, permissions: int | None = None) -> dict[str, Any]:
    """Guild member object; ``permissions`` is added for interaction payloads."""
    data: dict[str, Any] = {
        "roles": [str(r) for r in member.roles],
        "nick": member.nick,
        "avatar": member.avatar,
        "joined_at": member.joined_at,
        "premium_since": None,
        "deaf": member.deaf,
        "mute": member.mute,
        "flags": member.flags,
        "pending": member.pending,
        "communication_disabled_until": member.communication_disabled_until,
    }
    if with_user:
        data["user"] = user_payload(member.user)
    if permissions is not None:
        data["permissions"] = str(permissions)
    return data


def overwrite_payload(ow: Overwrite) -> dict[str, Any]:
    """Permission overwrite object."""
    return {"id": str(ow.id), "type": ow.type, "allow": str(ow.allow), "deny": str(ow.deny)}


def channel_payload(channel: Channel, users: dict[int, User] | None = None) -> dict[str, Any]:
    """Channel object; DM channels need ``users`` to render recipients."""
    data: dict[str, Any] = {
        "id": str(channel.id),
        "type": channel.type,
        "last_message_id": str(channel.last_message_id) if channel.last_message_id else None,
        "flags": 0,
    }
    if channel.type == DM:
        data["recipients"] = [user_payload(users[u]) for u in channel.recipients if users and u in users]
        return data
    data.update(
        {
            "guild_id": str(channel.guild_id),
            "name": channel.name,
            "position": channel.position,
            "parent_id": str(channel.parent_id) if channel.parent_id else None,
            "permission_overwrites": [overwrite_payload(o) for o in channel.overwrites.values()],
            "nsfw": channel.nsfw,
        }
    )
    if channel.type in (TEXT, NEWS):
        data["topic"] = channel.topic
        data["rate_limit_per_user"] = channel.rate_limit_per_user
    if channel.type in (VOICE, STAGE):
        data.update({"bitrate": 64000, "user_limit": 0, "rtc_region": None, "rate_limit_per_user": 0})
    if channel.type in THREAD_TYPES:
        data.update({
            "owner_id": str(channel.owner_id) if channel.owner_id else None,
            "rate_limit_per_user": channel.rate_limit_per_user,
            "message_count": 0,
            "member_count": 1,
            "thread_metadata": {
                "archived": channel.archived,
                "auto_archive_duration": channel.auto_archive_duration,
                "archive_timestamp": channel.archive_timestamp,
                "locked": channel.locked,
            },
        })
        data.pop("permission_overwrites", None)
    return data


@dataclass(eq=False)
class Emoji:
    """A custom emoji of a guild."""

    id: int
    name: str
    animated: bool = False
    user_id: int | None = None  # who uploaded it

    @property
    def mention(self) -> str:
        """``<:name:id>`` (``<a:name:id>`` when animated)."""
        return f"<{'a' if self.animated else ''}:{self.name}:{self.id}>"

    def __str__(self) -> str:
        """How a member types it: the mention."""
        return self.mention


def custom_emoji_payload(emoji: Emoji, users: dict[int, User] | None = None) -> dict[str, Any]:
    """Emoji object as in GUILD_CREATE and GUILD_EMOJIS_UPDATE."""
    data: dict[str, Any] = {
        "id": str(emoji.id),
        "name": emoji.name,
        "roles": [],
        "require_colons": True,
        "managed": False,
        "animated": emoji.animated,
        "available": True,
    }
    if users is not None and emoji.user_id in users:
        data["user"] = user_payload(users[emoji.user_id])
    return data


@dataclass
class VoiceState:
    """A member connected to a voice channel."""

    user_id: int
    channel_id: int
    session_id: str
    self_mute: bool = False
    self_deaf: bool = False


def attachment_payload(att: Attachment) -> dict[str, Any]:
    """Attachment object."""
    return {
        "id": str(att.id),
        "filename": att.filename,
        "size": len(att.data),
        "url": att.url,
        "proxy_url": att.url,
        "content_type": att.content_type,
        "description": att.description,
    }


_USER_MENTION = re.compile(r"<@!?(\d+)>")
_ROLE_MENTION = re.compile(r"<@&(\d+)>")


def mentioned_ids(content: str) -> tuple[list[int], list[int]]:
    """User ids and role ids mentioned in ``content``."""
    users = [int(x) for x in _USER_MENTION.findall(content)]
    roles = [int(x) for x in _ROLE_MENTION.findall(content)]
    return users, roles


def emoji_key(raw: str) -> str:
    """Normalise ``<:name:id>``, ``<a:name:id>``, ``:name:id`` or unicode to a key."""
    text = raw.strip()
    if text.startswith("<") and text.endswith(">"):
        text = text[1:-1]
    if text.startswith("a:"):
        text = text[2:]
    return text.lstrip(":")


def emoji_payload(key: str) -> dict[str, Any]:
    """Emoji object from a reaction key (unicode or ``name:id``)."""
    if ":" in key:
        name, _, eid = key.rpartition(":")
        return {"id": eid, "name": name, "animated": False}
    return {"id": None, "name": key}
