"""Transcripts of ticket channels: a standalone HTML page (open it in any browser; everything escaped, no
scripts, no external resources) and a plain-text version. Built from plain data, so they are easy to test."""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import discord


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
    embeds: list[dict[str, Any]] = field(default_factory=list)  # title, description, fields [(name, value)], footer


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
                       "footer": embed.footer.text if embed.footer and embed.footer.text else ""})
    return Line(author=str(message.author), author_id=message.author.id, bot=message.author.bot,
                created_at=message.created_at, content=message.content or "", edited_at=message.edited_at,
                attachments=[(a.filename, a.url) for a in message.attachments], embeds=embeds)


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
        out.append(f"[{_when(line.created_at)}] {line.author}{bot} ({line.author_id}){edited}")
        if line.content:
            out.extend("    " + part for part in line.content.splitlines())
        for embed in line.embeds:
            out.append("    [embed] " + " — ".join(p for p in (embed["title"], embed["description"]) if p))
            out.extend(f"      {name}: {value}" for name, value in embed["fields"])
            if embed["footer"]:
                out.append(f"      ({embed['footer']})")
        out.extend(f"    [attachment] {name}: {url}" for name, url in line.attachments)
    return "\n".join(out) + "\n"


_STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;background:#313338;color:#dbdee1;margin:0;padding:24px}
header{border-bottom:1px solid #4e5058;margin-bottom:16px;padding-bottom:12px}
h1{font-size:20px;margin:0 0 8px}
.meta{color:#b5bac1;font-size:14px;margin:2px 0}
.msg{padding:8px 0;border-bottom:1px solid #3f4147}
.author{font-weight:600;color:#f2f3f5}
.bot{background:#5865f2;color:#fff;border-radius:3px;font-size:10px;padding:1px 4px;margin-left:4px}
.time,.edited{color:#949ba4;font-size:12px;margin-left:8px}
.content{white-space:pre-wrap;word-wrap:break-word;margin-top:4px}
.embed{border-left:4px solid #5865f2;background:#2b2d31;padding:8px 12px;margin-top:6px;border-radius:4px}
.embed .title{font-weight:600}.embed .field{margin-top:4px}.embed .footer{color:#949ba4;font-size:12px}
a{color:#00a8fc}
"""


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _link(url: str, label: str) -> str:
    safe = url if url.startswith(("https://", "http://")) else "#"
    return f'<a href="{_e(safe)}" rel="noopener noreferrer">{_e(label)}</a>'


def html_page(header: Header, lines: list[Line]) -> str:
    """The HTML transcript: one self-contained page."""
    parts = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
             '<meta name="viewport" content="width=device-width, initial-scale=1">',
             f"<title>Ticket #{header.ticket_id} · {_e(header.guild)}</title>",
             f"<style>{_STYLE}</style></head><body>",
             "<header>",
             f"<h1>Ticket #{header.ticket_id} · #{_e(header.channel)}</h1>",
             f'<p class="meta">Server: {_e(header.guild)}</p>',
             f'<p class="meta">Opened by {_e(header.opener)} ({header.opener_id}) at {_e(_when(header.created_at))}'
             "</p>",
             f'<p class="meta">Description: {_e(header.description)}</p>',
             f'<p class="meta">Status: {_e(header.status)}</p>']
    if header.closed_at:
        reason = f": {_e(header.close_reason)}" if header.close_reason else ""
        parts.append(f'<p class="meta">Closed at {_e(_when(header.closed_at))} by {_e(header.closed_by or "—")}'
                     f"{reason}</p>")
    parts.append(f'<p class="meta">Messages: {len(lines)}</p></header><main>')
    for line in lines:
        parts.append('<div class="msg">')
        parts.append(f'<span class="author" title="{line.author_id}">{_e(line.author)}</span>'
                     + ('<span class="bot">BOT</span>' if line.bot else "")
                     + f'<span class="time">{_e(_when(line.created_at))}</span>'
                     + (f'<span class="edited">(edited {_e(_when(line.edited_at))})</span>' if line.edited_at else ""))
        if line.content:
            parts.append(f'<div class="content">{_e(line.content)}</div>')
        for embed in line.embeds:
            parts.append('<div class="embed">')
            if embed["title"]:
                parts.append(f'<div class="title">{_e(embed["title"])}</div>')
            if embed["description"]:
                parts.append(f'<div class="content">{_e(embed["description"])}</div>')
            for name, value in embed["fields"]:
                parts.append(f'<div class="field"><strong>{_e(name)}</strong><div class="content">{_e(value)}</div>'
                             "</div>")
            if embed["footer"]:
                parts.append(f'<div class="footer">{_e(embed["footer"])}</div>')
            parts.append("</div>")
        for name, url in line.attachments:
            parts.append(f'<div class="attachment">📎 {_link(url, name)}</div>')
        parts.append("</div>")
    parts.append("</main></body></html>")
    return "\n".join(parts) + "\n"


async def collect(channel: discord.TextChannel) -> list[Line]:
    """Every message of the channel, oldest first."""
    return [line_of(message) async for message in channel.history(limit=None, oldest_first=True)]
