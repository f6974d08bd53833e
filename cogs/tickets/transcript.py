"""Transcripts of ticket channels: a page that looks like Discord (transcript_html.py: avatars, names in their role
colour, replies, embeds, attachments, reactions; everything escaped, no scripts) and a plain-text version. Built
from plain data (`Line`), so they are easy to test."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import discord

QUOTE_MAX = 200  # characters of a replied-to message shown above the reply


@dataclass
class Line:
    """One message of the channel, reduced to what a transcript shows."""

    author: str
    author_id: int
    bot: bool
    created_at: datetime
    content: str
    edited_at: datetime | None = None
    attachments: list[tuple[str, str]] = field(default_factory=list)  # (filename, url)
    embeds: list[dict[str, Any]] = field(default_factory=list)  # title, description, fields [(name, value)], footer,
    # colour (int or None), author, url, image (url or "")
    display_name: str = ""  # the name shown (nickname), `author` is the username
    avatar_url: str = ""  # Discord's CDN
    colour: int = 0  # the author's role colour (0: none)
    reply_to: tuple[str, str] | None = None  # the quoted message: (its author, the start of its text)
    reactions: list[tuple[str, int]] = field(default_factory=list)  # (emoji, count)
    system: str | None = None  # a system message (pin, join, thread…): its text, shown as a line


@dataclass
class Header:
    """What the transcript is about."""

    ticket_id: int
    guild: str
    channel: str
    opener: str
    opener_id: int
    description: str
    status: str
    created_at: datetime
    closed_at: datetime | None
    closed_by: str | None
    close_reason: str | None


def line_of(message: discord.Message) -> Line:
    """A Discord message as a transcript line."""
    embeds = []
    for embed in message.embeds:
        embeds.append({"title": embed.title or "", "description": embed.description or "",
                       "fields": [(f.name or "", f.value or "") for f in embed.fields],
                       "footer": embed.footer.text if embed.footer and embed.footer.text else "",
                       "colour": embed.colour.value if embed.colour is not None else None,
                       "author": embed.author.name if embed.author and embed.author.name else "",
                       "url": embed.url or "", "image": embed.image.url if embed.image and embed.image.url else ""})
    author = message.author
    reply_to = None
    ref = message.reference.resolved if message.reference is not None else None
    if isinstance(ref, discord.Message):
        reply_to = (getattr(ref.author, "display_name", str(ref.author)), (ref.content or "")[:QUOTE_MAX])
    elif message.reference is not None and message.type == discord.MessageType.reply:
        reply_to = ("", "(the original message was deleted)")
    system = None
    if message.is_system() and message.type != discord.MessageType.reply:
        system = message.system_content or message.type.name.replace("_", " ")
    colour = getattr(author, "colour", None)
    return Line(author=str(author), author_id=author.id, bot=author.bot, created_at=message.created_at,
                content=message.content or "", edited_at=message.edited_at,
                attachments=[(a.filename, a.url) for a in message.attachments], embeds=embeds,
                display_name=getattr(author, "display_name", "") or str(author), avatar_url=author.display_avatar.url,
                colour=colour.value if colour is not None else 0, reply_to=reply_to,
                reactions=[(str(r.emoji), r.count) for r in message.reactions], system=system)


def _when(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S UTC") if moment else "—"


def text(header: Header, lines: list[Line]) -> str:
    """The plain-text transcript."""
    out = [f"Ticket #{header.ticket_id} · {header.guild} · #{header.channel}",
           f"Opened by {header.opener} ({header.opener_id}) at {_when(header.created_at)}",
           f"Description: {header.description}",
           f"Status: {header.status}"]
    if header.closed_at:
        out.append(f"Closed at {_when(header.closed_at)} by {header.closed_by or '—'}"
                   + (f": {header.close_reason}" if header.close_reason else ""))
    out.append(f"Messages: {len(lines)}")
    out.append("=" * 72)
    for line in lines:
        edited = f" (edited {_when(line.edited_at)})" if line.edited_at else ""
        bot = " [bot]" if line.bot else ""
        if line.system:
            out.append(f"[{_when(line.created_at)}] * {line.system}")
            continue
        out.append(f"[{_when(line.created_at)}] {line.author}{bot} ({line.author_id}){edited}")
        if line.reply_to:
            out.append(f"    ↪ replying to {line.reply_to[0]}: {line.reply_to[1]}")
        if line.content:
            out.extend("    " + part for part in line.content.splitlines())
        for embed in line.embeds:
            out.append("    [embed] " + " — ".join(p for p in (embed["title"], embed["description"]) if p))
            out.extend(f"      {name}: {value}" for name, value in embed["fields"])
            if embed["footer"]:
                out.append(f"      ({embed['footer']})")
        out.extend(f"    [attachment] {name}: {url}" for name, url in line.attachments)
        if line.reactions:
            out.append("    [reactions] " + " ".join(f"{emoji} {count}" for emoji, count in line.reactions))
    return "\n".join(out) + "\n"


async def collect(channel: discord.TextChannel) -> list[Line]:
    """Every message of the channel, oldest first."""
    return [line_of(message) async for message in channel.history(limit=None, oldest_first=True)]
