"""Entries for the server's structure (channels, roles, emojis, threads created, deleted or changed) and for voice
(joins, leaves, moves)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import discord

from cogs.serverlogs.entry import GREEN, PURPLE, RED, TEAL, LogEntry, clip, listing, make_embed, name_of, who
from cogs.serverlogs.kinds import Kind
from utils.durations import format_duration
from utils.errors import permission_name

_esc = discord.utils.escape_markdown


def _changes_entry(title: str, subject: str, line_subject: str, changes: list[tuple[str, str, str]], now: datetime,
                   colour: int, noun: str, footer: str) -> LogEntry | None:
    """An "updated" entry with one field per change (name, before, after); None when nothing worth logging."""
    if not changes:
        return None
    embed = make_embed(title, subject, colour, now, footer=footer)
    for name, old, new in changes[:10]:
        embed.add_field(name=name, value=clip(f"{old} → {new}", 600), inline=False)  # ten stay under 6000
    line = f"{title.split(' ', 1)[0]} {line_subject}: " + ", ".join(name.lower() for name, _, _ in changes)
    return LogEntry(Kind.SERVER, noun, embed, line)


def _kind_of(channel: discord.abc.GuildChannel) -> str:
    return str(channel.type).replace("_", " ").replace("news", "announcement")


# --- channels -----------------------------------------------------------------------------------------------------


def channel_entry(channel: discord.abc.GuildChannel, now: datetime, *, created: bool) -> LogEntry:
    """A channel (or category) created or deleted."""
    verb = "created" if created else "deleted"
    where = f" in **{_esc(channel.category.name)}**" if channel.category else ""
    mention = channel.mention if created else f"#{_esc(channel.name)}"
    embed = make_embed(f"{'📁' if created else '🗑️'} Channel {verb}", f"{mention} ({_kind_of(channel)}){where}",
                       GREEN if created else RED, now, footer=f"Channel {channel.id}")
    line = f"{'📁' if created else '🗑️'} {_kind_of(channel)} channel #{_esc(channel.name)} {verb}"
    return LogEntry(Kind.SERVER, "channel changes", embed, line)


def _overwrites_changed(before: discord.abc.GuildChannel, after: discord.abc.GuildChannel) -> bool:
    return {t.id: o.pair() for t, o in before.overwrites.items()} != {t.id: o.pair() for t, o in
                                                                       after.overwrites.items()}


def channel_update_entry(before: discord.abc.GuildChannel, after: discord.abc.GuildChannel,
                         now: datetime) -> LogEntry | None:
    """What changed in a channel worth telling (not its position among the others)."""
    changes: list[tuple[str, str, str]] = []
    if before.name != after.name:
        changes.append(("Name", f"#{_esc(before.name)}", f"#{_esc(after.name)}"))
    old_topic, new_topic = getattr(before, "topic", None), getattr(after, "topic", None)
    if old_topic != new_topic:
        changes.append(("Topic", _esc(old_topic or "(none)"), _esc(new_topic or "(none)")))
    old_slow, new_slow = getattr(before, "slowmode_delay", 0), getattr(after, "slowmode_delay", 0)
    if old_slow != new_slow:
        changes.append(("Slowmode", format_duration(old_slow) if old_slow else "off",
                        format_duration(new_slow) if new_slow else "off"))
    if getattr(before, "nsfw", False) != getattr(after, "nsfw", False):
        changes.append(("Age-restricted", "yes" if getattr(before, "nsfw", False) else "no",
                        "yes" if getattr(after, "nsfw", False) else "no"))
    if before.category_id != after.category_id:
        changes.append(("Category", _esc(before.category.name) if before.category else "(none)",
                        _esc(after.category.name) if after.category else "(none)"))
    if _overwrites_changed(before, after):
        changes.append(("Permissions", "overrides before", "changed (see the channel's settings)"))
    return _changes_entry("🛠️ Channel changed", after.mention, f"#{_esc(after.name)}", changes, now, PURPLE,
                          "channel changes", f"Channel {after.id}")


# --- roles --------------------------------------------------------------------------------------------------------


def _permission_names(permissions: Iterable[tuple[str, bool]]) -> list[str]:
    return [permission_name(name) for name, value in permissions if value]


def role_entry(role: discord.Role, now: datetime, *, created: bool) -> LogEntry:
    """A role created or deleted."""
    verb = "created" if created else "deleted"
    subject = role.mention if created else f"@{_esc(role.name)}"
    embed = make_embed(f"{'🎭' if created else '🗑️'} Role {verb}", subject, GREEN if created else RED, now,
                       footer=f"Role {role.id}")
    if role.permissions.value:
        embed.add_field(name="Permissions", value=listing(_permission_names(role.permissions)), inline=False)
    line = f"{'🎭' if created else '🗑️'} role @{_esc(role.name)} {verb}"
    return LogEntry(Kind.SERVER, "role changes", embed, line)


def role_update_entry(before: discord.Role, after: discord.Role, now: datetime) -> LogEntry | None:
    """Name, colour, permissions, hoist, mentionable (a move in the list is not logged: a new role moves many)."""
    changes: list[tuple[str, str, str]] = []
    if before.name != after.name:
        changes.append(("Name", f"@{_esc(before.name)}", f"@{_esc(after.name)}"))
    if before.colour != after.colour:
        changes.append(("Colour", str(before.colour), str(after.colour)))
    if before.permissions != after.permissions:
        old, new = dict(before.permissions), dict(after.permissions)
        given = [permission_name(n) for n, v in new.items() if v and not old[n]]
        taken = [permission_name(n) for n, v in old.items() if v and not new[n]]
        changes.append(("Permissions", "taken: " + (", ".join(taken) or "none"),
                        "given: " + (", ".join(given) or "none")))
    if before.hoist != after.hoist:
        changes.append(("Shown separately", "yes" if before.hoist else "no", "yes" if after.hoist else "no"))
    if before.mentionable != after.mentionable:
        changes.append(("Mentionable", "yes" if before.mentionable else "no", "yes" if after.mentionable else "no"))
    return _changes_entry("🛠️ Role changed", after.mention, f"@{_esc(after.name)}", changes, now, PURPLE,
                          "role changes", f"Role {after.id}")


# --- emojis -------------------------------------------------------------------------------------------------------


def emoji_entries(before: Iterable[discord.Emoji], after: Iterable[discord.Emoji], now: datetime) -> list[LogEntry]:
    """One entry per emoji added, removed or renamed."""
    old = {e.id: e for e in before}
    new = {e.id: e for e in after}
    out: list[tuple[str, str, int]] = []
    out += [(f"😀 Emoji added: {e} `:{e.name}:`", f"😀 emoji :{e.name}: added", GREEN)
            for eid, e in new.items() if eid not in old]
    out += [(f"🗑️ Emoji removed: `:{e.name}:`", f"🗑️ emoji :{e.name}: removed", RED)
            for eid, e in old.items() if eid not in new]
    out += [(f"✏️ Emoji renamed: {e} `:{old[eid].name}:` → `:{e.name}:`",
             f"✏️ emoji :{old[eid].name}: renamed :{e.name}:", PURPLE)
            for eid, e in new.items() if eid in old and old[eid].name != e.name]
    entries = []
    for text, line, colour in out:
        title, _, rest = text.partition(": ")
        embed = make_embed(title, rest, colour, now)
        entries.append(LogEntry(Kind.SERVER, "emoji changes", embed, line))
    return entries


# --- threads ------------------------------------------------------------------------------------------------------


def thread_entry(thread: discord.Thread, now: datetime) -> LogEntry:
    """A thread started."""
    owner = f" by <@{thread.owner_id}>" if thread.owner_id else ""
    embed = make_embed("🧵 Thread created", f"{thread.mention} in <#{thread.parent_id}>{owner}", GREEN, now,
                       footer=f"Thread {thread.id}")
    line = f"🧵 thread {_esc(thread.name)} created in <#{thread.parent_id}>"
    users = frozenset({thread.owner_id}) if thread.owner_id else frozenset()
    return LogEntry(Kind.SERVER, "thread changes", embed, line, users=users)


def thread_delete_entry(thread_id: int, parent_id: int, thread: discord.Thread | None, now: datetime) -> LogEntry:
    """A thread deleted (its name when the cache had it)."""
    name = f"**{_esc(thread.name)}**" if thread is not None else f"`{thread_id}` (not in my cache)"
    embed = make_embed("🗑️ Thread deleted", f"{name} in <#{parent_id}>", RED, now, footer=f"Thread {thread_id}")
    line = f"🗑️ thread {_esc(thread.name) if thread else thread_id} deleted in <#{parent_id}>"
    return LogEntry(Kind.SERVER, "thread changes", embed, line)


def thread_update_entry(before: discord.Thread, after: discord.Thread, now: datetime) -> LogEntry | None:
    """Renamed, archived or reopened, locked or unlocked, slowmode."""
    changes: list[tuple[str, str, str]] = []
    if before.name != after.name:
        changes.append(("Name", _esc(before.name), _esc(after.name)))
    if before.archived != after.archived:
        changes.append(("Archived", "yes" if before.archived else "no", "yes" if after.archived else "no"))
    if before.locked != after.locked:
        changes.append(("Locked", "yes" if before.locked else "no", "yes" if after.locked else "no"))
    if before.slowmode_delay != after.slowmode_delay:
        changes.append(("Slowmode", format_duration(before.slowmode_delay) if before.slowmode_delay else "off",
                        format_duration(after.slowmode_delay) if after.slowmode_delay else "off"))
    return _changes_entry("🧵 Thread changed", f"{after.mention} in <#{after.parent_id}>", _esc(after.name), changes,
                          now, PURPLE, "thread changes", f"Thread {after.id}")


# --- voice --------------------------------------------------------------------------------------------------------


def voice_entry(member: discord.Member, before: discord.abc.Connectable | None,
                after: discord.abc.Connectable | None, now: datetime) -> LogEntry | None:
    """Joined, left or moved between voice channels (None for mute, deafen or stream changes)."""
    old = getattr(before, "id", None)
    new = getattr(after, "id", None)
    if old == new:
        return None
    if old is None:
        title, text, line = "🔊 Joined voice", f"{who(member)} joined <#{new}>", f"joined <#{new}>"
    elif new is None:
        title, text, line = "🔇 Left voice", f"{who(member)} left <#{old}>", f"left <#{old}>"
    else:
        title, text, line = "🔀 Moved voice", f"{who(member)} moved from <#{old}> to <#{new}>", \
            f"moved <#{old}> → <#{new}>"
    embed = make_embed(title, text, TEAL, now, footer=f"User {member.id}")
    return LogEntry(Kind.VOICE, "voice changes", embed, f"{title[0]} **{name_of(member)}** {line}",
                    users=frozenset({member.id}))
