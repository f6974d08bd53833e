"""Text normalisation before matching: so "fr3e n1tro", "ｆｒｅｅ ｎｉｔｒｏ" and "n\u200bitro" are all caught.

Steps: Unicode NFKC (full-width and styled letters become plain ones), zero-width and other invisible
characters removed, case folded, accents dropped, look-alike letters of other scripts (Cyrillic, Greek)
mapped to Latin, and common leetspeak mapped (0→o, 1→i, 3→e, 4→a, 5→s, 7→t, @→a, $→s …). `squash` then also
drops everything that is not a letter or digit, for "f.r.e.e n i t r o".

The mapping is one `str.translate` table; ASCII text (most messages) skips the Unicode steps.
"""

from __future__ import annotations

import re
import unicodedata

INVISIBLE = "\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c" \
            "\u202d\u202e\u2060\u2061\u2062\u2063\u2064\u2066\u2067\u2068\u2069\u206a\u206b\u206c\u206d\u206e" \
            "\u206f\u3164\ufeff\uffa0"

LOOKALIKES = {
    # Cyrillic
    "а": "a", "в": "b", "е": "e", "ё": "e", "к": "k", "м": "m", "н": "h", "о": "o", "р": "p", "с": "c", "т": "t",
    "у": "y", "х": "x", "ѕ": "s", "і": "i", "ї": "i", "ј": "j", "ԁ": "d", "ԛ": "q", "ԝ": "w", "һ": "h", "ɡ": "g",
    # Greek
    "α": "a", "β": "b", "ε": "e", "η": "n", "ι": "i", "κ": "k", "ν": "v", "ο": "o", "ρ": "p", "τ": "t",
    "υ": "u", "χ": "x", "ω": "w", "ς": "s", "σ": "o",
    # Latin variants and symbols
    "ı": "i", "ł": "l", "ø": "o", "đ": "d", "ß": "ss", "æ": "ae", "œ": "oe",
}

LEET = {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "8": "b", "9": "g", "@": "a", "$": "s",
        "!": "i", "|": "l", "+": "t", "€": "e", "£": "l"}

_TABLE = str.maketrans({**{c: None for c in INVISIBLE}, **LOOKALIKES, **LEET})
_ASCII_TABLE = str.maketrans(LEET)
_NOT_ALNUM = re.compile(r"[\W_]+")


def normalise(text: str) -> str:
    """The text as matched by content and regex rules (lower case, plain Latin letters, no leetspeak)."""
    if text.isascii():
        return text.lower().translate(_ASCII_TABLE)
    text = unicodedata.normalize("NFKC", text).casefold()
    if not text.isascii():
        # Drop accents: é → e (decompose, remove combining marks, recompose what is left).
        decomposed = unicodedata.normalize("NFKD", text)
        text = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return text.translate(_TABLE)


def squash(normalised: str) -> str:
    """Letters and digits only: "f.r.e.e n i t r o" → "freenitro"."""
    return _NOT_ALNUM.sub("", normalised)
