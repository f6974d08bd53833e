"""Every setting takes every form a Discord client sends for its type, driven from the settings registry: a new
setting is covered without writing a test.

Channels and roles come as a mention (`<#id>`, `<@&id>`), a bare id, a name (with or without `#`/`@`), and for
multi-channel settings several of them at once; another guild's channel or role is refused with a clear answer.
The other types take their usual spellings. No form may end in an internal error.
"""

from __future__ import annotations

import json
from typing import Any

from core.settings_registry import SettingSpec, SettingType
from tests.hearth_harness import Hearth
from tests.standin.models import Channel
from utils.errors import UserFacingError

INTERNAL = "Something went wrong on my side"


def _scalar_forms(spec: SettingSpec) -> list[tuple[str, Any]]:
    """(typed text, the value it must store) for a setting that is not a channel or a role."""
    if spec.choices:
        return [(choice, choice) for choice in spec.choices]
    default = spec.default
    kind = spec.type
    if kind is SettingType.BOOL:
        return [("yes", True), ("off", False), ("TRUE", True), ("disabled", False)]
    if kind is SettingType.INT:
        number = 1 if default is None else default
        return [(str(number), number), (f" {number} ", number)]
    if kind is SettingType.FLOAT:
        number = 0.5 if default is None else default
        return [(str(number), float(number)), (str(number).replace(".", ","), float(number))]
    if kind is SettingType.DURATION:
        seconds = 600 if default is None else default
        days, rest = divmod(seconds, 86400)
        hours, rest = divmod(rest, 3600)
        minutes, secs = divmod(rest, 60)
        spaced = " ".join(f"{n}{u}" for n, u in ((days, "d"), (hours, "h"), (minutes, "m"), (secs, "s")) if n)
        return [(f"{seconds}s", seconds), (spaced or "0s", seconds)]
    if kind is SettingType.TIME:
        return [("18:30", "18:30"), ("7.05", "07:05"), ("9h45", "09:45")]
    if kind is SettingType.TIMEZONE:
        return [("Europe/Amsterdam", "Europe/Amsterdam"), ("America/New_York", "America/New_York")]
    if kind is SettingType.JSON:
        return [(json.dumps(default), default)]
    if kind is SettingType.TEXT:
        return [(default, default)] if isinstance(default, str) else [("hello there", "hello there")]
    raise AssertionError(f"no input forms for {spec.qualified} ({kind})")


async def _set(hearth: Hearth, spec: SettingSpec, text: str) -> str:
    g = hearth.guild
    result = await hearth.discord.slash("config set", user=g.owner, guild=g.guild, scope=spec.scope, key=spec.key,
                                        value=text)
    assert result.ephemeral, f"{spec.qualified} value:{text!r}: the answer is public"
    return result.text


async def _stored(hearth: Hearth, spec: SettingSpec) -> Any:
    return await hearth.db.fetchval("SELECT value FROM bot_settings WHERE guild_id = $1 AND scope = $2 AND key = $3",
                                    hearth.guild.guild.id, spec.scope, spec.key)


def _channel_forms(channel: Channel) -> list[str]:
    return [f"<#{channel.id}>", str(channel.id), channel.name, f"#{channel.name}"]


async def test_every_setting_takes_every_form_a_client_sends(hearth: Hearth) -> None:
    g = hearth.guild
    hearth.discord.ignore_errors(UserFacingError)  # validators may refuse a sample: refusals are checked below
    text = g.guild.add_text_channel("events", category=g.category)
    news = g.guild.add_text_channel("news", category=g.category)
    helpers = g.guild.add_role("Helpers", [])  # no permissions: safe for every role the bot grants
    await hearth.discord.settle()
    specs = hearth.bot.settings_registry.all()
    assert len(specs) > 50  # every loaded cog's settings
    covered: set[SettingType] = set()
    refused: list[str] = []
    for spec in specs:
        covered.add(spec.type)
        if spec.type is SettingType.CHANNEL:
            target = g.category if spec.channel_kind == "category" else text
            forms = [(form, target.id) for form in _channel_forms(target)]
            if spec.channel_kind == "category":
                forms = forms[:3]  # a category is not written with '#'
        elif spec.type is SettingType.CHANNELS:
            forms = [(form, [text.id]) for form in _channel_forms(text)]
            forms += [(f"<#{text.id}> {news.id}", [text.id, news.id]), (f"#events, <#{news.id}>", [text.id, news.id]),
                      (f"{news.name} {news.id}", [news.id])]
        elif spec.type is SettingType.ROLE:
            forms = [(f"<@&{helpers.id}>", helpers.id), (str(helpers.id), helpers.id), (helpers.name, helpers.id),
                     (f"@{helpers.name}", helpers.id)]
        else:
            forms = _scalar_forms(spec)
        for typed, expected in forms:
            answer = await _set(hearth, spec, typed)
            assert INTERNAL not in answer, f"{spec.qualified} value:{typed!r} → {answer}"
            stored = await _stored(hearth, spec)
            if stored != expected:
                # Only a spec's own validator may refuse a sample value, and then with a reason and nothing stored.
                assert spec.validator is not None and spec.qualified in answer, f"{spec.qualified} {typed!r}: {answer}"
                refused.append(f"{spec.qualified} {typed!r}")
    assert covered >= {SettingType.CHANNEL, SettingType.CHANNELS, SettingType.ROLE, SettingType.BOOL, SettingType.INT,
                       SettingType.TEXT, SettingType.DURATION, SettingType.TIMEZONE, SettingType.JSON}
    assert len(refused) <= len(specs) // 10, refused  # samples are sound: refusals stay the exception


async def test_another_guilds_channel_or_role_is_refused_clearly(hearth: Hearth) -> None:
    hearth.discord.ignore_errors(UserFacingError)
    other = hearth.discord.add_guild("Elsewhere")
    foreign_channel = other.add_text_channel("secret")
    foreign_role = other.add_role("Theirs", [])
    await hearth.discord.settle()
    for spec in hearth.bot.settings_registry.all():
        if spec.type in (SettingType.CHANNEL, SettingType.CHANNELS):
            forms = [f"<#{foreign_channel.id}>", str(foreign_channel.id)]
        elif spec.type is SettingType.ROLE:
            forms = [f"<@&{foreign_role.id}>", str(foreign_role.id)]
        else:
            continue
        for typed in forms:
            answer = await _set(hearth, spec, typed)
            assert INTERNAL not in answer, f"{spec.qualified} value:{typed!r} → {answer}"
            assert "this server" in answer, f"{spec.qualified} value:{typed!r} → {answer}"
            assert await _stored(hearth, spec) is None
