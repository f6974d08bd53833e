"""The moderation settings (scope `moderation`): where cases are logged and whether members are told."""

from __future__ import annotations

from core.settings_registry import SettingSpec, SettingType

MODERATION_LOG_CHANNEL: SettingSpec[int | None] = SettingSpec(
    "moderation", "log_channel", SettingType.CHANNEL, None,
    "Where every moderation case is posted, one message per case, edited when the case changes (default: the "
    "system log channel).")
MODERATION_DM_ON_ACTION: SettingSpec[bool] = SettingSpec(
    "moderation", "dm_on_action", SettingType.BOOL, True,
    "DM members the action and its reason before they are warned, timed out, kicked or banned.")

SETTINGS: tuple[SettingSpec, ...] = (MODERATION_LOG_CHANNEL, MODERATION_DM_ON_ACTION)
