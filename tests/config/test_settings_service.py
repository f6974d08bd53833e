"""The settings registry's parsing and the GuildSettings service on the real database."""

from __future__ import annotations

import asyncpg
import pytest

from core.guild_settings import GuildSettings, UnknownSetting
from core.settings_registry import (
    InvalidSettingValue,
    SettingSpec,
    SettingsRegistry,
    SettingType,
    int_range,
    parse_value,
    system_settings,
)
from utils.clock import ManualClock


def spec(kind: SettingType, **extra) -> SettingSpec:
    return SettingSpec("test", "value", kind, None, "A test setting.", **extra)


@pytest.mark.parametrize(
    ("kind", "typed", "stored"),
    [
        (SettingType.BOOL, "Yes", True), (SettingType.BOOL, "off", False),
        (SettingType.INT, " 42 ", 42), (SettingType.TIME, "9:05", "09:05"), (SettingType.TIME, "18h30", "18:30"),
        (SettingType.TIMEZONE, "Europe/Amsterdam", "Europe/Amsterdam"),
        (SettingType.DURATION, "1d 2h", 93600), (SettingType.DURATION, "90s", 90),
        (SettingType.CHANNEL, "<#123456789012345678>", 123456789012345678),
        (SettingType.ROLE, "<@&123456789012345678>", 123456789012345678),
        (SettingType.JSON, '{"a": [1]}', {"a": [1]}), (SettingType.TEXT, "hi there", "hi there"),
        (SettingType.FLOAT, "0,7", 0.7),
        (SettingType.CHANNELS, "<#123456789012345678>, 223456789012345678 <#123456789012345678>",
         [123456789012345678, 223456789012345678]),
    ],
)
def test_parse_accepts(kind: SettingType, typed: str, stored: object) -> None:
    assert parse_value(spec(kind), typed) == stored


@pytest.mark.parametrize(
    ("kind", "typed", "reason"),
    [
        (SettingType.BOOL, "maybe", "expected yes or no"),
        (SettingType.INT, "five", "is not a whole number"),
        (SettingType.TIME, "25:00", "24-hour HH:MM"),
        (SettingType.TIMEZONE, "Mars/Olympus", "not an IANA time zone"),
        (SettingType.DURATION, "soon", "90s, 10m, 2h"),
        (SettingType.CHANNEL, "general!", "not a channel"),
        (SettingType.JSON, "{oops", "not valid JSON"),
        (SettingType.FLOAT, "warm", "not a number"),
        (SettingType.CHANNELS, "#events", "not a channel"),
        (SettingType.TEXT, "x" * 1001, "the limit is 1000"),
    ],
)
def test_parse_refuses_with_a_reason(kind: SettingType, typed: str, reason: str) -> None:
    with pytest.raises(InvalidSettingValue, match=reason):
        parse_value(spec(kind), typed)


def test_validators_and_choices() -> None:
    ranged = spec(SettingType.INT, validator=int_range(1, 10))
    assert parse_value(ranged, "10") == 10
    with pytest.raises(InvalidSettingValue, match="between 1 and 10"):
        parse_value(ranged, "11")
    with pytest.raises(InvalidSettingValue, match="one of: en"):
        parse_value(SettingSpec("system", "language", SettingType.TEXT, "en", "", choices=("en",)), "fr")


def test_registry_refuses_duplicates_and_bad_names() -> None:
    registry = SettingsRegistry()
    registry.register(*system_settings())
    with pytest.raises(ValueError, match="declared twice"):
        registry.register(SettingSpec("system", "timezone", SettingType.TEXT, "", ""))
    with pytest.raises(ValueError, match="lower_snake_case"):
        registry.register(SettingSpec("System", "x", SettingType.TEXT, "", ""))
    assert registry.scopes() == ["system"]
    assert [s.key for s in registry.in_scope("system")] == [
        "language", "late_job_grace", "log_channel", "staff_role", "timezone"]


@pytest.fixture
async def store(clean_db) -> GuildSettings:
    registry = SettingsRegistry()
    registry.register(*system_settings())
    return GuildSettings(registry, clean_db, ManualClock())


