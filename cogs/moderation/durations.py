"""Durations typed by moderators (`10m`, `2h`, `7d`, `1d 12h`), read by the settings registry's one duration
parser, and shown back the same way."""

from __future__ import annotations

from core.settings_registry import InvalidSettingValue, SettingSpec, SettingType, parse_value
from utils.durations import format_duration
from utils.errors import BadInput

MAX_TIMEOUT = 28 * 86400  # Discord: a timeout ends at most 28 days ahead
MAX_TEMPBAN = 365 * 86400
_SPEC = SettingSpec("moderation", "duration", SettingType.DURATION, None, "")


def parse_duration(text: str, *, maximum: int, what: str, example: str) -> int:
    """`text` in seconds, from 1 minute to `maximum`; `BadInput` saying what is wrong otherwise."""
    try:
        seconds = parse_value(_SPEC, text)
    except InvalidSettingValue:
        raise BadInput(f"`{text}` is not a duration: use minutes, hours or days like 10m, 2h or 7d.",
                       example=example) from None
    if not isinstance(seconds, int) or seconds < 60:
        raise BadInput(f"A {what} lasts at least 1 minute.", example=example)
    if seconds > maximum:
        raise BadInput(f"A {what} lasts at most {format_duration(maximum)} ({text} is longer).", example=example)
    return seconds


