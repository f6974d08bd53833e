"""What admins type into the roles commands, read or refused with a human answer: emojis, message links and
durations (no SQL, no Discord calls)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

import discord

from core import duration_input
from utils.errors import BadInput

MAX_DURATION = 365 * 86400
_CUSTOM = re.compile(r"<?(?P<animated>a)?:?(?P<name>[A-Za-z0-9_~]{1,32}):(?P<id>\d{1,21})>?")
_JOINERS = {0x200D, 0xFE0E, 0xFE0F}
_KEYCAP = 0x20E3
_KEYCAP_BASES = set("0123456789#*")
LINK_EXAMPLE = "https://discord.com/channels/123456789012345678/234567890123456789/345678901234567890"


@dataclass(frozen=True)
class EmojiChoice:
    """An emoji an admin picked: how it is stored and shown (`text`) and how reactions name it (`key`)."""

    text: str
    key: str

    @property
    def partial(self) -> discord.PartialEmoji:
        """The emoji for buttons, select options and reactions."""
        match = _CUSTOM.fullmatch(self.text)
        if match:
            return discord.PartialEmoji(name=match["name"], id=int(match["id"]), animated=bool(match["animated"]))
        return discord.PartialEmoji(name=self.text)


def reaction_key(emoji: discord.PartialEmoji) -> str:
    """How a reaction's emoji is named in the reaction roles: a custom emoji by its id, a Unicode emoji by itself
    (without the emoji presentation selector, which clients send or not)."""
    return str(emoji.id) if emoji.id else (emoji.name or "").replace("\ufe0f", "")


def looks_like_emoji(text: str) -> bool:
    """Whether `text` is one Unicode emoji (pictographs, flags, keycaps, with joiners and skin tones); plain
    letters, digits and punctuation are not."""
    if not text or len(text) > 32:
        return False
    pictograph = False
    codes = [ord(char) for char in text]
    for char, code in zip(text, codes, strict=True):
        if code in _JOINERS or 0x1F3FB <= code <= 0x1F3FF or 0xE0020 <= code <= 0xE007F:
            continue
        if code == _KEYCAP or (char in _KEYCAP_BASES and _KEYCAP in codes):
            pictograph = pictograph or code == _KEYCAP
            continue
        if unicodedata.category(char) != "So":
            return False
        pictograph = True
    return pictograph


def parse_emoji(bot: Any, text: str, *, example: str, unicode_checked: bool = True) -> EmojiChoice:
    """The emoji `text` names: a custom emoji of a server the bot is in, or a Unicode emoji (checked here when
    `unicode_checked`, else left to Discord: a reaction with an emoji Discord does not know is refused by Discord).
    `BadInput` otherwise."""
    text = text.strip()
    match = _CUSTOM.fullmatch(text)
    if match:
        emoji = bot.get_emoji(int(match["id"]))
        if emoji is None:
            raise BadInput(f"I don't know the emoji `{text}`: a custom emoji must be from a server I'm in. Pick "
                           "one from this server, or a standard emoji.", example=example)
        return EmojiChoice(str(discord.PartialEmoji(name=emoji.name, id=emoji.id, animated=emoji.animated)),
                           str(emoji.id))
    if unicode_checked and not looks_like_emoji(text):
        raise BadInput(f"`{discord.utils.escape_markdown(text)[:50]}` is not an emoji: type or paste one emoji "
                       "(like 🎮), or pick a custom emoji of this server.", example=example)
    if not text or len(text) > 32:
        raise BadInput("Type or paste one emoji (like 🎮).", example=example)
    return EmojiChoice(text, text.replace("\ufe0f", ""))


def parse_duration(text: str, *, example: str) -> int:
    """`text` (10m, 2h, 7d, 1d 12h) in seconds, from a minute to a year; `BadInput` otherwise."""
    return duration_input.parse_duration(text, maximum=MAX_DURATION, example=example)
