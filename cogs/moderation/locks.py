"""Locking and unlocking a text channel: which overwrites a lock changes, and how an unlock puts them back.

A lock denies the `LOCKED` permissions (Send Messages, Send Messages in Threads, Add Reactions) to @everyone and
to every role whose overwrite in the channel allows one of them (it would otherwise let its members talk through
the lock). The bot's own roles are left alone. Each changed overwrite is saved as it was (`[allow, deny]`, or None
when the role had none) before anything changes on Discord.

An unlock puts back, for each saved role, the `LOCKED` bits exactly as they were and keeps every other bit as it
is now (a change an admin made to the overwrite during the lock survives); an overwrite that did not exist before
the lock and holds nothing else is removed again. Without changes in between, the overwrites are exactly those
before the lock.

Pure functions of discord.py objects: no SQL, no requests (the mixin applies the plans).
"""

from __future__ import annotations

from dataclasses import dataclass

import discord

from cogs.moderation.locks_repo import Previous

LOCKED = discord.Permissions(send_messages=True, send_messages_in_threads=True, add_reactions=True)


@dataclass(frozen=True)
class Change:
    """One overwrite to set (`overwrite`) or to remove (`overwrite is None`) for a role."""

    role: discord.Role
    overwrite: discord.PermissionOverwrite | None


def _pair(overwrite: discord.PermissionOverwrite | None) -> tuple[int, int]:
    if overwrite is None:
        return 0, 0
    allow, deny = overwrite.pair()
    return allow.value, deny.value


def _overwrite(allow: int, deny: int) -> discord.PermissionOverwrite:
    return discord.PermissionOverwrite.from_pair(discord.Permissions(allow), discord.Permissions(deny))


def lock_targets(channel: discord.TextChannel) -> list[discord.Role]:
    """@everyone, then every role (not the bot's own) whose overwrite allows one of the locked permissions."""
    mine = set(channel.guild.me.roles)
    allowing = [target for target, overwrite in channel.overwrites.items()
                if isinstance(target, discord.Role) and not target.is_default() and target not in mine
                and _pair(overwrite)[0] & LOCKED.value]
    return [channel.guild.default_role, *sorted(allowing, key=lambda role: role.position)]


def plan_lock(channel: discord.TextChannel) -> tuple[Previous, list[Change]]:
    """What a lock saves (each target's overwrite as it is now) and the overwrites it sets."""
    previous: Previous = {}
    changes = []
    for role in lock_targets(channel):
        existing = channel.overwrites.get(role)
        allow, deny = _pair(existing)
        previous[str(role.id)] = None if existing is None else [allow, deny]
        if allow & LOCKED.value or deny & LOCKED.value != LOCKED.value:
            changes.append(Change(role, _overwrite(allow & ~LOCKED.value, deny | LOCKED.value)))
    return previous, changes


def plan_unlock(channel: discord.TextChannel, previous: Previous) -> list[Change]:
    """The overwrites that put the saved roles' locked permissions back (roles deleted since are skipped)."""
    changes = []
    for key, saved in previous.items():
        role = channel.guild.get_role(int(key))
        if role is None:
            continue
        existing = channel.overwrites.get(role)
        allow, deny = _pair(existing)
        old_allow, old_deny = saved if saved is not None else (0, 0)
        new_allow = (allow & ~LOCKED.value) | (old_allow & LOCKED.value)
        new_deny = (deny & ~LOCKED.value) | (old_deny & LOCKED.value)
        if saved is None and not new_allow and not new_deny:
            if existing is not None:
                changes.append(Change(role, None))
        elif existing is None or (new_allow, new_deny) != (allow, deny):
            changes.append(Change(role, _overwrite(new_allow, new_deny)))
    return changes

