"""Entries for members: joined (account age, flagged when new; the invite), left (the roles they had), roles given
or taken, nickname and avatar changes."""

from __future__ import annotations

from datetime import datetime

import discord

from cogs.serverlogs.entry import (
    BLUE,
    GREEN,
    ORANGE,
    PURPLE,
    YELLOW,
    LogEntry,
    block,
    listing,
    make_embed,
    name_of,
    when_long,
    who,
)
from cogs.serverlogs.kinds import Kind
from utils.durations import format_duration


def account_age(user: discord.abc.User, now: datetime) -> int:
    """Seconds since the account was made (0 when the clock says it is not made yet)."""
    return max(0, int((now - user.created_at).total_seconds()))


def _age_words(seconds: int) -> str:
    if seconds >= 86400:
        return f"{seconds // 86400} day(s)"
    return format_duration(seconds - seconds % 60) if seconds >= 60 else "under a minute"


def join_entry(member: discord.Member, now: datetime, new_account_age: int, invite: str | None) -> LogEntry:
    """A member joined: their account's age (flagged when younger than `new_account_age` seconds) and, when known,
    the invite they used."""
    age = account_age(member, now)
    new = age < new_account_age
    flag = " ⚠️ **new account**" if new else ""
    embed = make_embed("📥 Member joined", f"{who(member)}{flag}", YELLOW if new else GREEN, now,
                       footer=f"User {member.id}")
    embed.add_field(name="Account created", value=f"{when_long(member.created_at)}, {_age_words(age)} old",
                    inline=False)
    if invite:
        embed.add_field(name="Invite", value=invite, inline=False)
    if member.guild.member_count:
        embed.add_field(name="Members", value=str(member.guild.member_count))
    embed.set_thumbnail(url=member.display_avatar.url)
    line = f"📥 **{name_of(member)}** joined (account {_age_words(age)} old{', ⚠️ new' if new else ''})"
    return LogEntry(Kind.MEMBERS, "member joins", embed, line, users=frozenset({member.id}))


def leave_entry(user: discord.User | discord.Member, now: datetime) -> LogEntry:
    """A member left (or was kicked or banned): the roles they had when the cache knew them."""
    embed = make_embed("📤 Member left", who(user), ORANGE, now, footer=f"User {user.id}")
    roles = None
    if isinstance(user, discord.Member):
        if user.joined_at is not None:
            embed.add_field(name="Joined", value=when_long(user.joined_at), inline=False)
        roles = [r.mention for r in reversed(user.roles) if not r.is_default()]
        embed.add_field(name="Roles", value=listing(roles), inline=False)
    else:
        embed.add_field(name="Roles", value="*unknown: they were not in my member cache*", inline=False)
    embed.set_thumbnail(url=user.display_avatar.url)
    line = f"📤 **{name_of(user)}** left" + (f" (roles: {listing(roles, limit=120)})" if roles else "")
    return LogEntry(Kind.MEMBERS, "member leaves", embed, line, users=frozenset({user.id}))


def roles_entry(before: discord.Member, after: discord.Member, now: datetime) -> LogEntry | None:
    """Roles given or taken (None when the roles did not change)."""
    old, new = set(before.roles), set(after.roles)
    added = [r.mention for r in sorted(new - old, reverse=True)]
    removed = [r.mention for r in sorted(old - new, reverse=True)]
    if not added and not removed:
        return None
    embed = make_embed("🏷️ Roles changed", who(after), PURPLE, now, footer=f"User {after.id}")
    if added:
        embed.add_field(name="Given", value=listing(added), inline=False)
    if removed:
        embed.add_field(name="Taken", value=listing(removed), inline=False)
    parts = ([f"+{' +'.join(added)}"] if added else []) + ([f"-{' -'.join(removed)}"] if removed else [])
    line = f"🏷️ **{name_of(after)}** roles: {' '.join(parts)}"
    return LogEntry(Kind.MEMBERS, "role changes", embed, line, users=frozenset({after.id}))


def nick_entry(before: discord.Member, after: discord.Member, now: datetime) -> LogEntry | None:
    """A nickname set, changed or removed (None when it did not change)."""
    if before.nick == after.nick:
        return None
    embed = make_embed("🪪 Nickname changed", who(after), BLUE, now, footer=f"User {after.id}")
    embed.add_field(name="Before", value=block(before.nick, empty="*none*") if before.nick else "*none*")
    embed.add_field(name="After", value=block(after.nick, empty="*none*") if after.nick else "*none*")
    shown = discord.utils.escape_markdown
    line = (f"🪪 **{name_of(after)}** nickname: {shown(before.nick or '(none)')} → "
            f"{shown(after.nick or '(none)')}")
    return LogEntry(Kind.MEMBERS, "nickname changes", embed, line, users=frozenset({after.id}))


def avatar_entry(member: discord.Member | discord.User, before: discord.Asset | None, after: discord.Asset | None,
                 now: datetime, *, server: bool) -> LogEntry:
    """A new avatar: the member's server avatar, or their own (user) avatar."""
    where = "server avatar" if server else "avatar"
    embed = make_embed(f"🖼️ {where.capitalize()} changed", who(member), BLUE, now, footer=f"User {member.id}")
    embed.add_field(name="Before", value=f"[old {where}]({before.url})" if before else "*none*")
    embed.add_field(name="After", value=f"[new {where}]({after.url})" if after else "*none (removed)*")
    if after is not None:
        embed.set_thumbnail(url=after.url)
    line = f"🖼️ **{name_of(member)}** changed their {where}"
    return LogEntry(Kind.MEMBERS, "avatar changes", embed, line, users=frozenset({member.id}))
