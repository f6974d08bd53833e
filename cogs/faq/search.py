"""Turning what people type into search input, and FAQ entries into embeds (no SQL, no Discord calls)."""

from __future__ import annotations

import re

import discord

TITLE_LIMIT = 200
ANSWER_LIMIT = 4000
KEYWORD_LIMIT = 50
KEYWORDS_MAX = 20
QUERY_LIMIT = 200
_WORD = re.compile(r"[^\W_]+", re.UNICODE)


def words(text: str) -> list[str]:
    """The words of `text`, lowercased (letters and digits only: safe to hand to to_tsquery)."""
    return [w.lower() for w in _WORD.findall(text)]


def tsquery_text(text: str) -> str:
    """An OR query of the words for to_tsquery ('' when there are none): an entry matching more words ranks
    higher, an entry matching some still shows, stop words are dropped by PostgreSQL."""
    return " | ".join(dict.fromkeys(words(text)))


def clean_keywords(text: str | None) -> list[str]:
    """"vpn, Login ,vpn" → ["vpn", "login"]; raises ValueError with a message for people on bad input."""
    if not text:
        return []
    found = [part.strip().lower() for part in re.split(r"[,;\n]", text) if part.strip()]
    found = list(dict.fromkeys(found))
    if len(found) > KEYWORDS_MAX:
        raise ValueError(f"At most {KEYWORDS_MAX} keywords, comma-separated (you gave {len(found)}).")
    too_long = [k for k in found if len(k) > KEYWORD_LIMIT]
    if too_long:
        raise ValueError(f"Keywords are at most {KEYWORD_LIMIT} characters: `{too_long[0][:60]}…` is longer.")
    return found


def entry_embed(entry_id: int, title: str, answer: str, keywords: list[str] | None) -> discord.Embed:
    """One FAQ entry, in full."""
    embed = discord.Embed(title=f"❓ {title}"[:256], description=answer[:4096], colour=discord.Colour.teal())
    if keywords:
        embed.add_field(name="Keywords", value=", ".join(keywords)[:1024], inline=False)
    embed.set_footer(text=f"FAQ #{entry_id}")
    return embed


def excerpt(text: str, limit: int = 140) -> str:
    """The first `limit` characters of `text` on one line."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"
