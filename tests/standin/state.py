"""The stand-in's world: users, guilds, channels, members, roles, messages.

``World`` is the single source of truth used by the REST handlers, the gateway
and the user-like helpers. Builders (``add_guild``, ``GuildState.add_member`` ...)
work both before the bot connects and afterwards; afterwards they also emit the
gateway event Discord would send (through ``World.emit``).
"""

from __future__ import annotations

import asyncio
import urllib.parse
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import discord

from . import permissions as perms
from .guild_helpers import GuildModeration
from .guild_safety import GuildSafety
from .models import (
    CATEGORY,
    DM,
    STAGE,
    TEXT,
    VOICE,
    Attachment,
    Channel,
    Emoji,
    Member,
    Message,
    Overwrite,
    Role,
    User,
    VoiceState,
    attachment_payload,
    channel_payload,
    custom_emoji_payload,
    emoji_payload,
    member_payload,
    mentioned_ids,
    role_payload,
    snowflake,
    snowflake_at,
    snowflake_on_shard,
    user_payload,
)
from .scheduled_events import GuildScheduledEvents, ScheduledEvent
from .scheduled_events import event_payload as scheduled_event_payload
from .server_events import GuildServerEvents
from .voice import GuildVoice

if TYPE_CHECKING:
    from .invites import Invite

Emitter = Callable[[str, dict[str, Any], "int | None"], None]
UserRef = User | Member | int


def user_id_of(ref: UserRef | discord.abc.Snowflake) -> int:
    """Id of a User/Member/discord object/int."""
    if isinstance(ref, int):
        return ref
    return int(ref.id)


