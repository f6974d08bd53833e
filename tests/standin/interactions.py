"""Interaction payload building and the captured result of an interaction."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from . import permissions as perms
from .models import (
    Attachment,
    Channel,
    Member,
    Message,
    Role,
    User,
    attachment_payload,
    snowflake,
    user_payload,
    walk_components,
)

if TYPE_CHECKING:
    from .state import GuildState, World

# Interaction types
APPLICATION_COMMAND = 2
COMPONENT = 3
AUTOCOMPLETE = 4
MODAL_SUBMIT = 5

# Option types
SUB_COMMAND, SUB_COMMAND_GROUP = 1, 2
STRING, INTEGER, BOOLEAN, USER, CHANNEL, ROLE, MENTIONABLE, NUMBER, ATTACHMENT = 3, 4, 5, 6, 7, 8, 9, 10, 11
SELECT_TYPES = (3, 5, 6, 7, 8)
INTERACTION_ANSWER_WINDOW = 3.0  # seconds Discord waits for the initial callback


class InteractionResult:
    """Everything the bot did in answer to one interaction.

    ``response_type`` is the callback type (4 message, 5 deferred, 6 deferred
    update, 7 update message, 8 autocomplete, 9 modal). Message-like answers are
    stored as :class:`Message` in the world; properties read the current version.
    """

    def __init__(self, world: World, payload: dict[str, Any], source_message_id: int | None = None) -> None:
        self.world = world
        self.payload = payload
        self.id = int(payload["id"])
        self.token: str = payload["token"]
        self.type: int = payload["type"]
        self.channel_id = int(payload["channel_id"])
        self.guild_id = int(payload["guild_id"]) if payload.get("guild_id") else None
        user = payload.get("member", {}).get("user") or payload.get("user")
        self.user_id = int(user["id"])
        self.source_message_id = source_message_id
        self.response_type: int | None = None
        self.response: dict[str, Any] | None = None
        self.original_id: int | None = None
        self.followup_ids: list[int] = []
        self.edits: list[dict[str, Any]] = []
        self.modal: dict[str, Any] | None = None
        self.choices: list[dict[str, Any]] | None = None
        self._changed = asyncio.Event()
        # Discord forgets an interaction that is not answered within 3 seconds.
        self.expires_at = asyncio.get_running_loop().time() + INTERACTION_ANSWER_WINDOW

    def __repr__(self) -> str:
        return f"<InteractionResult type={self.type} response_type={self.response_type} content={self.content!r}>"

    # -- state changes (called by route handlers) ------------------------------
    def notify(self) -> None:
        """Wake up waiters after any change."""
        self._changed.set()
        self._changed = asyncio.Event()

    async def wait(self, predicate: Callable[[InteractionResult], bool], timeout: float = 5.0) -> None:  # noqa: ASYNC109
        """Wait until ``predicate(self)`` holds (raises TimeoutError after ``timeout``)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not predicate(self):
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise TimeoutError(f"interaction {self!r} did not reach the expected state")
            try:
                await asyncio.wait_for(self._changed.wait(), remaining)
            except TimeoutError:
                continue

    async def next_followup(self, count: int = 1, timeout: float = 5.0) -> Message:  # noqa: ASYNC109
        """Wait until at least ``count`` followups exist and return the ``count``-th."""
        await self.wait(lambda r: len(r.followup_ids) >= count, timeout)
        return self.followups[count - 1]

    # -- reading ----------------------------------------------------------------
    @property
    def responded(self) -> bool:
        """Whether the bot answered the interaction callback."""
        return self.response_type is not None

    @property
    def deferred(self) -> bool:
        """Whether the answer was a defer (type 5 or 6)."""
        return self.response_type in (5, 6)

    @property
    def message(self) -> Message | None:
        """The original response message (current version), if any."""
        return self.world.messages.get(self.original_id) if self.original_id else None

    @property
    def followups(self) -> list[Message]:
        """Followup messages, oldest first."""
        return [self.world.messages[i] for i in self.followup_ids]

    @property
    def messages(self) -> list[Message]:
        """Original response (if a message) followed by the followups."""
        first = [self.message] if self.message is not None and self.response_type in (4, 5) else []
        return first + [m for m in self.followups if m.id != self.original_id]

    @property
    def last(self) -> Message | None:
        """The most recent message produced (last followup, else original)."""
        msgs = self.messages
        return msgs[-1] if msgs else self.message

    @property
    def content(self) -> str | None:
        """Content of the original response message."""
        msg = self.message
        return msg.content if msg is not None else None

    @property
    def embeds(self) -> list[dict[str, Any]]:
        """Embeds of the original response message."""
        msg = self.message
        return msg.embeds if msg is not None else []

    @property
    def components(self) -> list[dict[str, Any]]:
        """Components of the original response message."""
        msg = self.message
        return msg.components if msg is not None else []

    @property
    def files(self) -> list[Attachment]:
        """Attachments of the original response message."""
        msg = self.message
        return msg.attachments if msg is not None else []

    @property
    def ephemeral(self) -> bool:
        """Whether the original response is ephemeral (flag 64)."""
        msg = self.message
        return bool(msg is not None and msg.ephemeral)

    @property
    def text(self) -> str:
        """All content and embed text of every produced message, for easy asserts."""
        parts: list[str] = []
        for msg in self.messages:
            parts.append(msg.content)
            for emb in msg.embeds:
                parts += [emb.get("title") or "", emb.get("description") or ""]
                parts += [f"{f.get('name')} {f.get('value')}" for f in emb.get("fields") or []]
        return "\n".join(p for p in parts if p)


