"""The HTML transcript: one self-contained page that looks like the Discord channel (dark theme; avatars from
Discord's CDN, names in their role colour, the message replied to above a reply, embeds with their colour bar,
title, description and fields, images inline and other files as links, reactions, "(edited)" marks, system
lines; an author's messages within 7 minutes under one name; Markdown, transcript_markdown.py).

Safety: every piece of user content (text, names, embed fields, file names, emoji, URLs) is HTML-escaped; links
only go to http(s) URLs; images are only shown from Discord's CDN (anything else is a link, so opening a
transcript lets no one else know, e.g. with a tracking pixel in an embed); a Content-Security-Policy forbids
scripts and every other source, and the page sends no referrer. (The `chat-exporter` package was not used: its
page loads scripts from three public CDNs, and it fetches emoji images over the network while rendering.)"""

from __future__ import annotations

import html
import re
from datetime import timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import discord

from cogs.tickets import transcript_markdown as markdown

if TYPE_CHECKING:
    from cogs.tickets.transcript import Header, Line

IMAGE_ORIGINS = frozenset({"https://cdn.discordapp.com", "https://media.discordapp.net"})
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".webp")
GROUPED = timedelta(minutes=7)  # one author's messages this close together are shown under one name
CSP = "default-src 'none'; img-src {origins}; style-src 'unsafe-inline'"
_USER_MENTION = re.compile(r"&lt;@!?(\d{15,20})&gt;")
_ROLE_MENTION = re.compile(r"&lt;@&amp;(\d{15,20})&gt;")
_CHANNEL_MENTION = re.compile(r"&lt;#(\d{15,20})&gt;")

_STYLE = """
body{font-family:"gg sans","Noto Sans",system-ui,-apple-system,"Segoe UI",sans-serif;background:#313338;
color:#dbdee1;margin:0;padding:0 0 24px;font-size:16px;line-height:1.375}
header{background:#2b2d31;border-bottom:1px solid #1f2023;padding:16px 24px;margin-bottom:8px}
h1{font-size:20px;margin:0 0 8px;color:#f2f3f5}
.meta{color:#b5bac1;font-size:14px;margin:2px 0}
.msg{display:flex;padding:4px 24px 4px 16px;margin-top:12px}
.msg:hover{background:#2e3035}
.avatar{width:40px;height:40px;border-radius:50%;margin-right:16px;flex:none;background:#5865f2}
.body{min-width:0;flex:1}
.author{font-weight:500;color:#f2f3f5}
.bot{background:#5865f2;color:#fff;border-radius:4px;font-size:10px;font-weight:600;padding:1px 4px;
margin-left:4px;vertical-align:middle}
.time{color:#949ba4;font-size:12px;margin-left:8px}
.edited{color:#949ba4;font-size:10px;margin-left:4px}
.content{white-space:pre-wrap;word-wrap:break-word}
.reply{color:#b5bac1;font-size:14px;margin-bottom:2px;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
.reply .rname{font-weight:500;color:#f2f3f5;margin-right:4px}
.mention{background:rgba(88,101,242,.3);color:#c9cdfb;border-radius:3px;padding:0 2px}
.embed{border-left:4px solid #1e1f22;background:#2b2d31;padding:8px 16px 16px 12px;margin-top:4px;border-radius:4px;
max-width:520px}
.embed .eauthor{font-size:14px;font-weight:600;margin-top:8px;color:#f2f3f5}
.embed .title{font-weight:600;margin-top:8px;color:#f2f3f5}
.embed .desc{font-size:14px;margin-top:8px;white-space:pre-wrap}
.fields{display:grid;grid-template-columns:repeat(3,1fr);gap:8px;margin-top:8px}
.field{font-size:14px}.field.wide{grid-column:1/4}.field .fname{font-weight:600;color:#f2f3f5}
.embed .footer{color:#949ba4;font-size:12px;margin-top:8px}
.embed img,.att img{max-width:100%;max-height:300px;border-radius:4px;margin-top:8px}
.att{margin-top:4px}
.reactions{margin-top:4px}
.reaction{display:inline-block;background:#2b2d31;border:1px solid #3f4147;border-radius:8px;padding:0 6px;
margin-right:4px;font-size:14px}
.system{color:#949ba4;padding:4px 24px 4px 72px;margin-top:8px;font-size:14px}
.msg.cont{margin-top:0;padding-top:2px;padding-bottom:2px}
.gutter{width:40px;margin-right:16px;flex:none;color:#949ba4;font-size:11px;text-align:right;visibility:hidden;
line-height:22px}
.msg.cont:hover .gutter{visibility:visible}
code{background:#2b2d31;border-radius:3px;padding:0 3px;font-family:Consolas,"Liberation Mono",monospace;font-size:85%}
pre{background:#2b2d31;border:1px solid #1e1f22;border-radius:4px;padding:8px;margin:4px 0;white-space:pre-wrap}
pre code{background:none;padding:0}
.spoiler{background:#1e1f22;color:transparent;border-radius:3px}
.spoiler:hover{color:inherit}
a{color:#00a8fc;text-decoration:none}
"""


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _web_url(url: str) -> str | None:
    """The URL when it is an http(s) link, else None (no `javascript:`, `data:`…)."""
    return url if urlsplit(url.strip()).scheme in ("http", "https") else None