class GuildState(GuildModeration, GuildSafety, GuildServerEvents, GuildVoice, GuildScheduledEvents):
    """A test guild with builder helpers (moderator/invite helpers in ``guild_helpers``, the server's safety
    settings in ``guild_safety``; roles, channels, emojis, threads and avatars changed in Discord's client in
    ``server_events``; voice states in ``voice``)."""

    def __init__(self, world: World, gid: int, name: str, owner_id: int) -> None:
        self.world = world
        self.id = gid
        self.name = name
        self.owner_id = owner_id
        self.roles: dict[int, Role] = {}
        self.members: dict[int, Member] = {}
        self.bans: dict[int, str | None] = {}
        self.features: list[str] = []
        self.audit_log: list[dict[str, Any]] = []  # entries as Discord stores them (see audit.py)
        self.invites: dict[str, Invite] = {}
        self.emojis: dict[int, Emoji] = {}  # custom emojis (``add_emoji``, tests/standin/emojis.py)
        self.vanity_code: str | None = None
        self.vanity_uses = 0
        self.verification_level = 0
        self.emojis: dict[int, Emoji] = {}
        self.voice_states: dict[int, VoiceState] = {}  # user id -> where they are connected
        self.scheduled_events: dict[int, ScheduledEvent] = {}  # id -> event (scheduled_events.py)

    # -- lookups ---------------------------------------------------------
    @property
    def channels(self) -> list[Channel]:
        """Channels of this guild, in creation order."""
        channels = self.world.channels
        if isinstance(channels, ChannelIndex):  # no scan of the world's channels (10,000-guild benchmarks)
            return channels.of_guild(self.id)
        return [c for c in channels.values() if c.guild_id == self.id]

    @property
    def everyone(self) -> Role:
        """The @everyone role (same id as the guild)."""
        return self.roles[self.id]

    @property
    def me(self) -> Member:
        """The bot's member."""
        return self.members[self.world.bot_user.id]

    @property
    def bot_role(self) -> Role:
        """The bot's managed role."""
        return next(r for r in self.roles.values() if r.bot_id == self.world.bot_user.id)

    @property
    def owner(self) -> Member:
        """The owner's member."""
        return self.members[self.owner_id]

    @property
    def member_count(self) -> int:
        """Number of members (kept consistent with joins/leaves)."""
        return len(self.members)

    def role(self, name: str) -> Role:
        """Role by name."""
        for role in self.roles.values():
            if role.name == name:
                return role
        raise KeyError(f"no role named {name!r} in {self.name}")

    def channel(self, name: str) -> Channel:
        """Channel by name (without '#')."""
        for ch in self.channels:
            if ch.name == name.lstrip("#"):
                return ch
        raise KeyError(f"no channel named {name!r} in {self.name}")

    def member(self, ref: UserRef | str) -> Member:
        """Member by user/id/username."""
        if isinstance(ref, str):
            for m in self.members.values():
                if m.user.username == ref:
                    return m
            raise KeyError(f"no member named {ref!r}")
        return self.members[user_id_of(ref)]

    # -- builders ----------------------------------------------------------
    def add_role(
        self,
        name: str,
        permissions: perms.PermissionSpec = None,
        *,
        color: int = 0,
        hoist: bool = False,
        mentionable: bool = False,
        above_bot: bool = False,
    ) -> Role:
        """Create a role. By default it sits just below the bot's role so the bot
        can manage it; ``above_bot=True`` puts it above the bot's top role."""
        role = Role(snowflake(), self.id, name, perms.to_bits(permissions), 0, color, hoist, False, mentionable)
        moved = self._place(role, above_bot)
        self.world.emit("GUILD_ROLE_CREATE", {"guild_id": str(self.id), "role": role_payload(role)}, self.id)
        # Like Discord: every role pushed up by the new one is announced, so the bot's cache keeps the hierarchy.
        for other in moved:
            self.world.emit("GUILD_ROLE_UPDATE", {"guild_id": str(self.id), "role": role_payload(other)}, self.id)
        return role

    def _place(self, role: Role, above_bot: bool) -> list[Role]:
        """Put `role` in the hierarchy; returns the roles whose position moved up to make room."""
        bot_roles = [r for r in self.roles.values() if r.bot_id is not None]
        bot_top = max((r.position for r in bot_roles), default=0)
        top_plain = max(
            (r.position for r in self.roles.values() if r.bot_id is None and r.position < bot_top), default=0
        )
        moved: list[Role] = []
        if above_bot or not bot_roles:
            role.position = max((r.position for r in self.roles.values()), default=0) + 1
        else:
            role.position = top_plain + 1
            for r in sorted(self.roles.values(), key=lambda x: x.position):
                if r.position >= role.position and r is not role:
                    r.position += 1
                    moved.append(r)
        self.roles[role.id] = role
        return moved

    def add_category(self, name: str, *, overwrites: dict[Any, dict[str, Any]] | None = None) -> Channel:
        """Create a category channel."""
        return self._add_channel(CATEGORY, name, None, overwrites)

    def add_text_channel(
        self,
        name: str,
        *,
        category: Channel | None = None,
        topic: str | None = None,
        overwrites: dict[Any, dict[str, Any]] | None = None,
    ) -> Channel:
        """Create a text channel; ``overwrites`` maps role/member -> {allow, deny}."""
        ch = self._add_channel(TEXT, name, category, overwrites, emit=False)
        ch.topic = topic
        self.world.emit("CHANNEL_CREATE", self.world.channel_payload(ch), self.id)
        return ch

    def add_voice_channel(self, name: str, *, category: Channel | None = None) -> Channel:
        """Create a voice channel."""
        return self._add_channel(VOICE, name, category, None)

    def add_stage_channel(self, name: str, *, category: Channel | None = None) -> Channel:
        """Create a stage channel (type 13; for stage scheduled events)."""
        return self._add_channel(STAGE, name, category, None)

    def _add_channel(
        self,
        ctype: int,
        name: str,
        category: Channel | None,
        overwrites: dict[Any, dict[str, Any]] | None,
        emit: bool = True,
    ) -> Channel:
        ch = Channel(snowflake(), ctype, name.lstrip("#"), self.id, position=len(self.channels))
        ch.parent_id = category.id if category is not None else None
        for target, spec in (overwrites or {}).items():
            self._overwrite(ch, target, spec.get("allow"), spec.get("deny"))
        self.world.channels[ch.id] = ch
        self.world.channel_messages[ch.id] = []
        if emit:
            self.world.emit("CHANNEL_CREATE", self.world.channel_payload(ch), self.id)
        return ch

    def _overwrite(self, ch: Channel, target: Any, allow: perms.PermissionSpec, deny: perms.PermissionSpec) -> None:
        if isinstance(target, Role):
            tid, ttype = target.id, 0
        elif target == "everyone":
            tid, ttype = self.id, 0
        else:
            tid, ttype = user_id_of(target), 1
        ch.overwrites[tid] = Overwrite(tid, ttype, perms.to_bits(allow), perms.to_bits(deny))

    def set_overwrite(
        self, channel: Channel, target: Role | Member | User | str, *, allow: Any = None, deny: Any = None
    ) -> None:
        """Set a permission overwrite (``target="everyone"`` for @everyone)."""
        self._overwrite(channel, target, allow, deny)
        self.world.emit("CHANNEL_UPDATE", self.world.channel_payload(channel), self.id)

    def set_role_permissions(self, role: Role, permissions: perms.PermissionSpec) -> None:
        """Change a role's permissions (emits GUILD_ROLE_UPDATE when connected)."""
        role.permissions = perms.to_bits(permissions)
        self.world.emit("GUILD_ROLE_UPDATE", {"guild_id": str(self.id), "role": role_payload(role)}, self.id)

    def add_member(
        self,
        name: str,
        *,
        roles: Iterable[Role] = (),
        permissions: perms.PermissionSpec = None,
        nick: str | None = None,
        bot: bool = False,
        global_name: str | None = None,
        user: User | None = None,
        created_at: datetime | None = None,
        avatar: str | None = None,
        joined_at: datetime | None = None,
    ) -> Member:
        """Create a user and add them as a member. ``permissions`` creates a
        dedicated role "<name> perms" holding those permissions. ``created_at`` and ``avatar`` describe the new
        user's account (see ``World.add_user``); ``joined_at`` backdates the membership (default: now)."""
        user = user or self.world.add_user(name, bot=bot, global_name=global_name, created_at=created_at,
                                           avatar=avatar)
        role_ids = [r.id for r in roles]
        if permissions is not None:
            role_ids.append(self.add_role(f"{name} perms", permissions).id)
        member = Member(self.id, user, role_ids, nick)
        if joined_at is not None:
            member.joined_at = joined_at.isoformat()
        self.members[user.id] = member
        data = self.world.member_payload(member)
        data["guild_id"] = str(self.id)
        self.world.emit("GUILD_MEMBER_ADD", data, self.id)
        return member

    # -- payloads ------------------------------------------------------------
    def payload(self, *, include_members: bool = True, create: bool = True) -> dict[str, Any]:
        """GUILD_CREATE (``create=True``) or REST guild object."""
        data: dict[str, Any] = {
            "id": str(self.id),
            "name": self.name,
            "owner_id": str(self.owner_id),
            "icon": None,
            "splash": None,
            "discovery_splash": None,
            "banner": None,
            "description": None,
            "features": list(self.features),
            "roles": [role_payload(r) for r in sorted(self.roles.values(), key=lambda r: r.position)],
            "emojis": [custom_emoji_payload(e, self.world.users) for e in self.emojis.values()],
            "stickers": [],
            "verification_level": self.verification_level,
            "default_message_notifications": 0,
            "explicit_content_filter": 0,
            "mfa_level": 0,
            "nsfw_level": 0,
            "premium_tier": 0,
            "premium_subscription_count": 0,
            "preferred_locale": "en-US",
            "afk_channel_id": None,
            "afk_timeout": 300,
            "system_channel_id": None,
            "system_channel_flags": 0,
            "rules_channel_id": None,
            "public_updates_channel_id": None,
            "vanity_url_code": self.vanity_code,
            "max_members": 500000,
            "approximate_member_count": self.member_count,
        }
        if create:
            members = list(self.members.values())
            if not include_members:
                members = [self.me]
            data.update(
                {
                    "channels": [self.world.channel_payload(c) for c in self.channels if not c.is_thread],
                    "members": [member_payload(m) for m in members],
                    "member_count": self.member_count,
                    "threads": [self.world.channel_payload(c) for c in self.channels
                                if c.is_thread and not c.archived],
                    "voice_states": [self.voice_state_payload(v, self.members[v.user_id], with_member=False)
                                     for v in self.voice_states.values() if v.user_id in self.members],
                    "presences": [],
                    "stage_instances": [],
                    "guild_scheduled_events": [scheduled_event_payload(self, e) for e in self.scheduled_events.values()
                                               if not e.finished],
                    "soundboard_sounds": [],
                    "large": False,
                    "unavailable": False,
                    "joined_at": self.me.joined_at,
                }
            )
        return data


