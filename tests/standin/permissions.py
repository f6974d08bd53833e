"""Permission arithmetic as Discord does it (roles, administrator, overwrites)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import discord

if TYPE_CHECKING:
    from .models import Channel, Member
    from .state import GuildState

ALL = discord.Permissions.all().value
ADMINISTRATOR = 1 << 3
VIEW_CHANNEL = 1 << 10
SEND_MESSAGES = 1 << 11
MANAGE_MESSAGES = 1 << 13
ATTACH_FILES = 1 << 15
READ_MESSAGE_HISTORY = 1 << 16
ADD_REACTIONS = 1 << 6
MANAGE_CHANNELS = 1 << 4
MANAGE_GUILD = 1 << 5
KICK_MEMBERS = 1 << 1
BAN_MEMBERS = 1 << 2
MANAGE_ROLES = 1 << 28
MANAGE_NICKNAMES = 1 << 27
CHANGE_NICKNAME = 1 << 26
MODERATE_MEMBERS = 1 << 40
VIEW_AUDIT_LOG = 1 << 7
CONNECT = 1 << 20
MUTE_MEMBERS = 1 << 22
DEAFEN_MEMBERS = 1 << 23
MOVE_MEMBERS = 1 << 24
MANAGE_EXPRESSIONS = 1 << 30
MANAGE_THREADS = 1 << 34
CREATE_PUBLIC_THREADS = 1 << 35
CREATE_INSTANT_INVITE = 1 << 0
MANAGE_EVENTS = 1 << 33
CREATE_EVENTS = 1 << 44

PermissionSpec = int | discord.Permissions | Iterable[str] | str | None


def to_bits(spec: PermissionSpec) -> int:
    """Convert an int, ``discord.Permissions``, a name or list of names to bits.

    Names are discord.py permission attribute names, e.g. ``"manage_guild"``.
    """
    if spec is None:
        return 0
    if isinstance(spec, int):
        return spec
    if isinstance(spec, discord.Permissions):
        return spec.value
    if isinstance(spec, str):
        spec = [spec]
    perms = discord.Permissions.none()
    for name in spec:
        if not hasattr(discord.Permissions, name):
            raise ValueError(f"unknown permission name {name!r}")
        setattr(perms, name, True)
    return perms.value


def base_permissions(guild: GuildState, member: Member) -> int:
    """Guild-level permissions: @everyone | member roles; owner/admin get all."""
    if member.user.id == guild.owner_id:
        return ALL
    bits = guild.roles[guild.id].permissions if guild.id in guild.roles else 0
    for rid in member.roles:
        role = guild.roles.get(rid)
        if role is not None:
            bits |= role.permissions
    if bits & ADMINISTRATOR:
        return ALL
    return bits


def channel_permissions(guild: GuildState, member: Member, channel: Channel | None) -> int:
    """Permissions of ``member`` in ``channel`` after applying overwrites."""
    bits = base_permissions(guild, member)
    if bits == ALL or channel is None:
        return bits
    if channel.is_thread and channel.parent_id in guild.world.channels:
        channel = guild.world.channels[channel.parent_id]  # a thread has its parent channel's permissions
    ows = channel.overwrites
    everyone = ows.get(guild.id)
    if everyone is not None:
        bits = (bits & ~everyone.deny) | everyone.allow
    allow = deny = 0
    for rid in member.roles:
        ow = ows.get(rid)
        if ow is not None and ow.type == 0:
            allow |= ow.allow
            deny |= ow.deny
    bits = (bits & ~deny) | allow
    own = ows.get(member.user.id)
    if own is not None and own.type == 1:
        bits = (bits & ~own.deny) | own.allow
    if not bits & VIEW_CHANNEL:
        return 0
    return bits


def top_position(guild: GuildState, member: Member) -> int:
    """Position of the member's highest role (0 = only @everyone)."""
    positions = [guild.roles[r].position for r in member.roles if r in guild.roles]
    return max(positions, default=0)


def can_manage(guild: GuildState, actor: Member, target: Member) -> bool:
    """Hierarchy check: actor outranks target (owner outranks everyone)."""
    if target.user.id == guild.owner_id:
        return False
    if actor.user.id == guild.owner_id:
        return True
    return top_position(guild, actor) > top_position(guild, target)