def image_origins() -> frozenset[str]:
    """Where the page may load images from: Discord's CDN (the one discord.py's assets use, which is
    https://cdn.discordapp.com unless a test points it elsewhere) and its media proxy."""
    base = urlsplit(discord.Asset.BASE)
    return IMAGE_ORIGINS | {f"{base.scheme}://{base.netloc}"}


def _cdn_image(url: str, origins: frozenset[str]) -> str | None:
    """The URL when it is an image on Discord's CDN (what the page may load), else None."""
    parts = urlsplit(url.strip())
    return url if f"{parts.scheme}://{parts.netloc}" in origins else None


def _link(url: str, label: str) -> str:
    safe = _web_url(url)
    if safe is None:
        return _e(label)
    return f'<a href="{_e(safe)}" rel="noopener noreferrer" target="_blank">{_e(label)}</a>'


def _colour(value: int | None) -> str | None:
    return f"#{value & 0xFFFFFF:06x}" if value else None


def _mentions(escaped: str, names: dict[int, str]) -> str:
    """Escaped text with its user/role/channel mentions shown as Discord shows them."""
    escaped = _USER_MENTION.sub(
        lambda m: f'<span class="mention">@{names.get(int(m.group(1)), m.group(1))}</span>', escaped)
    escaped = _ROLE_MENTION.sub('<span class="mention">@role</span>', escaped)
    return _CHANNEL_MENTION.sub('<span class="mention">#channel</span>', escaped)


def _text(value: str, names: dict[int, str]) -> str:
    """User text, escaped, with its Markdown and mentions shown as Discord shows them."""
    return markdown.render(_e(value), _link, lambda plain: _mentions(plain, names))


def _embed(embed: dict[str, Any], names: dict[int, str], origins: frozenset[str]) -> str:
    colour = _colour(embed.get("colour"))
    style = f' style="border-left-color:{colour}"' if colour else ""
    parts = [f'<div class="embed"{style}>']
    if embed.get("author"):
        parts.append(f'<div class="eauthor">{_e(embed["author"])}</div>')
    if embed.get("title"):
        title = _link(embed["url"], embed["title"]) if embed.get("url") else _e(embed["title"])
        parts.append(f'<div class="title">{title}</div>')
    if embed.get("description"):
        parts.append(f'<div class="desc">{_text(embed["description"], names)}</div>')
    if embed.get("fields"):
        parts.append('<div class="fields">')
        for name, value in embed["fields"]:
            parts.append(f'<div class="field wide"><div class="fname">{_e(name)}</div>'
                         f'<div class="content">{_text(value, names)}</div></div>')
        parts.append("</div>")
    image = embed.get("image") or ""
    if image:
        shown = _cdn_image(image, origins)
        parts.append(f'<img src="{_e(shown)}" alt="" loading="lazy">' if shown
                     else f'<div class="att">🖼️ {_link(image, image)}</div>')
    if embed.get("footer"):
        parts.append(f'<div class="footer">{_e(embed["footer"])}</div>')
    parts.append("</div>")
    return "".join(parts)