class ChannelIndex(dict):
    """The world's channels by id, also indexed by guild (insertion order kept), so a guild lists its channels
    without scanning every channel of the world."""

    def __init__(self) -> None:
        super().__init__()
        self._by_guild: dict[int | None, dict[int, Any]] = {}

    def __setitem__(self, key: int, channel: Any) -> None:
        old = self.get(key)
        if old is not None:
            self._by_guild.get(old.guild_id, {}).pop(key, None)
        super().__setitem__(key, channel)
        self._by_guild.setdefault(channel.guild_id, {})[key] = channel

    def __delitem__(self, key: int) -> None:
        channel = self[key]
        super().__delitem__(key)
        self._by_guild.get(channel.guild_id, {}).pop(key, None)

    def pop(self, key: int, *default: Any) -> Any:
        if key in self:
            channel = self[key]
            del self[key]
            return channel
        return super().pop(key, *default)

    def update(self, *args: Any, **kwargs: Any) -> None:
        for key, channel in dict(*args, **kwargs).items():
            self[key] = channel

    def clear(self) -> None:
        super().clear()
        self._by_guild.clear()

    def of_guild(self, guild_id: int) -> list[Any]:
        """The guild's channels in creation order."""
        return list(self._by_guild.get(guild_id, {}).values())


