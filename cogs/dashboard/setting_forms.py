"""The settings page's rows (generated from the settings registry) and turning a submitted form into a value.

A channel or role setting is a drop-down of the server's channels (of the setting's kind) or roles; a channels
setting a multiple choice; yes/no a drop-down; every other type a text field parsed exactly as `/config set`
parses it (`parse_value`). The typed value then goes through `set_checked`, the one gate of every setting value.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import discord

from cogs.dashboard.contract import assignable_roles
from core.settings_registry import InvalidSettingValue, SettingSpec, SettingType, parse_value
from utils.durations import format_duration


@dataclass
class Option:
    """One choice of a drop-down."""

    value: str
    label: str
    selected: bool = False


@dataclass
class SettingRow:
    """One setting as the page shows it."""

    spec: SettingSpec
    shown: str  # the current value, readable
    default_shown: str
    is_default: bool
    control: str  # "select", "multi" or "text"
    text: str = ""  # the text field's current content
    options: list[Option] = field(default_factory=list)

    @property
    def anchor(self) -> str:
        """The row's id in the page (`#scope.key`)."""
        return self.spec.qualified


def _channels(spec: SettingSpec, guild: discord.Guild) -> list[discord.abc.GuildChannel]:
    return list(guild.categories) if spec.channel_kind == "category" else list(guild.text_channels)


def readable(spec: SettingSpec, guild: discord.Guild, value: Any) -> str:
    """A value as text: channels as #name, roles as @name, durations and yes/no in words."""
    if value is None:
        return "not set"
    kind = spec.type
    if kind is SettingType.CHANNEL:
        channel = guild.get_channel(value)
        return f"#{channel.name}" if channel else f"deleted channel ({value})"
    if kind is SettingType.CHANNELS:
        return " ".join(readable(_as_channel(spec), guild, item) for item in value) or "none"
    if kind is SettingType.ROLE:
        role = guild.get_role(value)
        return f"@{role.name}" if role else f"deleted role ({value})"
    if kind is SettingType.BOOL:
        return "yes" if value else "no"
    if kind is SettingType.DURATION:
        return format_duration(value)
    if kind is SettingType.JSON:
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _as_channel(spec: SettingSpec) -> SettingSpec:
    return SettingSpec(spec.scope, spec.key, SettingType.CHANNEL, None, spec.description,
                       channel_kind=spec.channel_kind)


def row(spec: SettingSpec, guild: discord.Guild, stored: Any) -> SettingRow:
    """The page row of `spec` on `guild` (`stored` = its stored value, None when it uses its default)."""
    value = spec.default if stored is None else stored
    made = SettingRow(spec, readable(spec, guild, value), readable(spec, guild, spec.default), stored is None,
                      "text")
    kind = spec.type
    if kind in (SettingType.CHANNEL, SettingType.CHANNELS):
        chosen = set(value or []) if kind is SettingType.CHANNELS else {value}
        made.control = "multi" if kind is SettingType.CHANNELS else "select"
        made.options = [Option(str(c.id), f"#{c.name}", c.id in chosen) for c in _channels(spec, guild)]
    elif kind is SettingType.ROLE:
        made.control = "select"
        made.options = [Option(str(r.id), f"@{r.name}", r.id == value) for r in assignable_roles(guild)]
    elif kind is SettingType.BOOL:
        made.control = "select"
        made.options = [Option("yes", "yes", value is True), Option("no", "no", value is False)]
    elif spec.choices:
        made.control = "select"
        made.options = [Option(choice, choice, choice == value) for choice in spec.choices]
    else:
        made.text = "" if value is None else (format_duration(value) if kind is SettingType.DURATION
                                              else readable(spec, guild, value))
    return made


def rows(specs: list[SettingSpec], guild: discord.Guild,
         stored: dict[tuple[str, str], Any]) -> dict[str, list[SettingRow]]:
    """Every setting's row, by scope."""
    grouped: dict[str, list[SettingRow]] = {}
    for spec in specs:
        grouped.setdefault(spec.scope, []).append(row(spec, guild, stored.get((spec.scope, spec.key))))
    return grouped


def submitted_value(spec: SettingSpec, values: list[str]) -> Any:
    """The typed value a form submitted for `spec` (checked by `set_checked` next), or `InvalidSettingValue`."""
    values = [value.strip() for value in values if value.strip()]
    if spec.type is SettingType.CHANNELS:
        if not all(value.isdigit() for value in values) or not values:
            raise InvalidSettingValue(f"`{spec.qualified}`: pick one or more channels.")
        return [int(value) for value in values]
    if len(values) != 1:
        raise InvalidSettingValue(f"`{spec.qualified}`: give a value (to go back to the default, use /config reset).")
    try:
        return parse_value(spec, values[0][:4000])
    except InvalidSettingValue as exc:
        text = str(exc).removeprefix(f"{spec.qualified}: ").removeprefix(f"{spec.qualified} ")
        raise InvalidSettingValue(f"`{spec.qualified}`: {text}") from None