def base_payload(
    world: World,
    itype: int,
    data: dict[str, Any],
    *,
    user: Member | User,
    guild: GuildState | None,
    channel: Channel,
) -> dict[str, Any]:
    """Common interaction fields (member/user, channel, permissions...)."""
    payload: dict[str, Any] = {
        "id": str(snowflake()),
        "application_id": str(world.application_id),
        "type": itype,
        "data": data,
        "token": f"standin-{uuid.uuid4().hex}",
        "version": 1,
        "locale": "en-US",
        "attachment_size_limit": 10 * 1024 * 1024,
        "entitlements": [],
        "entitlement_sku_ids": [],
        "channel_id": str(channel.id),
    }
    ch = world.channel_payload(channel)
    if guild is not None:
        member = user if isinstance(user, Member) else guild.members[user.id]
        user_perms = perms.channel_permissions(guild, member, channel)
        ch["permissions"] = str(user_perms)
        payload.update(
            {
                "guild_id": str(guild.id),
                "guild_locale": "en-US",
                "guild": {"id": str(guild.id), "locale": "en-US", "features": guild.features},
                "member": world.member_payload(member, permissions=user_perms),
                "app_permissions": str(world.bot_permissions(guild, channel)),
                "authorizing_integration_owners": {"0": str(guild.id)},
                "context": 0,
            }
        )
    else:
        u = user.user if isinstance(user, Member) else user
        payload.update(
            {
                "user": user_payload(u),
                "app_permissions": str(perms.ALL),
                "authorizing_integration_owners": {"1": str(u.id)},
                "context": 1,
            }
        )
    payload["channel"] = ch
    return payload


class Resolver:
    """Accumulates ``data.resolved`` for option/select values."""

    def __init__(self, world: World, guild: GuildState | None, channel: Channel, invoker: Member | User) -> None:
        self.world, self.guild, self.channel, self.invoker = world, guild, channel, invoker
        self.data: dict[str, dict[str, Any]] = {}

    def user(self, ref: Any) -> str:
        """Resolve a user/member reference; returns the id string."""
        uid = ref if isinstance(ref, int) else int(ref.id)
        user = self.world.users[uid]
        self.data.setdefault("users", {})[str(uid)] = user_payload(user)
        if self.guild is not None and uid in self.guild.members:
            member = self.guild.members[uid]
            p = perms.channel_permissions(self.guild, member, self.channel)
            self.data.setdefault("members", {})[str(uid)] = self.world.member_payload(
                member, with_user=False, permissions=p
            )
        return str(uid)

    def role(self, ref: Any) -> str:
        """Resolve a role."""
        rid = ref if isinstance(ref, int) else int(ref.id)
        assert self.guild is not None, "roles need a guild"
        from .models import role_payload

        self.data.setdefault("roles", {})[str(rid)] = role_payload(self.guild.roles[rid])
        return str(rid)

    def channel_ref(self, ref: Any) -> str:
        """Resolve a channel."""
        cid = ref if isinstance(ref, int) else int(ref.id)
        ch = self.world.channels[cid]
        data = self.world.channel_payload(ch)
        if self.guild is not None:
            member = self.invoker if isinstance(self.invoker, Member) else self.guild.members[self.invoker.id]
            data["permissions"] = str(perms.channel_permissions(self.guild, member, ch))
        else:
            data["permissions"] = str(perms.ALL)
        self.data.setdefault("channels", {})[str(cid)] = data
        return str(cid)

    def attachment(self, ref: Any) -> str:
        """Resolve an attachment given as Attachment or (filename, bytes[, content_type])."""
        att = ref if isinstance(ref, Attachment) else self.world.add_attachment(*ref)
        self.data.setdefault("attachments", {})[str(att.id)] = attachment_payload(att)
        return str(att.id)

    def mentionable(self, ref: Any) -> str:
        """Resolve a role or a user."""
        return self.role(ref) if isinstance(ref, Role) else self.user(ref)

    def message(self, msg: Message) -> str:
        """Resolve a message (message context menus)."""
        self.data.setdefault("messages", {})[str(msg.id)] = self.world.message_payload(msg)
        return str(msg.id)


