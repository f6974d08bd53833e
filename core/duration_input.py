"""Durations typed into a command (`10m`, `2h`, `7d`, `1d 12h`): read by the settings registry's one duration
parser, checked against the command's range, refused with a `BadInput` that says what is wrong and how to write it.

Every command that takes a duration (timeouts and bans, temporary roles in menus and in the shop, autorole delays,
challenges) calls `parse_duration`, so they all accept and refuse the same things with the same words.
"""

from __future__ import annotations

import discord

from core.settings_registry import InvalidSettingValue, SettingSpec, SettingType, parse_value
from utils.durations import format_duration
from utils.errors import BadInput

MINUTE = 60
_SPEC = SettingSpec("command", "duration", SettingType.DURATION, None, "")


def parse_duration(text: str, *, maximum: int, example: str, what: str = "duration", minimum: int = MINUTE) -> int:
    """`text` in seconds, from `minimum` to `maximum`; `BadInput` saying what is wrong otherwise (`what` names the
    thing that lasts: "timeout", "temporary role" …)."""
    shown = discord.utils.escape_markdown(text)[:50]
    try:
        seconds = parse_value(_SPEC, text)
    except InvalidSettingValue:
        raise BadInput(f"`{shown}` is not a duration: use minutes, hours or days like 10m, 2h or 7d.",
                       example=example) from None
    if not isinstance(seconds, int) or seconds < minimum:
        least = "1 minute" if minimum == MINUTE else format_duration(minimum)
        raise BadInput(f"A {what} lasts at least {least}.", example=example)
    if seconds > maximum:
        raise BadInput(f"A {what} lasts at most {format_duration(maximum)} ({shown} is longer).", example=example)
    return seconds
