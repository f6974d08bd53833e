"""User-like helpers: what a person does in Discord, sent to the bot as events.

Mixed into :class:`~tests.standin.StandIn`. Every action sends the gateway event
Discord would send and then (unless ``settle=False``) waits until the bot has
finished reacting (see ``StandIn.settle``).
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any

import discord

from . import models
from . import permissions as perms
from .interactions import (
    APPLICATION_COMMAND,
    AUTOCOMPLETE,
    COMPONENT,
    MODAL_SUBMIT,
    SELECT_TYPES,
    InteractionResult,
    Resolver,
    base_payload,
    build_options,
    find_component,
    modal_components,
)
from .messaging import emit_create, emit_update
from .models import DM, Channel, Member, Message, User, emoji_key, emoji_payload, now_iso, snowflake

if TYPE_CHECKING:
    from .state import GuildState, World

MessageRef = Message | InteractionResult | discord.Message | int


class UserActions:
    """Helpers reading like a user; requires ``world``, ``settle`` and ``bot``."""

    world: World
    bot: Any

    async def settle(self, timeout: float = 5.0) -> None:  # pragma: no cover - provided by StandIn  # noqa: ASYNC109
        raise NotImplementedError

    # -- context resolution ----------------------------------------------------
    def _context(
        self, user: Member | User, guild: GuildState | None, channel: Channel | None
    ) -> tuple[Member | User, GuildState | None, Channel]:
        if channel is not None and guild is None:
            guild = self.world.guild_of(channel)
        if guild is None and isinstance(user, Member) and channel is None:
            guild = self.world.guilds[user.guild_id]
        if guild is not None:
            member = guild.members.get(user.id)
            if member is None:
                raise LookupError(f"{user} is not a member of {guild.name}")
            if channel is None:
                texts = [c for c in guild.channels if c.type == 0]
                channel = next((c for c in texts if c.name == "general"), texts[0] if texts else None)
                if channel is None:
                    raise LookupError(f"{guild.name} has no text channel; pass channel=")
            if not perms.channel_permissions(guild, member, channel) & perms.VIEW_CHANNEL:
                raise PermissionError(f"{member.user.username} cannot see #{channel.name}")
            return member, guild, channel
        plain = user.user if isinstance(user, Member) else user
        return plain, None, channel or self.world.dm_channel(plain)

    def _message(self, ref: MessageRef) -> Message:
        if isinstance(ref, Message):
            msg = self.world.messages[ref.id]
        elif isinstance(ref, InteractionResult):
            last = ref.last
            if last is None:
                raise LookupError(f"{ref!r} produced no message")
            msg = last
        else:
            msg = self.world.messages[ref if isinstance(ref, int) else ref.id]
        if msg.deleted:
            raise LookupError(f"message {msg.id} was deleted")
        return msg

    async def _send_interaction(
        self, payload: dict[str, Any], source: Message | None, settle: bool
    ) -> InteractionResult:
        rec = InteractionResult(self.world, payload, source.id if source else None)
        self.world.interactions[rec.token] = rec
        gid = int(payload["guild_id"]) if payload.get("guild_id") else None
        self.world.emit("INTERACTION_CREATE", payload, gid)
        if settle:
            await self._await_answer(rec)
        return rec

    async def _await_answer(self, rec: InteractionResult, grace: float = 0.25) -> None:
        """Settle, and keep settling while the interaction is unanswered (or only "thinking"), for at most
        ``grace`` seconds of apparent idleness: I/O the idle heuristic cannot see must not cut a test short,
        and a bot that never answers must not cost the full timeout."""
        loop = asyncio.get_running_loop()
        idle_since: float | None = None
        while True:
            await self.settle()
            thinking = rec.response_type == 5 and not (rec.followup_ids or rec.edits)
            if rec.responded and not thinking:
                return
            now = loop.time()
            idle_since = now if idle_since is None else idle_since
            if now - idle_since > grace:
                return
            await asyncio.sleep(0.005)

    # -- application commands --------------------------------------------------------
    def _find_command(self, name: str, guild: GuildState | None, ctype: int) -> dict[str, Any]:
        pools = (self.world.commands.get(guild.id, []) if guild else []) + self.world.commands.get(None, [])
        for cmd in pools:
            if cmd["name"] == name and cmd.get("type", 1) == ctype:
                return cmd
        tree = getattr(self.bot, "tree", None)
        if tree is not None:
            kind = discord.AppCommandType(ctype)
            local = tree.get_commands(guild=discord.Object(guild.id), type=kind) if guild else []
            for command in list(local) + list(tree.get_commands(type=kind)):
                if command.name == name:
                    data = command.to_dict(tree)
                    data.setdefault("id", str(snowflake()))
                    if command in local and guild is not None:
                        data["guild_id"] = str(guild.id)
                    return data
        known = sorted({c["name"] for pool in self.world.commands.values() for c in pool})
        raise LookupError(f"application command {name!r} (type {ctype}) is not registered; known: {known}")

    def _check_visible(self, cmd: dict[str, Any], user: Member | User, guild: GuildState | None) -> None:
        if guild is None:
            contexts = cmd.get("contexts")
            if cmd.get("guild_id") or cmd.get("dm_permission") is False or (contexts is not None and 1 not in contexts):
                raise PermissionError(f"command {cmd['name']!r} is not available in DMs")
            return
        needed = cmd.get("default_member_permissions")
        if needed is not None and isinstance(user, Member):
            have = perms.base_permissions(guild, user)
            if int(needed) & ~have:
                raise PermissionError(f"{user.user.username} cannot use /{cmd['name']} (default_member_permissions)")

    def _command_data(
        self,
        qualified: str,
        values: dict[str, Any],
        resolver: Resolver,
        *,
        focused: str | None = None,
        partial: str = "",
        check: bool = True,
    ) -> dict[str, Any]:
        parts = qualified.split()
        cmd = self._find_command(parts[0], resolver.guild, 1)
        if check:
            self._check_visible(cmd, resolver.invoker, resolver.guild)
        chain: list[dict[str, Any]] = []
        schemas = cmd.get("options") or []
        for part in parts[1:]:
            sub = next((o for o in schemas if o["name"] == part and o["type"] in (1, 2)), None)
            if sub is None:
                subs = [o["name"] for o in schemas if o["type"] in (1, 2)]
                raise LookupError(
                    f"{part!r} is not a subcommand of {' '.join(parts[:1] + [c['name'] for c in chain])}; has {subs}"
                )
            chain.append(sub)
            schemas = sub.get("options") or []
        if any(o["type"] in (1, 2) for o in schemas):
            subs = [o["name"] for o in schemas if o["type"] in (1, 2)]
            raise LookupError(f"{qualified!r} is a group; pick one of {subs}")
        options = build_options(schemas, values, resolver, focused=focused, partial=partial)
        for sub in reversed(chain):
            options = [{"name": sub["name"], "type": sub["type"], "options": options}]
        data: dict[str, Any] = {"id": cmd["id"], "name": cmd["name"], "type": 1, "options": options}
        if cmd.get("guild_id"):
            data["guild_id"] = cmd["guild_id"]
        if resolver.data:
            data["resolved"] = resolver.data
        return data

    async def slash(
        self,
        command: str,
        /,
        *,
        user: Member | User,
        guild: GuildState | None = None,
        channel: Channel | None = None,
        options: dict[str, Any] | None = None,
        settle: bool = True,
        check_permissions: bool = True,
        **kwargs: Any,
    ) -> InteractionResult:
        """Run ``/command`` (e.g. ``"config set"``) with options as keyword arguments
        (or ``options={...}`` for names that are not identifiers)."""
        invoker, guild, channel = self._context(user, guild, channel)
        resolver = Resolver(self.world, guild, channel, invoker)
        values = {**(options or {}), **kwargs}
        data = self._command_data(command, values, resolver, check=check_permissions)
        payload = base_payload(self.world, APPLICATION_COMMAND, data, user=invoker, guild=guild, channel=channel)
        return await self._send_interaction(payload, None, settle)

    async def autocomplete(
        self,
        command: str,
        option: str,
        /,
        *,
        user: Member | User,
        partial: str = "",
        guild: GuildState | None = None,
        channel: Channel | None = None,
        check_permissions: bool = True,
        **kwargs: Any,
    ) -> list[dict[str, Any]]:
        """Type ``partial`` into ``option`` of ``/command``; returns the offered choices.

        ``check_permissions=False`` sends it even for a command the user cannot see (a crafted interaction: Discord
        does not stop those)."""
        invoker, guild, channel = self._context(user, guild, channel)
        resolver = Resolver(self.world, guild, channel, invoker)
        data = self._command_data(command, kwargs, resolver, focused=option, partial=partial,
                                  check=check_permissions)
        payload = base_payload(self.world, AUTOCOMPLETE, data, user=invoker, guild=guild, channel=channel)
        rec = await self._send_interaction(payload, None, True)
        if rec.choices is None:
            raise AssertionError(f"bot did not answer autocomplete for {command} {option}")
        return rec.choices

    async def context_menu(
        self,
        name: str,
        target: Message | Member | User,
        *,
        user: Member | User,
        guild: GuildState | None = None,
        channel: Channel | None = None,
        settle: bool = True,
    ) -> InteractionResult:
        """Use a user (target Member/User) or message (target Message) context menu."""
        if isinstance(target, Message):
            channel = channel or self.world.channels[target.channel_id]
        invoker, guild, channel = self._context(user, guild, channel)
        resolver = Resolver(self.world, guild, channel, invoker)
        ctype = 3 if isinstance(target, Message) else 2
        cmd = self._find_command(name, guild, ctype)
        self._check_visible(cmd, invoker, guild)
        target_id = resolver.message(target) if isinstance(target, Message) else resolver.user(target)
        data = {"id": cmd["id"], "name": cmd["name"], "type": ctype, "target_id": target_id, "resolved": resolver.data}
        if cmd.get("guild_id"):
            data["guild_id"] = cmd["guild_id"]
        payload = base_payload(self.world, APPLICATION_COMMAND, data, user=invoker, guild=guild, channel=channel)
        return await self._send_interaction(payload, None, settle)

    # -- components ----------------------------------------------------------------
    @staticmethod
    def _check_visible_message(msg: Message, user: Member | User) -> None:
        if msg.ephemeral_for is not None and msg.ephemeral_for != user.id:
            raise PermissionError(f"message {msg.id} is ephemeral and only visible to user {msg.ephemeral_for}")

    def _component_payload(
        self, msg: Message, user: Member | User, data: dict[str, Any], resolver: Resolver | None = None
    ) -> dict[str, Any]:
        self._check_visible_message(msg, user)
        channel = self.world.channels[msg.channel_id]
        invoker, guild, channel = self._context(user, None, channel)
        payload = base_payload(self.world, COMPONENT, data, user=invoker, guild=guild, channel=channel)
        payload["message"] = self.world.message_payload(msg, viewer_id=user.id)
        return payload

    async def click(
        self, message: MessageRef, button: str, *, user: Member | User, settle: bool = True
    ) -> InteractionResult:
        """Click the button labelled ``button`` (or with that custom_id/emoji)."""
        msg = self._message(message)
        self._check_visible_message(msg, user)
        comp = find_component(msg, button, (2,))
        if comp.get("disabled"):
            raise ValueError(f"button {button!r} is disabled")
        if "custom_id" not in comp:
            raise ValueError(f"button {button!r} is a link/premium button; it cannot be clicked")
        data = {"custom_id": comp["custom_id"], "component_type": 2}
        return await self._send_interaction(self._component_payload(msg, user, data), msg, settle)

    async def select(
        self,
        message: MessageRef,
        values: Iterable[Any],
        *,
        user: Member | User,
        menu: str | None = None,
        settle: bool = True,
    ) -> InteractionResult:
        """Choose ``values`` in a select menu (first one, or ``menu`` by custom_id/placeholder).

        String selects take option values; user/role/channel selects take objects or ids.
        """
        msg = self._message(message)
        self._check_visible_message(msg, user)
        if menu is not None:
            comp = find_component(msg, menu, SELECT_TYPES)
        else:
            from .models import walk_components

            found = [c for c in walk_components(msg.components) if c.get("type") in SELECT_TYPES]
            if not found:
                raise LookupError(f"message {msg.id} has no select menu")
            comp = found[0]
        if comp.get("disabled"):
            raise ValueError("select menu is disabled")
        picked = list(values)
        lo, hi = comp.get("min_values", 1), comp.get("max_values", 1)
        if not lo <= len(picked) <= hi:
            raise ValueError(f"select needs between {lo} and {hi} values, got {len(picked)}")
        data: dict[str, Any] = {"custom_id": comp["custom_id"], "component_type": comp["type"]}
        channel = self.world.channels[msg.channel_id]
        guild = self.world.guild_of(channel)
        resolver = Resolver(self.world, guild, channel, user)
        if comp["type"] == 3:
            allowed = [o["value"] for o in comp.get("options") or []]
            bad = [v for v in picked if v not in allowed]
            if bad:
                raise ValueError(f"{bad} not among select options {allowed}")
            data["values"] = [str(v) for v in picked]
        else:
            convert = {5: resolver.user, 6: resolver.role, 7: resolver.mentionable, 8: resolver.channel_ref}[
                comp["type"]
            ]
            data["values"] = [convert(v) for v in picked]
            data["resolved"] = resolver.data
        return await self._send_interaction(self._component_payload(msg, user, data), msg, settle)

    async def submit_modal(
        self,
        source: InteractionResult,
        values: dict[str, Any],
        *,
        user: Member | User | None = None,
        settle: bool = True,
    ) -> InteractionResult:
        """Fill and submit the modal the bot opened in answer to ``source``."""
        modal = source.modal
        if modal is None:
            raise LookupError(f"{source!r} did not open a modal")
        used: set[str] = set()
        data = {"custom_id": modal["custom_id"], "components": modal_components(modal["components"], values, used)}
        unknown = set(values) - used
        if unknown:
            raise LookupError(f"modal has no field(s) {sorted(unknown)}")
        channel = self.world.channels[source.channel_id]
        guild = self.world.guilds.get(source.guild_id) if source.guild_id else None
        who: Member | User = user or (guild.members[source.user_id] if guild else self.world.users[source.user_id])
        invoker, guild, channel = self._context(who, guild, channel)
        payload = base_payload(self.world, MODAL_SUBMIT, data, user=invoker, guild=guild, channel=channel)
        src = self.world.messages.get(source.source_message_id or 0)
        if src is not None:
            payload["message"] = self.world.message_payload(src, viewer_id=invoker.id)
        return await self._send_interaction(payload, src, settle)

    # -- messages, reactions, members ----------------------------------------------------------
    async def say(
        self,
        channel: Channel,
        user: Member | User,
        content: str = "",
        *,
        attachments: Iterable[tuple[str, bytes] | tuple[str, bytes, str]] = (),
        embeds: Iterable[dict[str, Any]] = (),
        reply_to: Message | None = None,
        at: datetime | None = None,
        settle: bool = True,
    ) -> Message:
        """``user`` posts a message in ``channel`` (MESSAGE_CREATE). ``at`` backdates it: its id and timestamp
        are from that time (e.g. 15 days ago, to test the 14-day bulk-delete limit without waiting)."""
        author, guild, channel = self._context(user, None, channel)
        if guild is not None and isinstance(author, Member):
            if not perms.channel_permissions(guild, author, channel) & perms.SEND_MESSAGES:
                raise PermissionError(f"{author.user.username} cannot send in #{channel.name}")
        plain = author.user if isinstance(author, Member) else author
        msg = Message(snowflake() if at is None else models.snowflake_at(at), channel.id, plain, content,
                      guild_id=channel.guild_id, embeds=list(embeds))
        if at is not None:
            msg.timestamp = models.snowflake_time(msg.id).isoformat()
        msg.attachments = [self.world.add_attachment(*a) for a in attachments]
        if reply_to is not None:
            msg.type = 19
            msg.message_reference = {"type": 0, "message_id": str(reply_to.id), "channel_id": str(channel.id)}
        self.world.store_message(msg)
        emit_create(self.world, msg)
        if settle:
            await self.settle()
        return msg

    async def dm(self, user: Member | User, content: str = "", **kw: Any) -> Message:
        """``user`` sends a direct message to the bot."""
        plain = user.user if isinstance(user, Member) else user
        return await self.say(self.world.dm_channel(plain), plain, content, **kw)

    async def edit_message(
        self,
        message: Message,
        content: str | None = None,
        *,
        embeds: list[dict[str, Any]] | None = None,
        settle: bool = True,
    ) -> Message:
        """The author edits their message (MESSAGE_UPDATE)."""
        msg = self._message(message)
        msg.history.append({"content": msg.content, "embeds": msg.embeds})
        if content is not None:
            msg.content = content
        if embeds is not None:
            msg.embeds = embeds
        msg.edited_timestamp = now_iso()
        emit_update(self.world, msg)
        if settle:
            await self.settle()
        return msg

    async def delete_message(self, message: Message, *, settle: bool = True) -> None:
        """The message is deleted by its author/a moderator (MESSAGE_DELETE)."""
        from .messaging import delete_message

        delete_message(self.world, self._message(message))
        if settle:
            await self.settle()

    def _reaction(self, msg: Message, user: Member | User, key: str) -> dict[str, Any]:
        data: dict[str, Any] = {
            "user_id": str(user.id),
            "channel_id": str(msg.channel_id),
            "message_id": str(msg.id),
            "emoji": emoji_payload(key),
            "message_author_id": str(msg.author.id),
            "burst": False,
            "type": 0,
        }
        if msg.guild_id:
            data["guild_id"] = str(msg.guild_id)
            member = self.world.guilds[msg.guild_id].members.get(user.id)
            if member is not None:
                data["member"] = self.world.member_payload(member)
        return data

    async def react(self, message: MessageRef, user: Member | User, emoji: str, *, settle: bool = True) -> None:
        """``user`` adds reaction ``emoji`` (unicode or ``<:name:id>``)."""
        msg = self._message(message)
        key = emoji_key(emoji)
        users = msg.reactions.setdefault(key, [])
        if user.id not in users:
            users.append(user.id)
            self.world.emit("MESSAGE_REACTION_ADD", self._reaction(msg, user, key), msg.guild_id)
        if settle:
            await self.settle()

    async def unreact(self, message: MessageRef, user: Member | User, emoji: str, *, settle: bool = True) -> None:
        """``user`` removes their reaction ``emoji``."""
        msg = self._message(message)
        key = emoji_key(emoji)
        if user.id in msg.reactions.get(key, []):
            msg.reactions[key].remove(user.id)
            data = self._reaction(msg, user, key)
            data.pop("member", None)
            self.world.emit("MESSAGE_REACTION_REMOVE", data, msg.guild_id)
        if settle:
            await self.settle()

    async def member_join(
        self, guild: GuildState, user: str | User, *, invite: str | None = None, settle: bool = True, **kw: Any
    ) -> Member:
        """A user joins ``guild`` (GUILD_MEMBER_ADD), through ``invite`` (a code; its ``uses`` goes up) if given;
        ``kw`` as for ``GuildState.add_member``. See ``GuildState.join``."""
        member = guild.join(user, invite=invite, **kw)
        if settle:
            await self.settle()
        return member

    async def members_join(self, guild: GuildState, joins: list[tuple[str | User, str | None]], *,
                           settle: bool = True, **kw: Any) -> list[Member]:
        """Several users join ``guild`` at once, each through its invite code (or None): every use is counted
        before the GUILD_MEMBER_ADD events arrive. See ``GuildState.join_many``."""
        members = guild.join_many(joins, **kw)
        if settle:
            await self.settle()
        return members

    async def member_leave(self, guild: GuildState, member: Member | User, *, settle: bool = True) -> None:
        """A member leaves ``guild`` (GUILD_MEMBER_REMOVE)."""
        from .models import user_payload

        gone = guild.members.pop(member.id)
        self.world.emit("GUILD_MEMBER_REMOVE", {"guild_id": str(guild.id), "user": user_payload(gone.user)}, guild.id)
        if settle:
            await self.settle()

    # -- queries -------------------------------------------------------------------------------
    def messages_in(self, channel: Channel, *, include_ephemeral: bool = False) -> list[Message]:
        """Messages in ``channel`` (oldest first, deleted ones excluded)."""
        return self.world.visible_messages(channel.id, include_ephemeral=include_ephemeral)

    def last_message(self, channel: Channel) -> Message | None:
        """Newest visible message in ``channel``."""
        msgs = self.messages_in(channel)
        return msgs[-1] if msgs else None

    def dms_to(self, user: Member | User) -> list[Message]:
        """Messages the bot sent to ``user`` by DM."""
        for ch in self.world.channels.values():
            if ch.type == DM and ch.recipients == [user.id]:
                return [m for m in self.messages_in(ch) if m.author.id == self.world.bot_user.id]
        return []
