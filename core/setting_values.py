"""The one gate every setting value passes before it is stored, whoever stores it.

`/config set` (after parsing what the admin typed), `/config import` (every entry of the file), `/config rollback`
and the dashboard's Rollback button (both through `rollback_checked`), the dashboard's settings page and the setup
commands of the features (`/config verification setup`, `/ticket setup` …) all call
`validate_setting` with the member who makes the change, so a value refused by one is refused by all:

- the value has the setting's type (a JSON export cannot smuggle a string into a number setting);
- text, time and time-zone values are parsed as `/config set` parses them; choices and the spec's validator hold
  (JSON settings included);
- a channel exists on this server and is of the setting's kind (text channel or category);
- a role exists on this server, is never @everyone or a managed role, and a role the bot gives
  (`SettingSpec.grants_role`) passes the role-safety check with the member making the change as its setter.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import discord

from core.role_safety import basic_refusal, role_refusal
from core.settings_registry import InvalidSettingValue, SettingSpec, SettingType, check_value, parse_value
from utils.errors import BadInput

if TYPE_CHECKING:
    from core.guild_settings import Change, GuildSettings, HistoryEntry
    from core.hearth_bot import HearthBot

_NUMBER_TYPES: dict[SettingType, tuple[type, ...]] = {
    SettingType.INT: (int,), SettingType.DURATION: (int,), SettingType.FLOAT: (int, float)}
_PARSED_TYPES = (SettingType.TEXT, SettingType.TIME, SettingType.TIMEZONE)


class RoleSettingRefused(InvalidSettingValue):
    """A role refused by the role-safety check (the message names the rule that failed)."""


def _problem(spec: SettingSpec, text: str) -> InvalidSettingValue:
    return InvalidSettingValue(f"`{spec.qualified}`: {text}")


def _reworded(spec: SettingSpec, exc: InvalidSettingValue) -> InvalidSettingValue:
    """A parser's or validator's message, naming the setting once."""
    text = str(exc)
    for prefix in (f"{spec.qualified}: ", f"{spec.qualified} "):
        if text.startswith(prefix):
            text = text[len(prefix):]
            break
    return _problem(spec, text)


def _snowflake(spec: SettingSpec, value: Any, kind: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _problem(spec, f"expected a {kind} id, got {value!r}.")
    return value


def _channel(spec: SettingSpec, guild: discord.Guild, value: Any) -> int:
    channel = guild.get_channel(_snowflake(spec, value, "channel"))
    if channel is None:
        raise _problem(spec, f"there is no channel with id {value} on this server.")
    if spec.channel_kind == "category":
        if not isinstance(channel, discord.CategoryChannel):
            raise _problem(spec, f"#{channel.name} is not a category; this setting needs one.")
    elif not isinstance(channel, discord.TextChannel):
        raise _problem(spec, f"#{channel.name} is not a text channel; this setting needs one.")
    return channel.id


def _role(spec: SettingSpec, guild: discord.Guild, value: Any, setter: discord.Member) -> int:
    role = guild.get_role(_snowflake(spec, value, "role"))
    if role is None:
        raise _problem(spec, f"there is no role with id {value} on this server.")
    refusal = (role_refusal(role, setter, guild.me, actor=True) if spec.grants_role else basic_refusal(role))
    if refusal is not None:
        raise RoleSettingRefused(f"`{spec.qualified}`: {refusal.reason}")
    return role.id


def validate_setting(spec: SettingSpec, guild: discord.Guild, value: Any, setter: discord.Member) -> Any:
    """The value to store for `spec` on `guild` when `setter` sets it, or `InvalidSettingValue` saying why not.

    `value` is already typed (as stored in `bot_settings` and in exports); None is never validated (a reset)."""
    if value is None:
        return None
    kind = spec.type
    try:
        if kind is SettingType.CHANNEL:
            value = _channel(spec, guild, value)
        elif kind is SettingType.CHANNELS:
            if not isinstance(value, list) or not value:
                raise _problem(spec, f"expected a list of one or more channels, got {value!r}.")
            value = list(dict.fromkeys(_channel(spec, guild, item) for item in value))
        elif kind is SettingType.ROLE:
            value = _role(spec, guild, value, setter)
        elif kind is SettingType.BOOL:
            if not isinstance(value, bool):
                raise _problem(spec, f"expected yes or no (true/false), got {value!r}.")
        elif kind in _NUMBER_TYPES:
            if isinstance(value, bool) or not isinstance(value, _NUMBER_TYPES[kind]):
                raise _problem(spec, f"expected a {kind.value}, got {value!r}.")
        elif kind in _PARSED_TYPES:
            if not isinstance(value, str):
                raise _problem(spec, f"expected text, got {value!r}.")
            return parse_value(spec, value)  # the same parser as /config set: zone names, HH:MM, choices, limits
        if spec.choices and value not in spec.choices:
            raise _problem(spec, f"must be one of: {', '.join(spec.choices)}.")
        check_value(spec, value)
    except InvalidSettingValue as exc:
        if str(exc).startswith(f"`{spec.qualified}`"):
            raise
        raise _reworded(spec, exc) from None
    return value


def validation_problems(guild: discord.Guild, setter: discord.Member,
                        items: Iterable[tuple[SettingSpec, Any]]) -> tuple[list[tuple[SettingSpec, Any]], list[str]]:
    """Every item through `validate_setting`: the checked values, and every problem (empty = all fine)."""
    checked: list[tuple[SettingSpec, Any]] = []
    problems: list[str] = []
    for spec, value in items:
        try:
            checked.append((spec, validate_setting(spec, guild, value, setter)))
        except InvalidSettingValue as exc:
            problems.append(str(exc))
    return checked, problems


def refusal_text(problems: list[str], *, intro: str | None = None, limit: int = 1800) -> str:
    """The answer when a change is refused as a whole: nothing was changed, and every problem (as fits)."""
    text = intro or ("Nothing was changed: " + ("this value was refused." if len(problems) == 1 else
                                                f"{len(problems)} values were refused."))
    for problem in problems:
        line = f"\n- {problem}"
        if len(text) + len(line) > limit:
            return text + "\n- …"
        text += line
    return text


async def set_checked(bot: HearthBot, guild: discord.Guild, setter: discord.Member, scope: str,
                      values: dict[str, Any], *, change_type: str | None = None) -> list[Change]:
    """Setup commands: validate every given value (None = leave unchanged) through the one gate, then store them
    in one transaction; any problem refuses the whole change (`BadInput` listing them) and stores nothing."""
    store = bot.guild_settings
    items = [(store.spec(scope, key), value) for key, value in values.items() if value is not None]
    checked, problems = validation_problems(guild, setter, items)
    if problems:
        raise BadInput(refusal_text(problems))
    if not checked:
        return []
    return await store.apply(guild.id, checked, changed_by=setter.id, change_type=change_type)


async def already_stored(store: GuildSettings, guild_id: int, spec: SettingSpec, value: Any, setter_id: int) -> bool:
    """Whether storing `value` would change nothing: the same value is stored already (None: nothing is stored).
    For a role the bot gives, a different admin setting it again is a change: it makes them its setter, whom role
    safety checks at every grant."""
    if (await store.stored(guild_id)).get((spec.scope, spec.key)) != value:
        return False
    return not spec.grants_role or await store.setter(guild_id, spec.scope, spec.key) == setter_id


@dataclass(frozen=True)
class Rollback:
    """What `rollback_checked` did: the entry, its setting, and the change (None: it had that value already)."""

    entry: HistoryEntry
    spec: SettingSpec
    change: Change | None


async def rollback_checked(bot: HearthBot, guild: discord.Guild, setter: discord.Member, entry_id: int) -> Rollback:
    """`/config rollback` and the dashboard's Rollback button: give a setting back the value history entry
    `entry_id` of THIS guild set, through the same gate as `/config set` with `setter` as the one setting it,
    recorded as a 'rollback' by them. `BadInput` (nothing changed) for another guild's or an unknown entry, a
    setting that no longer exists, or a value the gate refuses now."""
    store = bot.guild_settings
    found = await store.entry(guild.id, entry_id)
    if found is None:
        raise BadInput(f"There is no history entry #{entry_id} on this server.", example="/config history")
    spec = store.registry.get(found.scope, found.key)
    if spec is None:
        raise BadInput(f"Entry #{entry_id} is for {found.scope}.{found.key}, which is no longer a setting.")
    try:  # a rollback sets a value like /config set does: the same checks, with this admin as the setter
        validate_setting(spec, guild, found.new_value, setter)
    except InvalidSettingValue as exc:
        raise BadInput(f"Entry #{entry_id} can't be restored now: {exc}") from None
    if await already_stored(store, guild.id, spec, found.new_value, setter.id):
        return Rollback(found, spec, None)
    return Rollback(found, spec, await store.rollback(guild.id, found, changed_by=setter.id))