async def test_set_writes_value_and_history_in_one_go(store: GuildSettings, clean_db) -> None:
    assert await store.get(1, "system", "timezone") == "UTC"  # the default
    change = await store.set(1, "system", "timezone", "Europe/Paris", changed_by=7)
    assert (change.old, change.new) == (None, "Europe/Paris")
    assert await store.get(1, "system", "timezone") == "Europe/Paris"
    second = await store.set(1, "system", "timezone", "Asia/Tokyo", changed_by=8)
    assert second.old == "Europe/Paris"
    rows = await clean_db.fetch("SELECT guild_id, value, updated_by, value_type FROM bot_settings")
    assert [tuple(r) for r in rows] == [(1, "Asia/Tokyo", 8, "timezone")]
    history = await clean_db.fetch("SELECT old_value, new_value, changed_by, change_type FROM settings_history "
                                   "ORDER BY id")
    assert [tuple(r) for r in history] == [(None, "Europe/Paris", 7, "created"),
                                           ("Europe/Paris", "Asia/Tokyo", 8, "updated")]


async def test_guilds_do_not_see_each_other(store: GuildSettings) -> None:
    await store.set(1, "system", "timezone", "Europe/Paris", changed_by=7)
    assert await store.get(2, "system", "timezone") == "UTC"
    entries, total = await store.history(2)
    assert (entries, total) == ([], 0)
    first = (await store.history(1))[0][0]
    assert await store.entry(2, first.id) is None


async def test_reset_and_rollback(store: GuildSettings, clean_db) -> None:
    first = await store.set(1, "system", "timezone", "Europe/Paris", changed_by=7)
    await store.set(1, "system", "timezone", "Asia/Tokyo", changed_by=7)
    reset = await store.reset(1, "system", "timezone", changed_by=7)
    assert reset is not None and reset.old == "Asia/Tokyo"
    assert await store.get(1, "system", "timezone") == "UTC"
    assert await store.reset(1, "system", "timezone", changed_by=7) is None  # nothing left to reset
    entry = await store.entry(1, first.history_id)
    back = await store.rollback(1, entry, changed_by=9)
    assert (back.old, back.new) == (None, "Europe/Paris")
    assert await store.get(1, "system", "timezone") == "Europe/Paris"
    kinds = [r["change_type"] for r in await clean_db.fetch("SELECT change_type FROM settings_history ORDER BY id")]
    assert kinds == ["created", "updated", "deleted", "rollback"]


async def test_cache_answers_without_the_database_until_a_change(store: GuildSettings, clean_db) -> None:
    await store.set(1, "system", "timezone", "Europe/Paris", changed_by=7)
    await store.get(1, "system", "timezone")
    # Written behind the cache's back: not seen until the cache is invalidated.
    await clean_db.execute("UPDATE bot_settings SET value = '\"Asia/Tokyo\"' WHERE guild_id = 1")
    assert await store.get(1, "system", "timezone") == "Europe/Paris"
    store.invalidate(1)
    assert await store.get(1, "system", "timezone") == "Asia/Tokyo"


async def test_apply_is_all_or_nothing(store: GuildSettings, clean_db) -> None:
    timezone = store.spec("system", "timezone")
    # The second value cannot be encoded as JSON: the first, already written, must be rolled back with it.
    with pytest.raises(asyncpg.DataError):
        await store.apply(1, [(timezone, "Europe/Paris"), (timezone, object())], changed_by=7)
    assert await clean_db.fetchval("SELECT count(*) FROM bot_settings") == 0
    assert await clean_db.fetchval("SELECT count(*) FROM settings_history") == 0


async def test_unknown_setting(store: GuildSettings) -> None:
    with pytest.raises(UnknownSetting):
        await store.get(1, "system", "nope")


async def test_a_read_overtaken_by_a_change_is_not_cached(store: GuildSettings, clean_db) -> None:
    import asyncio

    started, release = asyncio.Event(), asyncio.Event()
    real_fetch = store.pool.fetch

    async def slow_fetch(*args):
        rows = await real_fetch(*args)  # the rows as they were before the change below
        started.set()
        await release.wait()
        return rows

    store.pool.fetch = slow_fetch  # type: ignore[method-assign]
    try:
        reader = asyncio.create_task(store.get(1, "system", "timezone"))
        await started.wait()
        store.pool.fetch = real_fetch  # type: ignore[method-assign]
        await store.set(1, "system", "timezone", "Asia/Tokyo", changed_by=1)
        release.set()
        assert await reader == "UTC"  # the slow read answers with what it saw …
        assert await store.get(1, "system", "timezone") == "Asia/Tokyo"  # … but did not cache it
    finally:
        store.pool.fetch = real_fetch  # type: ignore[method-assign]
