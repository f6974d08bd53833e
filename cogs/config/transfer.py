"""Export a guild's settings to JSON and plan an import into another guild (remapping channels and roles).

An import is all or nothing: every entry passes the same checks as `/config set` (`core.setting_values`), with the
importing admin as the one who sets it; a single problem refuses the whole file, and the answer lists them all."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import discord

from cogs.config.values import channel_candidates
from core.setting_values import refusal_text, validate_setting
from core.settings_registry import InvalidSettingValue, SettingSpec, SettingsRegistry, SettingType
from utils.errors import BadInput

EXPORT_FORMAT = "hearth-settings"
EXPORT_VERSION = 1
MAX_IMPORT_BYTES = 256 * 1024


def build_export(guild: discord.Guild, registry: SettingsRegistry, stored: dict[tuple[str, str], Any],
                 exported_at: datetime) -> dict[str, Any]:
    """Every stored setting of the guild, with channel and role names beside their ids."""
    settings = []
    for (scope, key), value in sorted(stored.items()):
        spec = registry.get(scope, key)
        item: dict[str, Any] = {"scope": scope, "key": key, "type": spec.type.value if spec else None,
                                "value": value}
        if spec and spec.type is SettingType.CHANNEL:
            channel = guild.get_channel(value)
            item["channel_name"] = channel.name if channel else None
        if spec and spec.type is SettingType.CHANNELS:
            item["channel_names"] = [getattr(guild.get_channel(c), "name", None) for c in value]
        if spec and spec.type is SettingType.ROLE:
            role = guild.get_role(value)
            item["role_name"] = role.name if role else None
        settings.append(item)
    return {
        "format": EXPORT_FORMAT,
        "version": EXPORT_VERSION,
        "guild": {"id": guild.id, "name": guild.name},
        "exported_at": exported_at.isoformat(),
        "settings": settings,
    }


@dataclass
class PlannedChange:
    """One setting the import would change."""

    spec: SettingSpec
    old: Any
    new: Any
    note: str = ""


@dataclass
class ImportPlan:
    """What an import would do: changes and settings already equal, or the problems that refuse the whole file."""

    changes: list[PlannedChange] = field(default_factory=list)
    unchanged: int = 0
    problems: list[str] = field(default_factory=list)


def parse_export(data: bytes) -> list[dict[str, Any]]:
    """The settings list of an export file, or `BadInput` explaining what is wrong with the file."""
    if len(data) > MAX_IMPORT_BYTES:
        raise BadInput(f"The file is {len(data) // 1024} KB; a settings export is at most 256 KB.")
    try:
        document = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise BadInput("That file is not JSON. Attach a file made by `/config export`.") from None
    if not isinstance(document, dict) or document.get("format") != EXPORT_FORMAT:
        raise BadInput("That JSON file is not a Hearth settings export. Attach a file made by `/config export`.")
    if document.get("version") != EXPORT_VERSION:
        raise BadInput(f"This export has version {document.get('version')!r}; this bot reads version 1.")
    settings = document.get("settings")
    if not isinstance(settings, list) or not all(isinstance(item, dict) for item in settings):
        raise BadInput("The export's `settings` list is damaged. Export the settings again.")
    return settings


def plan_import(items: list[dict[str, Any]], guild: discord.Guild, registry: SettingsRegistry,
                current: dict[tuple[str, str], Any], admin: discord.Member) -> ImportPlan:
    """Match every exported setting to this guild (channels and roles remapped by name when ids differ) and check
    it exactly as `/config set` would for `admin` (`validate_setting`). Any problem refuses the whole file."""
    plan = ImportPlan()
    seen: set[tuple[str, str]] = set()
    for item in items:
        scope, key = str(item.get("scope")), str(item.get("key"))
        spec = registry.get(scope, key)
        if spec is None:
            plan.problems.append(f"`{scope}.{key}`: this bot has no such setting.")
            continue
        if (scope, key) in seen:
            plan.problems.append(f"`{spec.qualified}`: the file sets it twice.")
            continue
        seen.add((scope, key))
        try:
            value, note = _local_value(spec, item, guild)
            value = validate_setting(spec, guild, value, admin)
        except InvalidSettingValue as exc:
            plan.problems.append(str(exc))
            continue
        old = current.get((scope, key))
        if old == value:
            plan.unchanged += 1
        else:
            plan.changes.append(PlannedChange(spec, old, value, note))
    return plan


def import_refusal(plan: ImportPlan) -> str:
    """The answer when a file is refused: nothing was imported, and why (every problem)."""
    return refusal_text(plan.problems, intro=f"The import was refused: nothing was changed. {len(plan.problems)} "
                                             "problem(s) to fix in the file (or on the server) first:")


def _local_value(spec: SettingSpec, item: dict[str, Any], guild: discord.Guild) -> tuple[Any, str]:
    """The exported value with this guild's channel and role ids (by name when the exported id is not here)."""
    value = item.get("value")
    if value is None:
        raise InvalidSettingValue(f"`{spec.qualified}`: the export has no value.")
    if spec.type is SettingType.CHANNEL:
        return _remap(spec, value, item.get("channel_name"), guild.get_channel, channel_candidates(spec, guild)[0], "#")
    if spec.type is SettingType.CHANNELS:
        if not isinstance(value, list):
            raise InvalidSettingValue(f"`{spec.qualified}`: expected a list of channels, the export has {value!r}.")
        names = item.get("channel_names")
        if not isinstance(names, list) or len(names) != len(value):
            names = [None] * len(value)
        pairs = [_remap(spec, v, n, guild.get_channel, channel_candidates(spec, guild)[0], "#")
                 for v, n in zip(value, names, strict=True)]
        return [channel_id for channel_id, _ in pairs], "; ".join(note for _, note in pairs if note)
    if spec.type is SettingType.ROLE:
        return _remap(spec, value, item.get("role_name"), guild.get_role, guild.roles, "@")
    return value, ""


def _remap(spec: SettingSpec, value: Any, name: Any, lookup: Any, candidates: Any, sigil: str) -> tuple[Any, str]:
    if isinstance(value, int) and not isinstance(value, bool) and lookup(value) is not None:
        return value, ""
    match = next((c for c in candidates if isinstance(name, str) and c.name.lower() == name.lower()), None)
    if match is None:
        kind = "role" if sigil == "@" else "channel"
        raise InvalidSettingValue(f"`{spec.qualified}`: {kind} {sigil}{name or value} does not exist on this server.")
    return match.id, f"remapped by name to {sigil}{match.name}"
