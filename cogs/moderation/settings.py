"""The moderation settings (scope `moderation`).

The channel tools only need the log channel; the case log's settings join them in this module."""

from __future__ import annotations

from core.settings_registry import SettingSpec, SettingType

MODERATION_LOG_CHANNEL: SettingSpec[int | None] = SettingSpec(
    "moderation", "log_channel", SettingType.CHANNEL, None,
    "Where moderation actions are logged (purges, locks, slowmode, cases); unset: the system log channel.")

SETTINGS: tuple[SettingSpec, ...] = (
    MODERATION_LOG_CHANNEL,
)