class World:
    """Everything the stand-in knows."""

    def __init__(self, bot_name: str = "Hearth") -> None:
        self.bot_user = User(snowflake(), bot_name, bot=True)
        self.users: dict[int, User] = {self.bot_user.id: self.bot_user}
        self.guilds: dict[int, GuildState] = {}
        self.channels: dict[int, Channel] = ChannelIndex()
        self.messages: dict[int, Message] = {}
        self.channel_messages: dict[int, list[int]] = {}
        self.attachments: dict[int, Attachment] = {}
        self.commands: dict[int | None, list[dict[str, Any]]] = {}
        self.interactions: dict[str, Any] = {}
        self.base_url = "http://127.0.0.1"
        self.gateway_url = ""
        self.shard_count = 1
        self._app_owner: User | None = None
        self._emitter: Emitter | None = None
        self._changed: asyncio.Event | None = None
        # "Now" for Discord's time checks that a test clock may move (scheduled events: no start in the past);
        # a project's harness may point it at its ManualClock.
        self.now: Callable[[], datetime] = lambda: datetime.now(UTC)
        from .oauth2 import OAuth2  # web logins (Discord's OAuth2 code flow); imported here: it imports the server

        self.oauth2 = OAuth2(self)

    def notify(self) -> None:
        """Wake up :meth:`wait_change` waiters (called when messages change)."""
        if self._changed is not None:
            self._changed.set()
            self._changed = None

    async def wait_change(self, timeout: float) -> bool:  # noqa: ASYNC109
        """Wait up to ``timeout`` s for a message change; False on timeout."""
        if self._changed is None:
            self._changed = asyncio.Event()
        try:
            await asyncio.wait_for(self._changed.wait(), timeout)
        except TimeoutError:
            return False
        return True

    @property
    def app_owner(self) -> User:
        """Owner of the application (``bot.is_owner``); set it to choose one."""
        if self._app_owner is None:
            self._app_owner = self.add_user("app-owner")
        return self._app_owner

    @app_owner.setter
    def app_owner(self, user: User | Member) -> None:
        self._app_owner = user.user if isinstance(user, Member) else user

    @property
    def application_id(self) -> int:
        """Application id (equal to the bot user's id, as on Discord)."""
        return self.bot_user.id

    def set_emitter(self, emitter: Emitter | None) -> None:
        """Install the gateway broadcast function."""
        self._emitter = emitter

    def emit(self, event: str, data: dict[str, Any], guild_id: int | None = None) -> None:
        """Send a gateway dispatch to connected bots (no-op when none)."""
        if self._emitter is not None:
            self._emitter(event, data, guild_id)

    # -- builders ----------------------------------------------------------
    def add_user(self, name: str, *, bot: bool = False, global_name: str | None = None,
                 created_at: datetime | None = None, avatar: str | None = None) -> User:
        """Create a user (not in any guild). ``created_at``: when the account was made (Discord keeps it in the
        id's timestamp, so the id is made for that moment; default now). ``avatar``: an avatar hash (default
        None: the default avatar)."""
        uid = snowflake() if created_at is None else snowflake_at(created_at)
        user = User(uid, name, global_name=global_name, bot=bot, avatar=avatar)
        self.users[user.id] = user
        return user

    def add_guild(
        self,
        name: str = "Test Guild",
        *,
        owner: str | User = "owner",
        bot_permissions: perms.PermissionSpec = None,
        everyone_permissions: perms.PermissionSpec = None,
        shard: tuple[int, int] | None = None,
    ) -> GuildState:
        """Create a guild with @everyone, the bot's managed role and member, and an owner.

        ``bot_permissions`` defaults to everything except Administrator;
        ``everyone_permissions`` defaults to Discord's default @everyone set;
        ``shard=(shard_id, shard_count)`` picks a guild id on that shard (``(id >> 22) % shard_count``),
        so its events and interactions go to the bot session holding that shard.
        """
        gid = snowflake_on_shard(*shard) if shard is not None else snowflake()
        owner_user = owner if isinstance(owner, User) else self.add_user(owner)
        guild = GuildState(self, gid, name, owner_user.id)
        default = discord.Permissions.general() | discord.Permissions.text()
        default.value &= ~(perms.MANAGE_CHANNELS | perms.MANAGE_ROLES | perms.MANAGE_GUILD | perms.MANAGE_MESSAGES
                           | perms.VIEW_AUDIT_LOG)
        default.update(connect=True, speak=True, stream=True, use_voice_activation=True)  # as Discord's default
        every = perms.to_bits(everyone_permissions) if everyone_permissions is not None else default.value
        guild.roles[gid] = Role(gid, gid, "@everyone", every, 0)
        bot_bits = perms.ALL & ~perms.ADMINISTRATOR if bot_permissions is None else perms.to_bits(bot_permissions)
        bot_role = Role(snowflake(), gid, self.bot_user.username, bot_bits, 1, managed=True, bot_id=self.bot_user.id)
        guild.roles[bot_role.id] = bot_role
        guild.members[self.bot_user.id] = Member(gid, self.bot_user, [bot_role.id])
        guild.members[owner_user.id] = Member(gid, owner_user, [])
        self.guilds[gid] = guild
        self.emit("GUILD_CREATE", guild.payload(), gid)
        return guild

    def dm_channel(self, user: UserRef) -> Channel:
        """Get or create the DM channel between the bot and ``user``."""
        uid = user_id_of(user)
        for ch in self.channels.values():
            if ch.type == DM and ch.recipients == [uid]:
                return ch
        ch = Channel(snowflake(), DM, None, recipients=[uid])
        self.channels[ch.id] = ch
        self.channel_messages[ch.id] = []
        return ch

    def add_attachment(self, filename: str, data: bytes, content_type: str | None = None) -> Attachment:
        """Store bytes served under ``/attachments/<id>/<filename>``."""
        aid = snowflake()
        # Quoted like Discord's CDN URLs, so a name with slashes or spaces still makes a URL that resolves.
        url = f"{self.base_url}/attachments/{aid}/{urllib.parse.quote(filename, safe='')}"
        att = Attachment(aid, filename, data, url, content_type)
        self.attachments[aid] = att
        return att

    def store_message(self, msg: Message) -> Message:
        """Record a new message in its channel."""
        self.messages[msg.id] = msg
        self.channel_messages.setdefault(msg.channel_id, []).append(msg.id)
        ch = self.channels.get(msg.channel_id)
        if ch is not None and not msg.ephemeral and msg.id > (ch.last_message_id or 0):
            ch.last_message_id = msg.id
        self.notify()
        return msg

    # -- lookups -------------------------------------------------------------
    def guild_of(self, channel: Channel) -> GuildState | None:
        """Guild of a channel (None for DMs)."""
        return self.guilds.get(channel.guild_id) if channel.guild_id else None

    def bot_permissions(self, guild: GuildState, channel: Channel | None = None) -> int:
        """The bot's permissions in ``guild`` (and ``channel``)."""
        return perms.channel_permissions(guild, guild.me, channel)

    def visible_messages(self, channel_id: int, *, include_ephemeral: bool = False) -> list[Message]:
        """Non-deleted messages of a channel, oldest first."""
        out = []
        for mid in self.channel_messages.get(channel_id, []):
            msg = self.messages[mid]
            if msg.deleted or (msg.ephemeral and not include_ephemeral):
                continue
            out.append(msg)
        return sorted(out, key=lambda m: m.id)  # by id, as Discord orders them (backdated ones included)

    # -- payloads ------------------------------------------------------------
    def channel_payload(self, channel: Channel) -> dict[str, Any]:
        """Channel object payload."""
        return channel_payload(channel, self.users)

    def member_payload(self, member: Member, **kw: Any) -> dict[str, Any]:
        """Member object payload."""
        return member_payload(member, **kw)

    def message_payload(self, msg: Message, *, viewer_id: int | None = None) -> dict[str, Any]:
        """Message object payload (reactions' ``me`` computed for ``viewer_id``)."""
        viewer = self.bot_user.id if viewer_id is None else viewer_id
        guild = self.guilds.get(msg.guild_id) if msg.guild_id else None
        user_ids, role_ids = mentioned_ids(msg.content)
        mentions = []
        for uid in dict.fromkeys(user_ids):
            user = self.users.get(uid)
            if user is None:
                continue
            data = user_payload(user)
            if guild is not None and uid in guild.members:
                data["member"] = member_payload(guild.members[uid], with_user=False)
            mentions.append(data)
        data: dict[str, Any] = {
            "id": str(msg.id),
            "channel_id": str(msg.channel_id),
            "type": msg.type,
            "content": msg.content,
            "author": user_payload(msg.author),
            "attachments": [attachment_payload(a) for a in msg.attachments],
            "embeds": msg.embeds,
            "mentions": mentions,
            "mention_roles": [str(r) for r in role_ids if guild is None or r in guild.roles],
            "mention_everyone": "@everyone" in msg.content and not msg.author.bot,
            "pinned": msg.pinned,
            "tts": msg.tts,
            "timestamp": msg.timestamp,
            "edited_timestamp": msg.edited_timestamp,
            "flags": msg.flags,
            "components": msg.components,
            "reactions": [
                {
                    "emoji": emoji_payload(key),
                    "count": len(users),
                    "count_details": {"normal": len(users), "burst": 0},
                    "me": viewer in users,
                    "me_burst": False,
                    "burst_colors": [],
                }
                for key, users in msg.reactions.items()
                if users
            ],
        }
        if guild is not None:
            data["guild_id"] = str(guild.id)
            member = guild.members.get(msg.author.id)
            if member is not None and msg.webhook_id is None:
                data["member"] = member_payload(member, with_user=False)
        if msg.webhook_id is not None:
            data["webhook_id"] = str(msg.webhook_id)
        if msg.application_id is not None:
            data["application_id"] = str(msg.application_id)
        if msg.message_reference is not None:
            data["message_reference"] = msg.message_reference
            ref = self.messages.get(int(msg.message_reference["message_id"]))
            if ref is not None and ref.message_reference is None and not ref.deleted:
                data["referenced_message"] = self.message_payload(ref, viewer_id=viewer_id)
        return data
