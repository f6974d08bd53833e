"""The reminders settings (scope `reminders`): who manages reminders, the early reminder before an event, and
the embed watcher's channels."""

from __future__ import annotations

from core.settings_registry import SettingSpec, SettingType, int_range

REMINDERS_MANAGER_ROLE: SettingSpec[int | None] = SettingSpec(
    "reminders", "manager_role", SettingType.ROLE, None,
    "Role allowed to manage reminders (besides members with Manage Events).")
REMINDERS_PRE_EVENT_MINUTES: SettingSpec[int] = SettingSpec(
    "reminders", "pre_event_minutes", SettingType.INT, 60,
    "Minutes before a one-off event that the early reminder is posted (0 = none).",
    validator=int_range(0, 1440))
REMINDERS_WATCH_CHANNELS: SettingSpec[list[int]] = SettingSpec(
    "reminders", "watch_channels", SettingType.CHANNELS, [],
    "Channels where event announcements (also other bots' embeds) become reminder proposals.")
REMINDERS_WATCH_PROMPT_CHANNEL: SettingSpec[int | None] = SettingSpec(
    "reminders", "watch_prompt_channel", SettingType.CHANNEL, None,
    "Where staff get the proposals of the embed watcher (default: the log channel).")

SETTINGS: tuple[SettingSpec, ...] = (
    REMINDERS_MANAGER_ROLE, REMINDERS_PRE_EVENT_MINUTES, REMINDERS_WATCH_CHANNELS, REMINDERS_WATCH_PROMPT_CHANNEL,
)
