"""``GuildState`` helpers for what people change in Discord's own client outside the bot: roles and channels
edited or deleted in Server Settings, custom emojis, threads, voice channels, avatars.

Each does what Discord does and sends what Discord documents for it (discord.com/developers/docs, "Gateway
Events": GUILD_ROLE_UPDATE/DELETE, CHANNEL_UPDATE/DELETE, GUILD_EMOJIS_UPDATE with the guild's whole emoji list,
THREAD_CREATE with ``newly_created``, THREAD_UPDATE, THREAD_DELETE with only id/guild_id/parent_id/type,
VOICE_STATE_UPDATE with the member, GUILD_MEMBER_UPDATE for a server avatar and, in every guild of the user, for a
new user avatar), with the audit log entry the change makes (``by`` is its ``user_id``). Like the moderator
helpers they refuse (PermissionError) a person without the permission Discord's client asks for. Synchronous:
``await standin.settle()`` afterwards.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import audit, moderation
from . import permissions as P
from .models import (
    PRIVATE_THREAD,
    PUBLIC_THREAD,
    Channel,
    Emoji,
    Member,
    Role,
    custom_emoji_payload,
    now_iso,
    role_payload,
    snowflake,
)

if TYPE_CHECKING:
    from .state import GuildState

_ROLE_FIELDS = ("name", "permissions", "color", "hoist", "mentionable")
_CHANNEL_FIELDS = ("name", "topic", "nsfw", "rate_limit_per_user", "parent_id")


def _require(guild: GuildState, who: Member, bit: int, channel: Channel | None = None) -> None:
    have = P.channel_permissions(guild, who, channel) if channel is not None else P.base_permissions(guild, who)
    if not have & bit:
        raise PermissionError(f"{who.user.username} lacks the permission ({bit:#x}) in {guild.name}")


class GuildServerEvents:
    """Mixed into ``GuildState``."""

    # -- roles ------------------------------------------------------------------------------------------------
    def edit_role(self: GuildState, role: Role, *, by: Member, **changes: Any) -> None:  # type: ignore[misc]
        """``by`` edits ``role`` in Server Settings → Roles (``name``, ``permissions`` as names or bits, ``color``,
        ``hoist``, ``mentionable``): GUILD_ROLE_UPDATE, audit entry 31."""
        _require(self, by, P.MANAGE_ROLES)
        unknown = set(changes) - set(_ROLE_FIELDS)
        if unknown:
            raise TypeError(f"a role has no {', '.join(sorted(unknown))}")
        before = audit.role_snapshot(role)
        for key, value in changes.items():
            setattr(role, key, P.to_bits(value) if key == "permissions" else value)
        self.world.emit("GUILD_ROLE_UPDATE", {"guild_id": str(self.id), "role": role_payload(role)}, self.id)
        diff = audit.diff(before, audit.role_snapshot(role))
        if diff:
            audit.record(self, audit.ROLE_UPDATE, by.id, role.id, changes=diff)

    def delete_role(self: GuildState, role: Role, *, by: Member) -> None:  # type: ignore[misc]
        """``by`` deletes ``role``: it leaves every member, GUILD_ROLE_DELETE, audit entry 32."""
        _require(self, by, P.MANAGE_ROLES)
        del self.roles[role.id]
        for member in self.members.values():
            if role.id in member.roles:
                member.roles.remove(role.id)
        self.world.emit("GUILD_ROLE_DELETE", {"guild_id": str(self.id), "role_id": str(role.id)}, self.id)
        audit.record(self, audit.ROLE_DELETE, by.id, role.id,
                     changes=[audit.change(k, v, None) for k, v in audit.role_snapshot(role).items()])

    # -- channels ---------------------------------------------------------------------------------------------
    def edit_channel(self: GuildState, channel: Channel, *, by: Member, **changes: Any) -> None:  # type: ignore[misc]
        """``by`` edits ``channel`` (``name``, ``topic``, ``nsfw``, ``rate_limit_per_user``, ``parent_id``):
        CHANNEL_UPDATE, audit entry 11."""
        _require(self, by, P.MANAGE_CHANNELS, channel)
        unknown = set(changes) - set(_CHANNEL_FIELDS)
        if unknown:
            raise TypeError(f"a channel has no {', '.join(sorted(unknown))}")
        before = audit.channel_snapshot(channel)
        for key, value in changes.items():
            setattr(channel, key, value)
        self.world.emit("CHANNEL_UPDATE", self.world.channel_payload(channel), self.id)
        after = audit.channel_snapshot(channel)
        before.pop("permission_overwrites")
        after.pop("permission_overwrites")
        diff = audit.diff(before, after)
        if diff:
            audit.record(self, audit.CHANNEL_UPDATE, by.id, channel.id, changes=diff)

    def delete_channel(self: GuildState, channel: Channel, *, by: Member) -> None:  # type: ignore[misc]
        """``by`` deletes ``channel``: CHANNEL_DELETE, audit entry 12 (its threads go with it, silently, as on
        Discord's gateway)."""
        _require(self, by, P.MANAGE_CHANNELS, channel)
        data = self.world.channel_payload(channel)
        del self.world.channels[channel.id]
        for thread in [c for c in self.channels if c.parent_id == channel.id and c.is_thread]:
            del self.world.channels[thread.id]
        self.world.emit("CHANNEL_DELETE", data, self.id)
        audit.record(self, audit.CHANNEL_DELETE, by.id, channel.id,
                     changes=[audit.change(k, v, None) for k, v in audit.channel_snapshot(channel).items()
                              if v not in (None, [])])

    # -- emojis -----------------------------------------------------------------------------------------------
    def _emojis_update(self: GuildState) -> None:  # type: ignore[misc]
        """GUILD_EMOJIS_UPDATE: always the guild's whole list."""
        self.world.emit("GUILD_EMOJIS_UPDATE", {
            "guild_id": str(self.id),
            "emojis": [custom_emoji_payload(e, self.world.users) for e in self.emojis.values()],
        }, self.id)

    def add_emoji(self: GuildState, name: str, *, by: Member | None = None, animated: bool = False,  # type: ignore[misc]
                  emoji_id: int | None = None) -> Emoji:
        """``by`` uploads a custom emoji (Manage Expressions): GUILD_EMOJIS_UPDATE, audit entry 60. Without ``by``
        the emoji is simply there (a test's setup: no audit entry); ``str(emoji)`` is how a member types it."""
        if by is not None:
            _require(self, by, P.MANAGE_EXPRESSIONS)
        emoji = Emoji(emoji_id or snowflake(), name, animated, by.id if by else None)
        self.emojis[emoji.id] = emoji
        self._emojis_update()
        if by is not None:
            audit.record(self, audit.EMOJI_CREATE, by.id, emoji.id, changes=[audit.change("name", None, name)])
        return emoji

    def rename_emoji(self: GuildState, emoji: Emoji, name: str, *, by: Member) -> None:  # type: ignore[misc]
        """``by`` renames a custom emoji: GUILD_EMOJIS_UPDATE, audit entry 61."""
        _require(self, by, P.MANAGE_EXPRESSIONS)
        old, emoji.name = emoji.name, name
        self._emojis_update()
        audit.record(self, audit.EMOJI_UPDATE, by.id, emoji.id, changes=[audit.change("name", old, name)])

    def delete_emoji(self: GuildState, emoji: Emoji, *, by: Member | None = None) -> None:  # type: ignore[misc]
        """``by`` deletes a custom emoji: GUILD_EMOJIS_UPDATE, audit entry 62 (none without ``by``)."""
        if by is not None:
            _require(self, by, P.MANAGE_EXPRESSIONS)
        del self.emojis[emoji.id]
        self._emojis_update()
        if by is not None:
            audit.record(self, audit.EMOJI_DELETE, by.id, emoji.id,
                         changes=[audit.change("name", emoji.name, None)])

    # -- threads ----------------------------------------------------------------------------------------------
    def create_thread(self: GuildState, channel: Channel, name: str, *, by: Member,  # type: ignore[misc]
                      private: bool = False, auto_archive_duration: int = 1440) -> Channel:
        """``by`` starts a thread in ``channel`` (Create Public Threads there): THREAD_CREATE with
        ``newly_created``, audit entry 110. The thread is a channel whose ``parent_id`` is ``channel``."""
        _require(self, by, P.CREATE_PUBLIC_THREADS, channel)
        if channel.is_thread or channel.guild_id != self.id:
            raise ValueError("threads are started in a text channel of the guild")
        thread = Channel(snowflake(), PRIVATE_THREAD if private else PUBLIC_THREAD, name, self.id,
                         parent_id=channel.id, owner_id=by.id, auto_archive_duration=auto_archive_duration)
        self.world.channels[thread.id] = thread
        self.world.channel_messages[thread.id] = []
        self.world.emit("THREAD_CREATE", {**self.world.channel_payload(thread), "newly_created": True}, self.id)
        audit.record(self, audit.THREAD_CREATE, by.id, thread.id, changes=[audit.change("name", None, name)])
        return thread

    def edit_thread(self: GuildState, thread: Channel, *, by: Member, name: str | None = None,  # type: ignore[misc]
                    archived: bool | None = None, locked: bool | None = None) -> None:
        """``by`` renames, archives or locks a thread (its owner may rename or archive it; else Manage Threads):
        THREAD_UPDATE, audit entry 111."""
        if by.id != thread.owner_id or locked is not None:
            _require(self, by, P.MANAGE_THREADS, thread)
        before = {"name": thread.name, "archived": thread.archived, "locked": thread.locked}
        for key, value in (("name", name), ("archived", archived), ("locked", locked)):
            if value is not None:
                setattr(thread, key, value)
        if archived is not None:
            thread.archive_timestamp = now_iso()
        self.world.emit("THREAD_UPDATE", self.world.channel_payload(thread), self.id)
        diff = audit.diff(before, {"name": thread.name, "archived": thread.archived, "locked": thread.locked})
        if diff:
            audit.record(self, audit.THREAD_UPDATE, by.id, thread.id, changes=diff)

    def delete_thread(self: GuildState, thread: Channel, *, by: Member) -> None:  # type: ignore[misc]
        """``by`` deletes a thread (Manage Threads): THREAD_DELETE (id, guild_id, parent_id, type only), audit
        entry 112."""
        _require(self, by, P.MANAGE_THREADS, thread)
        del self.world.channels[thread.id]
        self.world.emit("THREAD_DELETE", {"id": str(thread.id), "guild_id": str(self.id),
                                          "parent_id": str(thread.parent_id), "type": thread.type}, self.id)
        audit.record(self, audit.THREAD_DELETE, by.id, thread.id, changes=[audit.change("name", thread.name)])

    # -- avatars ----------------------------------------------------------------------------------------------
    def set_avatar(self: GuildState, member: Member, avatar: str | None, *, server: bool = False) -> None:  # type: ignore[misc]
        """``member`` changes their avatar (a hash; None removes it). ``server=True``: their avatar in this server
        only (GUILD_MEMBER_UPDATE here); else their user avatar (GUILD_MEMBER_UPDATE in every guild they are in,
        with the new user object)."""
        if server:
            member.avatar = avatar
            moderation.emit_member_update(self, member)
            return
        member.user.avatar = avatar
        for guild in self.world.guilds.values():
            other = guild.members.get(member.id)
            if other is not None:
                moderation.emit_member_update(guild, other)
