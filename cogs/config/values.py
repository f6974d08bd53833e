"""Turning what an admin typed into a setting value for this guild, and showing values back."""

from __future__ import annotations

import json
import re
from typing import Any

import discord

from core.setting_values import RoleSettingRefused, validate_setting
from core.settings_registry import InvalidSettingValue, SettingSpec, SettingType, parse_value
from utils.durations import format_duration
from utils.errors import BadInput

_SNOWFLAKE = re.compile(r"^(?:<[#@]&?)?(\d{15,21})>?$")  # a mention or a bare id


def example_for(spec: SettingSpec) -> str:
    """An example `/config set` line for this setting."""
    samples = {
        SettingType.CHANNEL: "#general", SettingType.ROLE: "@Moderators", SettingType.BOOL: "yes",
        SettingType.INT: "5", SettingType.FLOAT: "0.7", SettingType.CHANNELS: "#events #news",
        SettingType.TEXT: "hello", SettingType.TIME: "18:30",
        SettingType.TIMEZONE: "Europe/Amsterdam", SettingType.DURATION: "2h", SettingType.JSON: '{"a": 1}',
    }
    sample = spec.choices[0] if spec.choices else samples[spec.type]
    return f"/config set scope:{spec.scope} key:{spec.key} value:{sample}"


def _find(spec: SettingSpec, text: str | None, chosen: Any, candidates: list[Any], by_id: Any, kind: str) -> Any:
    """The channel/role picked in its option, or named/mentioned/id'd in the text, or BadInput."""
    if chosen is not None:
        return chosen
    option = "role" if kind == "role" else "channel"
    if text:
        wanted = text.lstrip("#@").strip().lower()
        found = next((item for item in candidates if item.name.lower() == wanted), None)
        if found is not None:
            return found
        match = _SNOWFLAKE.match(text.strip())
        if match is None:
            raise BadInput(f"{spec.qualified}: `{text[:100]}` is not a {option} of this server: mention it, type its "
                           "name or paste its id.", example=example_for(spec))
        found = by_id(int(match.group(1)))
        if found is not None:
            return found
    raise BadInput(f"{spec.qualified} needs a {kind} of this server: pick one in the `{option}` option"
                   + (" or type its name in `value`." if kind == "category" else "."), example=example_for(spec))


def channel_candidates(spec: SettingSpec, guild: discord.Guild) -> tuple[list[Any], str]:
    """The channels a CHANNEL(S) setting may hold on `guild` (its categories or its text channels), and their kind."""
    if spec.channel_kind == "category":
        return list(guild.categories), "category"
    return list(guild.text_channels), "text channel"


def _typed(spec: SettingSpec, guild: discord.Guild, text: str | None, channel: discord.abc.GuildChannel | None,
           role: discord.Role | None) -> Any:
    """What the admin typed or picked, as the typed value to store (checked by `validate_setting` next)."""
    if spec.type is SettingType.CHANNEL:
        candidates, kind = channel_candidates(spec, guild)
        return _find(spec, text, channel, candidates, guild.get_channel, kind).id
    if spec.type is SettingType.CHANNELS:
        if channel is not None:
            return [channel.id]
        if not text:
            raise BadInput(f"Give the channels of {spec.qualified} in the `value` option.", example=example_for(spec))
        candidates, kind = channel_candidates(spec, guild)
        return [_find(spec, part, None, candidates, guild.get_channel, kind).id
                for part in text.replace(",", " ").split()]
    if spec.type is SettingType.ROLE:
        return _find(spec, text, role, list(guild.roles), guild.get_role, "role").id
    if channel is not None or role is not None:
        raise BadInput(f"{spec.qualified} is a {spec.type.value} setting: use the `value` option.",
                       example=example_for(spec))
    if text is None:
        raise BadInput(f"Give the new value of {spec.qualified} in the `value` option.", example=example_for(spec))
    return _parse(spec, text)


def resolve_value(spec: SettingSpec, guild: discord.Guild, text: str | None,
                  channel: discord.abc.GuildChannel | None, role: discord.Role | None,
                  setter: discord.Member) -> Any:
    """The value to store for `spec` when `setter` types `text` (or picks the channel/role option).

    Parsing is this command's own; every check after it is `validate_setting`, the gate that import, rollback and
    the setup commands use too (channel kinds, @everyone and managed roles, role safety, choices, validators)."""
    typed = _typed(spec, guild, text, channel, role)
    try:
        return validate_setting(spec, guild, typed, setter)
    except RoleSettingRefused as exc:
        raise BadInput(str(exc)) from None
    except InvalidSettingValue as exc:
        raise BadInput(str(exc), example=example_for(spec)) from None


def _parse(spec: SettingSpec, text: str) -> Any:
    try:
        return parse_value(spec, text)
    except InvalidSettingValue as exc:
        raise BadInput(f"{spec.qualified}: {exc}", example=example_for(spec)) from None




def format_value(spec: SettingSpec | None, value: Any) -> str:
    """A value as shown in Discord: channels and roles as mentions (never pinging), durations readable."""
    if value is None:
        return "*not set*"
    kind = spec.type if spec else None
    if kind is SettingType.CHANNEL:
        return f"<#{value}>"
    if kind is SettingType.ROLE:
        return f"<@&{value}>"
    if kind is SettingType.CHANNELS and isinstance(value, list):
        return " ".join(f"<#{channel_id}>" for channel_id in value) or "*none*"
    if kind is SettingType.BOOL:
        return "yes" if value else "no"
    if kind is SettingType.DURATION and isinstance(value, int):
        return format_duration(value)
    if kind is SettingType.JSON or not isinstance(value, str | int | float):
        return f"`{json.dumps(value)[:200]}`"
    return f"`{value}`"


def format_effective(spec: SettingSpec, value: Any) -> str:
    """A stored value, or the default marked as such when nothing is stored."""
    return format_value(spec, value) if value is not None else f"{format_value(spec, spec.default)} (default)"
