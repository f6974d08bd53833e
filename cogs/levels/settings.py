"""The levels settings (scope `levels`). Level roles and multipliers (no-XP channels and roles are multiplier 0)
live in the cog's own tables, set with `/config levels …`."""

from __future__ import annotations

from typing import Any

from core.settings_registry import SettingSpec, SettingType, int_range
from utils import templates
from utils.errors import BadInput

SCOPE = "levels"
ANNOUNCE_MODES = ("channel", "current", "dm", "off")
ROLE_MODES = ("stack", "replace")
# The level-up message's variables ({{ and }} are literal braces).
ANNOUNCE_VARIABLES = ("member", "member.mention", "member.name", "level", "old_level", "xp", "server")
DEFAULT_ANNOUNCEMENT = "🎉 {member.mention} reached **level {level}**!"
ANNOUNCEMENT_MAX = 1000  # what a TEXT setting holds


def check_announcement(value: Any) -> str | None:
    """The level-up template: known variables only, no stray brace, at most 1,000 characters."""
    if not isinstance(value, str):
        return "must be text."
    try:
        templates.check_template(value, ANNOUNCE_VARIABLES, what="level-up message", limit=ANNOUNCEMENT_MAX,
                                 example=DEFAULT_ANNOUNCEMENT)
    except BadInput as exc:
        return exc.message
    return None


LEVELS_ENABLED: SettingSpec[bool] = SettingSpec(
    SCOPE, "enabled", SettingType.BOOL, False,
    "Give members XP for their messages (and, with voice_xp, for time in voice) and levels on MEE6's curve.")
LEVELS_XP_MIN: SettingSpec[int] = SettingSpec(
    SCOPE, "xp_min", SettingType.INT, 15,
    "Least XP a message earns (a random amount between xp_min and xp_max, MEE6: 15–25).",
    validator=int_range(0, 1000))
LEVELS_XP_MAX: SettingSpec[int] = SettingSpec(
    SCOPE, "xp_max", SettingType.INT, 25,
    "Most XP a message earns.", validator=int_range(0, 1000))
LEVELS_COOLDOWN: SettingSpec[int] = SettingSpec(
    SCOPE, "cooldown", SettingType.DURATION, 60,
    "A member earns message XP at most once per this time (MEE6: a minute); 0s = every message.",
    validator=int_range(0, 3600))
LEVELS_VOICE_XP: SettingSpec[int] = SettingSpec(
    SCOPE, "voice_xp", SettingType.INT, 0,
    "XP per whole minute in a voice channel with someone else, not muted or deafened (0 = no voice XP).",
    validator=int_range(0, 1000))
LEVELS_ANNOUNCE: SettingSpec[str] = SettingSpec(
    SCOPE, "announce", SettingType.TEXT, "current",
    "Where level-ups are announced: channel (announce_channel), current (where the member wrote), dm, or off.",
    choices=ANNOUNCE_MODES)
LEVELS_ANNOUNCE_CHANNEL: SettingSpec[int | None] = SettingSpec(
    SCOPE, "announce_channel", SettingType.CHANNEL, None,
    "The channel for level-up announcements when announce is `channel`.")
LEVELS_ANNOUNCE_MESSAGE: SettingSpec[str] = SettingSpec(
    SCOPE, "announce_message", SettingType.TEXT, DEFAULT_ANNOUNCEMENT,
    "The level-up message: {member.mention} (the only ping it can make), {member}, {member.name}, {level}, "
    "{old_level}, {xp}, {server}.", validator=check_announcement)
LEVELS_ROLE_MODE: SettingSpec[str] = SettingSpec(
    SCOPE, "role_mode", SettingType.TEXT, "stack",
    "Level roles: stack (keep every level role reached) or replace (only the highest one reached).",
    choices=ROLE_MODES)

SETTINGS: tuple[SettingSpec, ...] = (
    LEVELS_ENABLED, LEVELS_XP_MIN, LEVELS_XP_MAX, LEVELS_COOLDOWN, LEVELS_VOICE_XP, LEVELS_ANNOUNCE,
    LEVELS_ANNOUNCE_CHANNEL, LEVELS_ANNOUNCE_MESSAGE, LEVELS_ROLE_MODE,
)
