"""One log entry (an embed, its one-line form for busy moments, maybe a file) and the wording helpers the entry
builders share. Pure: no Discord calls, no settings."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import discord

from cogs.serverlogs.kinds import Kind

FIELD_LIMIT = 1024
DESCRIPTION_LIMIT = 1500  # an entry's description; a whole entry stays well under Discord's 6000 per message
LINE_LIMIT = 240  # one entry in a digest
QUOTE_LIMIT = 100  # a message's text inside a one-line entry

BLUE, RED, GREEN, ORANGE, YELLOW = 0x3498DB, 0xE74C3C, 0x2ECC71, 0xE67E22, 0xF1C40F
DARK_RED, PURPLE, TEAL, GREY = 0x992D22, 0x9B59B6, 0x1ABC9C, 0x95A5A6


@dataclass(frozen=True)
class LogFile:
    """A file attached to an entry (a bulk deletion's messages)."""

    name: str
    data: bytes


@dataclass(eq=False)
class LogEntry:
    """What one event shows in the log.

    `embed` when events come one by one; `line` (short, with its emoji) in a digest when they come fast; `noun`
    counts it when the log falls behind ("… 37 more message deletions merged"); `users` are who it is about (a GDPR
    erasure drops their entries still waiting)."""

    kind: Kind
    noun: str
    embed: discord.Embed
    line: str
    file: LogFile | None = None
    users: frozenset[int] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        self.line = clip(self.line, LINE_LIMIT)


def clip(text: str, limit: int) -> str:
    """`text` cut to `limit` characters, marked with … when cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def one_line(text: str, limit: int = QUOTE_LIMIT) -> str:
    """A message's text on one line, cut short, for a digest line."""
    flat = " ".join(text.split())
    return clip(flat, limit) if flat else "(no text)"


def name_of(user: discord.abc.User) -> str:
    """A user's name, escaped so that markdown in it shows as typed."""
    return discord.utils.escape_markdown(user.name)


def who(user: discord.abc.User) -> str:
    """`@mention (name, id)`: the mention may not resolve for someone who left, the name and id stay."""
    return f"{user.mention} ({name_of(user)}, `{user.id}`)"


def when(moment: datetime, style: str = "f") -> str:
    """A Discord timestamp, shown in each reader's own time zone."""
    return f"<t:{int(moment.timestamp())}:{style}>"


def when_long(moment: datetime) -> str:
    """An absolute time and how long ago it was."""
    return f"{when(moment)} ({when(moment, 'R')})"


def block(text: str | None, *, empty: str = "*no text*") -> str:
    """A message's text as an embed field value."""
    if text is None:
        return "*not in my message cache*"
    return clip(text, FIELD_LIMIT) if text.strip() else empty


def make_embed(title: str, description: str, colour: int, now: datetime, *, footer: str | None = None) -> discord.Embed:
    """The common shape of an entry."""
    embed = discord.Embed(title=title, description=clip(description, DESCRIPTION_LIMIT), colour=colour,
                          timestamp=now)
    if footer:
        embed.set_footer(text=footer)
    return embed


def size_of(count: int) -> str:
    """A file size in words."""
    if count < 1024:
        return f"{count} B"
    if count < 1024 * 1024:
        return f"{count / 1024:.0f} kB"
    return f"{count / 1024 / 1024:.1f} MB"


def listing(items: list[str], *, limit: int = FIELD_LIMIT, none: str = "none") -> str:
    """Items joined with spaces, cut at `limit` with how many more there were."""
    if not items:
        return none
    out = ""
    for n, item in enumerate(items):
        rest = len(items) - n
        piece = (" " if out else "") + item
        if len(out) + len(piece) > limit - 20:
            return f"{out} … and {rest} more"
        out += piece
    return out
