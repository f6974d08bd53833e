"""Entries for messages: edited (before and after), deleted (from discord.py's message cache, or what the raw event
tells when it is not cached), bulk-deleted (one text file with the messages)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

import discord

from cogs.serverlogs.entry import (
    BLUE,
    RED,
    LogEntry,
    LogFile,
    block,
    clip,
    listing,
    make_embed,
    name_of,
    one_line,
    size_of,
    when_long,
    who,
)
from cogs.serverlogs.kinds import Kind


def attachments_of(message: discord.Message) -> list[str]:
    """The message's attachments in words (the files themselves are gone with it)."""
    return [f"`{discord.utils.escape_markdown(a.filename)}` ({size_of(a.size)})" for a in message.attachments]


def _extras(message: discord.Message) -> list[str]:
    extras = []
    if message.embeds:
        extras.append(f"{len(message.embeds)} embed(s)")
    if message.stickers:
        extras.append("sticker(s): " + ", ".join(s.name for s in message.stickers))
    return extras


def edit_entry(before: discord.Message | None, after: discord.Message, now: datetime) -> LogEntry:
    """A message was edited; `before` is None when it was not in the cache (its old text is unknown)."""
    author = after.author
    embed = make_embed("✏️ Message edited",
                       f"By {who(author)} in {after.channel.mention} · [jump to it]({after.jump_url})", BLUE, now,
                       footer=f"Message {after.id}")
    embed.add_field(name="Before", value=block(before.content if before is not None else None), inline=False)
    embed.add_field(name="After", value=block(after.content), inline=False)
    if before is not None:
        gone = [a for a in attachments_of(before) if a not in attachments_of(after)]
        if gone:
            embed.add_field(name="Attachments removed", value=listing(gone), inline=False)
    line = f"✏️ **{name_of(author)}** edited in {after.channel.mention}: {one_line(after.content)}"
    return LogEntry(Kind.MESSAGES, "message edits", embed, line, users=frozenset({author.id}))


def delete_entry(channel_id: int, message_id: int, message: discord.Message | None, now: datetime) -> LogEntry:
    """A message was deleted; `message` is discord.py's cached copy, None when only the raw event is known."""
    sent = discord.utils.snowflake_time(message_id)
    if message is None:
        embed = make_embed(
            "🗑️ Message deleted",
            f"A message in <#{channel_id}>, sent {when_long(sent)}. It was not in my message cache, so its author "
            "and text are unknown.", RED, now, footer=f"Message {message_id}")
        line = f"🗑️ a message in <#{channel_id}> (not in my cache, sent {sent:%Y-%m-%d %H:%M} UTC)"
        return LogEntry(Kind.MESSAGES, "message deletions", embed, line)
    author = message.author
    embed = make_embed("🗑️ Message deleted", f"By {who(author)} in <#{channel_id}>, sent {when_long(sent)}", RED, now,
                       footer=f"Message {message_id} · author {author.id}")
    embed.add_field(name="Text", value=block(message.content), inline=False)
    files = attachments_of(message)
    if files:
        embed.add_field(name="Attachments", value=listing(files), inline=False)
    extras = _extras(message)
    if extras:
        embed.add_field(name="Also", value=clip(", ".join(extras), 1024), inline=False)
    line = f"🗑️ **{name_of(author)}** in <#{channel_id}>: {one_line(message.content)}"
    if files:
        line += f" (+{len(files)} attachment(s))"
    return LogEntry(Kind.MESSAGES, "message deletions", embed, line, users=frozenset({author.id}))


def transcript(channel_name: str, message_ids: Iterable[int], cached: dict[int, discord.Message],
               left_out: set[int]) -> bytes:
    """The bulk deletion's text file: one block per message, oldest first; uncached ones by id and time."""
    lines = [f"Messages deleted at once in #{channel_name}, oldest first (times in UTC).", ""]
    for message_id in sorted(message_ids):
        if message_id in left_out:
            continue
        sent = discord.utils.snowflake_time(message_id).astimezone(UTC)
        message = cached.get(message_id)
        if message is None:
            lines.append(f"[{sent:%Y-%m-%d %H:%M:%S}] message {message_id}: not in my message cache")
            continue
        author = message.author
        lines.append(f"[{sent:%Y-%m-%d %H:%M:%S}] {author.name} ({author.id}), message {message_id}:")
        lines.extend(f"    {text}" for text in (message.content or "(no text)").splitlines() or ["(no text)"])
        for attachment in message.attachments:
            lines.append(f"    attachment: {attachment.filename} ({size_of(attachment.size)}) {attachment.url}")
        for extra in _extras(message):
            lines.append(f"    {extra}")
    return ("\n".join(lines) + "\n").encode()


def bulk_entry(channel: discord.abc.GuildChannel | None, channel_id: int, message_ids: set[int],
               cached: list[discord.Message], left_out: set[int], now: datetime) -> LogEntry:
    """Messages deleted at once (a purge, a ban's clean-up): counted here, each in the attached file.
    `left_out`: ids of cached messages by ignored members or bots, not in the file."""
    by_id = {m.id: m for m in cached}
    shown = len(message_ids) - len(left_out)
    known = len([m for m in by_id if m not in left_out])
    name = getattr(channel, "name", str(channel_id))
    authors = sorted({m.author.id for m in cached if m.id not in left_out})
    description = (f"**{len(message_ids)}** messages were deleted at once in <#{channel_id}>. "
                   f"{known} of them were in my message cache (author and text); the attached file lists all "
                   f"{shown}.")
    if left_out:
        description += f" {len(left_out)} by ignored members or bots are left out."
    embed = make_embed("🧹 Messages bulk-deleted", description, RED, now, footer=f"Channel {channel_id}")
    if authors:
        embed.add_field(name="Authors", value=listing([f"<@{a}>" for a in authors]), inline=False)
    stamp = now.astimezone(UTC).strftime("%Y%m%d-%H%M%S")
    data = transcript(name, message_ids, by_id, left_out)
    line = f"🧹 {len(message_ids)} messages bulk-deleted in <#{channel_id}> (file attached)"
    return LogEntry(Kind.MESSAGES, "bulk deletions", embed, line,
                    file=LogFile(f"deleted-messages-{name}-{stamp}.txt", data), users=frozenset(authors))
