"""The welcome settings (scope `welcome`): for each kind of message — welcome (a member joins), farewell (a member
leaves or is kicked), ban (a member is banned) — where it goes (`<kind>_to`: channel, dm, both or off), its channel
and its template; and whether welcomes carry the image card."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cogs.welcome.messages import DEFAULT_TEMPLATES, DELIVERIES, VARIABLES, check_message
from core.settings_registry import SettingSpec, SettingType
from utils.errors import BadInput

SCOPE = "welcome"
_PLACEHOLDERS = ", ".join("{" + name + "}" for name in VARIABLES)


def _template_check(kind: str):  # type: ignore[no-untyped-def]
    def problem(value: Any) -> str | None:
        try:
            check_message(kind, str(value))
        except BadInput as exc:
            return exc.message
        return None

    return problem


WELCOME_TO: SettingSpec[str] = SettingSpec(
    SCOPE, "welcome_to", SettingType.TEXT, "channel",
    "Where the welcome message goes when someone joins: channel (welcome_channel; nothing until one is set), dm, "
    "both or off.", choices=DELIVERIES)
WELCOME_CHANNEL: SettingSpec[int | None] = SettingSpec(
    SCOPE, "welcome_channel", SettingType.CHANNEL, None,
    "The channel of welcome messages (and of farewell and ban messages without a channel of their own).")
WELCOME_MESSAGE: SettingSpec[str] = SettingSpec(
    SCOPE, "welcome_message", SettingType.TEXT, DEFAULT_TEMPLATES["welcome"],
    f"The welcome message; placeholders: {_PLACEHOLDERS}. Only {{member.mention}} pings (the new member).",
    validator=_template_check("welcome"))
WELCOME_CARD: SettingSpec[bool] = SettingSpec(
    SCOPE, "card", SettingType.BOOL, False,
    "Attach an image card (the member's avatar, name and member number) to welcome messages; needs my Attach "
    "Files permission in the welcome channel.")
FAREWELL_TO: SettingSpec[str] = SettingSpec(
    SCOPE, "farewell_to", SettingType.TEXT, "off",
    "Where the farewell message goes when a member leaves or is kicked: channel, dm, both or off.",
    choices=DELIVERIES)
FAREWELL_CHANNEL: SettingSpec[int | None] = SettingSpec(
    SCOPE, "farewell_channel", SettingType.CHANNEL, None,
    "The channel of farewell messages (default: the welcome channel).")
FAREWELL_MESSAGE: SettingSpec[str] = SettingSpec(
    SCOPE, "farewell_message", SettingType.TEXT, DEFAULT_TEMPLATES["farewell"],
    f"The farewell message; placeholders: {_PLACEHOLDERS}. It pings nobody.",
    validator=_template_check("farewell"))
BAN_TO: SettingSpec[str] = SettingSpec(
    SCOPE, "ban_to", SettingType.TEXT, "off",
    "Where the ban message goes when a member is banned (instead of the farewell): channel, dm, both or off.",
    choices=DELIVERIES)
BAN_CHANNEL: SettingSpec[int | None] = SettingSpec(
    SCOPE, "ban_channel", SettingType.CHANNEL, None,
    "The channel of ban messages (default: the welcome channel).")
BAN_MESSAGE: SettingSpec[str] = SettingSpec(
    SCOPE, "ban_message", SettingType.TEXT, DEFAULT_TEMPLATES["ban"],
    f"The ban message; placeholders: {_PLACEHOLDERS}. It pings nobody.",
    validator=_template_check("ban"))


@dataclass(frozen=True)
class KindSettings:
    """The three settings of one kind of message."""

    to: SettingSpec[str]
    channel: SettingSpec[int | None]
    message: SettingSpec[str]


KIND_SETTINGS: dict[str, KindSettings] = {
    "welcome": KindSettings(WELCOME_TO, WELCOME_CHANNEL, WELCOME_MESSAGE),
    "farewell": KindSettings(FAREWELL_TO, FAREWELL_CHANNEL, FAREWELL_MESSAGE),
    "ban": KindSettings(BAN_TO, BAN_CHANNEL, BAN_MESSAGE),
}

SETTINGS: tuple[SettingSpec, ...] = (
    WELCOME_TO, WELCOME_CHANNEL, WELCOME_MESSAGE, WELCOME_CARD, FAREWELL_TO, FAREWELL_CHANNEL, FAREWELL_MESSAGE,
    BAN_TO, BAN_CHANNEL, BAN_MESSAGE,
)
