"""Custom emojis of a guild, and Discord's checks of a reaction's emoji.

Discord documents (Emoji resource, Message resource → Create Reaction):

- a guild's custom emojis are emoji objects ``{id, name, roles, user, require_colons, managed, animated,
  available}``, listed in GUILD_CREATE's ``emojis`` and sent whole in GUILD_EMOJIS_UPDATE ``{guild_id, emojis}``
  when they change (intent GUILD_EMOJIS_AND_STICKERS);
- ``PUT /channels/{id}/messages/{id}/reactions/{emoji}/@me`` with an emoji Discord does not know (a custom emoji
  id of no guild the bot is in, or text that is not a Unicode emoji) answers 400 ``{"code": 10014, "message":
  "Unknown Emoji"}``;
- a message holds at most 20 different reactions: a new one beyond that answers 400 30010 "Maximum number of
  reactions reached (20)".

Unicode emojis are recognised the way Discord's list would accept them, approximately: symbols of category So
(pictographs, dingbats, ©, ®, ™), regional-indicator pairs (flags), keycaps (``1️⃣``), with variation selectors,
zero-width joiners, skin-tone modifiers and tag characters between them. Plain letters, digits or punctuation are
not emojis.
"""

from __future__ import annotations

import unicodedata
from typing import TYPE_CHECKING

from .limits import ApiError

if TYPE_CHECKING:
    from .models import Message
    from .state import World

UNKNOWN_EMOJI = 10014
MAX_REACTIONS = 20  # distinct emojis on one message
TOO_MANY_REACTIONS = 30010
_JOINERS = {0x200D, 0xFE0E, 0xFE0F}  # zero-width joiner, text and emoji presentation selectors
_KEYCAP = 0x20E3
_KEYCAP_BASES = set("0123456789#*")


def is_unicode_emoji(text: str) -> bool:
    """Whether ``text`` is one Unicode emoji (sequence), as Discord's emoji list would accept it (approximately)."""
    if not text or len(text) > 32:
        return False
    pictograph = False
    for char in text:
        code = ord(char)
        if code in _JOINERS or 0x1F3FB <= code <= 0x1F3FF or 0xE0020 <= code <= 0xE007F:
            continue  # joiners, skin tones, tag characters (subdivision flags)
        if code == _KEYCAP:
            pictograph = pictograph or text[0] in _KEYCAP_BASES
            continue
        if char in _KEYCAP_BASES and _KEYCAP in map(ord, text):
            continue
        if unicodedata.category(char) == "So":
            pictograph = True
            continue
        return False
    return pictograph


def check_reaction_emoji(world: World, key: str) -> None:
    """400 Unknown Emoji (10014) unless ``key`` (``name:id`` or Unicode) is an emoji the bot may react with: a
    custom emoji of a guild it is in, or a Unicode emoji."""
    if ":" in key:
        _, _, emoji_id = key.rpartition(":")
        known = emoji_id.isdigit() and any(int(emoji_id) in guild.emojis for guild in world.guilds.values())
    else:
        known = is_unicode_emoji(key)
    if not known:
        raise ApiError(400, UNKNOWN_EMOJI, "Unknown Emoji")


def check_reaction_room(message: Message, key: str) -> None:
    """400 (30010) when ``key`` would be a 21st different reaction on ``message``."""
    present = [k for k, users in message.reactions.items() if users]
    if key not in present and len(present) >= MAX_REACTIONS:
        raise ApiError(400, TOO_MANY_REACTIONS, f"Maximum number of reactions reached ({MAX_REACTIONS})")