def _attachment(name: str, url: str, origins: frozenset[str]) -> str:
    image = _cdn_image(url, origins)
    if image and urlsplit(url).path.lower().endswith(IMAGE_SUFFIXES):
        return (f'<div class="att"><a href="{_e(image)}" rel="noopener noreferrer" target="_blank">'
                f'<img src="{_e(image)}" alt="{_e(name)}" loading="lazy"></a></div>')
    return f'<div class="att">📎 {_link(url, name)}</div>'


def _when(line_time: Any) -> str:
    return line_time.strftime("%Y-%m-%d %H:%M:%S UTC") if line_time else "—"


def _clock(line_time: Any) -> str:
    return line_time.strftime("%H:%M") if line_time else ""


def continues(line: Line, previous: Line | None) -> bool:
    """Whether `line` is shown under `previous` without its author again, as Discord groups messages: the same
    author within 7 minutes, not a reply, neither a system line."""
    return (previous is not None and not line.system and not previous.system and line.reply_to is None
            and line.author_id == previous.author_id and line.created_at is not None
            and previous.created_at is not None and line.created_at - previous.created_at <= GROUPED)


def _message(line: Line, names: dict[int, str], origins: frozenset[str], *, continued: bool = False) -> str:
    if line.system:
        return f'<div class="system">➜ {_e(line.system)} <span class="time">{_e(_when(line.created_at))}</span></div>'
    if continued:  # under the same author's previous message: its time in the gutter, shown on hover
        parts = ['<div class="msg cont">',
                 f'<div class="gutter" title="{_e(_when(line.created_at))}">{_e(_clock(line.created_at))}</div>',
                 '<div class="body">']
    else:
        avatar = _cdn_image(line.avatar_url, origins) if line.avatar_url else None
        parts = ['<div class="msg">',
                 f'<img class="avatar" src="{_e(avatar)}" alt="">' if avatar else '<div class="avatar"></div>',
                 '<div class="body">']
        if line.reply_to:
            who, said = line.reply_to
            parts.append(f'<div class="reply">↪ <span class="rname">{_e(who)}</span>{_mentions(_e(said), names)}'
                         "</div>")
        colour = _colour(line.colour)
        style = f' style="color:{colour}"' if colour else ""
        parts.append(f'<span class="author"{style} '
                     f'title="{_e(line.author)} ({line.author_id})">{_e(line.display_name or line.author)}</span>'
                     + ('<span class="bot">BOT</span>' if line.bot else "")
                     + f'<span class="time">{_e(_when(line.created_at))}</span>')
    if line.content:
        edited = (f'<span class="edited" title="{_e(_when(line.edited_at))}">(edited)</span>' if line.edited_at
                  else "")
        parts.append(f'<div class="content">{_text(line.content, names)}{edited}</div>')
    parts.extend(_embed(embed, names, origins) for embed in line.embeds)
    parts.extend(_attachment(name, url, origins) for name, url in line.attachments)
    if line.reactions:
        parts.append('<div class="reactions">' + "".join(
            f'<span class="reaction">{_e(emoji)} {count}</span>' for emoji, count in line.reactions) + "</div>")
    parts.append("</div></div>")
    return "".join(parts)


def page(header: Header, lines: list[Line]) -> str:
    """The HTML transcript: one self-contained page."""
    names = {line.author_id: _e(line.display_name or line.author) for line in lines}
    origins = image_origins()
    csp = CSP.format(origins=" ".join(sorted(origins)))
    parts = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
             f'<meta http-equiv="Content-Security-Policy" content="{_e(csp)}">',
             '<meta name="referrer" content="no-referrer">',
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
    parts.extend(_message(line, names, origins, continued=continues(line, previous))
                 for previous, line in zip([None, *lines], lines, strict=False))
    parts.append("</main></body></html>")
    return "\n".join(parts) + "\n"
