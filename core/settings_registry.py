"""The settings registry: every cog declares its per-guild settings here, `/config` is generic over it.

A setting is (scope, key, type, default, description, validator). Values are stored as JSON in
`bot_settings.value`; `parse_value` turns what an admin typed into that JSON value, or raises
`InvalidSettingValue` with a message that says what is wrong and gives an example.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Generic, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones


class SettingType(StrEnum):
    """How a setting's value is typed in, validated and stored."""

    CHANNEL = "channel"  # stored as the channel id (int)
    CHANNELS = "channels"  # stored as a list of channel ids; typed as "#a #b" (mentions, ids or names)
    ROLE = "role"  # stored as the role id (int)
    BOOL = "bool"
    INT = "int"
    FLOAT = "float"
    TEXT = "text"
    TIME = "time"  # "HH:MM", 24-hour
    TIMEZONE = "timezone"  # IANA name, e.g. Europe/Amsterdam
    DURATION = "duration"  # stored in seconds (int); typed as 90s, 10m, 2h, 1d 12h
    JSON = "json"


class InvalidSettingValue(ValueError):
    """A value was refused; the message is meant for the admin who typed it."""


Validator = Callable[[Any], str | None]  # returns an error message, or None when the value is fine
T = TypeVar("T")  # the Python type of a setting's value (what `GuildSettings.setting` returns)
CHANNEL_KINDS = ("text", "category")  # what a CHANNEL setting may hold


@dataclass(frozen=True)
class SettingSpec(Generic[T]):
    """One declared setting. `validator` adds rules beyond the type (ranges, choices).

    Each cog declares its settings as named constants in its `settings.py`, annotated with their value type
    (`SettingSpec[int | None]`), and reads them with `bot.guild_settings.setting(guild_id, SPEC)`.

    `grants_role` marks a ROLE setting whose role the bot gives to members: setting it and giving it pass the
    role-safety check (`core.role_safety`) against the member who set it. `channel_kind` says which kind of
    channel a CHANNEL setting holds ("text", or "category" for where the bot creates channels).
    """

    scope: str
    key: str
    type: SettingType
    default: T
    description: str
    validator: Validator | None = field(default=None, compare=False)
    choices: tuple[str, ...] = ()
    grants_role: bool = False
    channel_kind: str = "text"
    ref: tuple[str, str] = field(init=False, repr=False, compare=False)  # (scope, key): the key values are stored by

    def __post_init__(self) -> None:
        object.__setattr__(self, "ref", (self.scope, self.key))  # made once: read on every message by several stages
        if self.grants_role and self.type is not SettingType.ROLE:
            raise ValueError(f"{self.qualified}: only role settings can grant a role")
        if self.channel_kind not in CHANNEL_KINDS:
            raise ValueError(f"{self.qualified}: channel_kind must be one of {', '.join(CHANNEL_KINDS)}")

    @property
    def qualified(self) -> str:
        """`scope.key`, as shown to admins."""
        return f"{self.scope}.{self.key}"


_NAME = re.compile(r"^[a-z][a-z0-9_]{0,39}$")


class SettingsRegistry:
    """All declared settings of one bot, by scope and key."""

    def __init__(self) -> None:
        self._specs: dict[tuple[str, str], SettingSpec] = {}

    def register(self, *specs: SettingSpec) -> None:
        """Declare settings; a second declaration of the same scope.key is a programming error."""
        for spec in specs:
            if not (_NAME.match(spec.scope) and _NAME.match(spec.key)):
                raise ValueError(f"setting names are lower_snake_case: {spec.qualified!r}")
            if (spec.scope, spec.key) in self._specs:
                raise ValueError(f"setting {spec.qualified} is declared twice")
            self._specs[(spec.scope, spec.key)] = spec

    def unregister(self, *specs: SettingSpec) -> None:
        """Forget settings (their cog was unloaded); values stay in the database."""
        for spec in specs:
            self._specs.pop((spec.scope, spec.key), None)

    def get(self, scope: str, key: str) -> SettingSpec | None:
        """The spec of scope.key, or None."""
        return self._specs.get((scope, key))

    def scopes(self) -> list[str]:
        """Every scope with at least one setting, sorted."""
        return sorted({scope for scope, _ in self._specs})

    def in_scope(self, scope: str) -> list[SettingSpec]:
        """The settings of one scope, sorted by key."""
        return sorted((s for s in self._specs.values() if s.scope == scope), key=lambda s: s.key)

    def all(self) -> list[SettingSpec]:
        """Every setting, sorted by scope and key."""
        return sorted(self._specs.values(), key=lambda s: (s.scope, s.key))

    def __len__(self) -> int:
        return len(self._specs)


_TRUE = {"true", "yes", "on", "1", "enable", "enabled"}
_FALSE = {"false", "no", "off", "0", "disable", "disabled"}
_DURATION_PART = re.compile(r"(\d+)\s*(w|d|h|m|s)", re.I)
_UNIT_SECONDS = {"w": 604800, "d": 86400, "h": 3600, "m": 60, "s": 1}
_SNOWFLAKE = re.compile(r"^(?:<[#@]&?)?(\d{15,21})>?$")


def parse_value(spec: SettingSpec, raw: str) -> Any:
    """Turn typed text into the stored JSON value for `spec`, or raise `InvalidSettingValue`."""
    text = raw.strip()
    value = _PARSERS[spec.type](text)
    if spec.choices and value not in spec.choices:
        raise InvalidSettingValue(f"{spec.qualified} must be one of: {', '.join(spec.choices)}.")
    check_value(spec, value)
    return value