def convert_value(schema: dict[str, Any], value: Any, resolver: Resolver) -> Any:
    """Convert a Python value to the wire value for an option ``schema``."""
    otype = schema["type"]
    if otype == STRING:
        value = str(value)
    elif otype == INTEGER:
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"option {schema['name']!r} expects an int, got {value!r}")
    elif otype == NUMBER:
        value = float(value)
    elif otype == BOOLEAN:
        value = bool(value)
    elif otype == USER:
        return resolver.user(value)
    elif otype == CHANNEL:
        return resolver.channel_ref(value)
    elif otype == ROLE:
        return resolver.role(value)
    elif otype == MENTIONABLE:
        return resolver.mentionable(value)
    elif otype == ATTACHMENT:
        return resolver.attachment(value)
    # Discord's client enforces the declared bounds before anything reaches the bot.
    if otype in (INTEGER, NUMBER):
        lo, hi = schema.get("min_value"), schema.get("max_value")
        if (lo is not None and value < lo) or (hi is not None and value > hi):
            raise ValueError(f"option {schema['name']!r}: {value!r} is outside [{lo}, {hi}]")
    if otype == STRING:
        lo, hi = schema.get("min_length", 0), schema.get("max_length", 6000)
        if not lo <= len(value) <= hi:
            raise ValueError(f"option {schema['name']!r}: {len(value)} characters, outside [{lo}, {hi}]")
    choices = schema.get("choices")
    if choices and value not in [c["value"] for c in choices]:
        raise ValueError(f"option {schema['name']!r}: {value!r} is not one of {[c['value'] for c in choices]}")
    return value


def build_options(
    schemas: list[dict[str, Any]],
    values: dict[str, Any],
    resolver: Resolver,
    *,
    focused: str | None = None,
    partial: str = "",
) -> list[dict[str, Any]]:
    """Build the ``options`` list for leaf command option ``schemas``.

    Unknown names and missing required options raise ``ValueError`` (Discord's
    client would not let a user do that). ``focused`` marks the autocomplete option.
    """
    by_name = {s["name"]: s for s in schemas}
    unknown = set(values) - set(by_name) - ({focused} if focused else set())
    if unknown:
        raise ValueError(f"unknown option(s) {sorted(unknown)}; command has {sorted(by_name)}")
    if focused is not None and focused not in by_name:
        raise ValueError(f"unknown autocomplete option {focused!r}; command has {sorted(by_name)}")
    if focused is None:
        missing = [s["name"] for s in schemas if s.get("required") and s["name"] not in values]
        if missing:
            raise ValueError(f"missing required option(s) {missing}")
    out: list[dict[str, Any]] = []
    for name, value in values.items():
        if name == focused:
            continue
        schema = by_name[name]
        out.append({"name": name, "type": schema["type"], "value": convert_value(schema, value, resolver)})
    if focused is not None:
        out.append({"name": focused, "type": by_name[focused]["type"], "value": partial, "focused": True})
    return out


def find_component(message: Message, target: str, types: tuple[int, ...]) -> dict[str, Any]:
    """Find a component of ``types`` by label, custom_id or placeholder."""
    candidates = [c for c in walk_components(message.components) if c.get("type") in types]
    for comp in candidates:
        emoji = (comp.get("emoji") or {}).get("name")
        if target in (comp.get("label"), comp.get("custom_id"), comp.get("placeholder"), emoji):
            return comp
    described = [c.get("label") or c.get("custom_id") or c.get("placeholder") for c in candidates]
    raise LookupError(f"no component {target!r} on message {message.id}; found {described}")


def modal_components(components: list[dict[str, Any]], values: dict[str, Any], used: set[str]) -> list[dict[str, Any]]:
    """Mirror a modal's structure as submitted data, filling ``values``."""
    out: list[dict[str, Any]] = []
    for comp in components:
        ctype = comp.get("type")
        if ctype == 1:
            out.append({"type": 1, "components": modal_components(comp.get("components") or [], values, used)})
        elif ctype == 18:
            inner = modal_components([comp["component"]], values, used)
            if inner:
                out.append({"type": 18, "id": comp.get("id"), "component": inner[0]})
        elif ctype == 4:
            cid = comp["custom_id"]
            value = values.get(cid, comp.get("value") or "")
            if cid in values:
                used.add(cid)
            elif comp.get("required", True) and not value:
                raise ValueError(f"modal text input {cid!r} is required")
            out.append({"type": 4, "custom_id": cid, "value": str(value)})
        elif ctype in SELECT_TYPES:
            cid = comp["custom_id"]
            picked = values.get(cid, [])
            if cid in values:
                used.add(cid)
            picked = picked if isinstance(picked, list) else [picked]
            out.append({"type": ctype, "custom_id": cid, "values": [str(getattr(v, "id", v)) for v in picked]})
    return out