def check_value(spec: SettingSpec, value: Any) -> None:
    """Run the spec's own validator on an already-typed value (used by import and rollback too)."""
    if spec.validator is not None and value is not None:
        problem = spec.validator(value)
        if problem:
            raise InvalidSettingValue(f"{spec.qualified}: {problem}")


def _parse_snowflake(kind: str, example: str) -> Callable[[str], int]:
    def parse(text: str) -> int:
        match = _SNOWFLAKE.match(text)
        if not match:
            raise InvalidSettingValue(f"that is not a {kind}: mention it or paste its id, e.g. {example}.")
        return int(match.group(1))

    return parse


def _parse_bool(text: str) -> bool:
    lowered = text.lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise InvalidSettingValue("expected yes or no (true/false, on/off).")


def _parse_int(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise InvalidSettingValue(f"{text!r} is not a whole number, e.g. 5.") from None


def _parse_float(text: str) -> float:
    try:
        return float(text.replace(",", "."))
    except ValueError:
        raise InvalidSettingValue(f"{text!r} is not a number, e.g. 0.7.") from None


def _parse_channels(text: str) -> list[int]:
    parts = [part for part in re.split(r"[\s,]+", text) if part]
    if not parts:
        raise InvalidSettingValue("give one or more channels, e.g. #events #announcements.")
    parse_one = _parse_snowflake("channel", "#events #announcements")
    return list(dict.fromkeys(parse_one(part) for part in parts))


def _parse_text(text: str) -> str:
    if not text:
        raise InvalidSettingValue("the text is empty; use /config reset to clear a setting.")
    if len(text) > 1000:
        raise InvalidSettingValue(f"the text is {len(text)} characters long; the limit is 1000.")
    return text


def _parse_time(text: str) -> str:
    match = re.fullmatch(r"(\d{1,2})[:.h](\d{2})", text)
    if not match or int(match.group(1)) > 23 or int(match.group(2)) > 59:
        raise InvalidSettingValue(f"{text!r} is not a time of day; use 24-hour HH:MM, e.g. 18:30.")
    return f"{int(match.group(1)):02d}:{match.group(2)}"


def _parse_timezone(text: str) -> str:
    try:
        ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidSettingValue(
            f"{text!r} is not an IANA time zone; use a name like Europe/Amsterdam or America/New_York."
        ) from None
    return text


def _parse_duration(text: str) -> int:
    compact = text.replace(" ", "").lower()
    parts = _DURATION_PART.findall(compact)
    if not parts or "".join(n + u for n, u in parts) != compact:
        raise InvalidSettingValue(f"{text!r} is not a duration; use e.g. 90s, 10m, 2h or 1d 12h.")
    return sum(int(number) * _UNIT_SECONDS[unit.lower()] for number, unit in parts)


def _parse_json(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError as exc:
        raise InvalidSettingValue(f"that is not valid JSON ({exc.msg} at character {exc.pos}).") from None


_PARSERS: dict[SettingType, Callable[[str], Any]] = {
    SettingType.CHANNEL: _parse_snowflake("channel", "#general"),
    SettingType.ROLE: _parse_snowflake("role", "@Moderators"),
    SettingType.BOOL: _parse_bool,
    SettingType.INT: _parse_int,
    SettingType.FLOAT: _parse_float,
    SettingType.CHANNELS: _parse_channels,
    SettingType.TEXT: _parse_text,
    SettingType.TIME: _parse_time,
    SettingType.TIMEZONE: _parse_timezone,
    SettingType.DURATION: _parse_duration,
    SettingType.JSON: _parse_json,
}


def int_range(low: float, high: float) -> Validator:
    """A validator for numbers between `low` and `high` inclusive."""

    def check(value: Any) -> str | None:
        if not low <= value <= high:
            return f"must be between {low} and {high}."
        return None

    return check


def timezone_names(prefix: str = "", limit: int = 25) -> list[str]:
    """IANA zone names containing `prefix` (case-insensitive), for autocomplete."""
    lowered = prefix.lower()
    return sorted(name for name in available_timezones() if lowered in name.lower())[:limit]


SYSTEM_TIMEZONE: SettingSpec[str] = SettingSpec(
    "system", "timezone", SettingType.TIMEZONE, "UTC",
    "The server's time zone (IANA name); schedules and daily counters follow it.")
SYSTEM_LOG_CHANNEL: SettingSpec[int | None] = SettingSpec(
    "system", "log_channel", SettingType.CHANNEL, None,
    "Channel where the bot reports moderation actions, errors and missed jobs.")
SYSTEM_STAFF_ROLE: SettingSpec[int | None] = SettingSpec(
    "system", "staff_role", SettingType.ROLE, None,
    "Role of the server's staff: handles tickets and verifications, exempt from automod.")
SYSTEM_LATE_JOB_GRACE: SettingSpec[int] = SettingSpec(
    "system", "late_job_grace", SettingType.DURATION, 600,
    "After downtime, scheduled posts (reminders …) later than this are skipped and summarised "
    "in the log channel instead of being sent late.", validator=int_range(0, 7 * 86400))
SYSTEM_LANGUAGE: SettingSpec[str] = SettingSpec(
    "system", "language", SettingType.TEXT, "en",
    "Language of the bot's messages on this server (more languages are planned).",
    choices=("en",))


def system_settings() -> Iterable[SettingSpec[Any]]:
    """The `system` scope every guild has: time zone, log channel, staff role, language, late-job grace."""
    return (SYSTEM_TIMEZONE, SYSTEM_LOG_CHANNEL, SYSTEM_STAFF_ROLE, SYSTEM_LATE_JOB_GRACE, SYSTEM_LANGUAGE)
