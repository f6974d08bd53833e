"""The reminders settings (scope `reminders`): the module switch, who manages reminders, the early reminder before
an event, the embed watcher's channels, the default channel of server reminders, and the personal reminders'
quota."""

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

REMINDERS_DEFAULT_CHANNEL: SettingSpec[int | None] = SettingSpec(
    "reminders", "default_channel", SettingType.CHANNEL, None,
    "Where `/reminder add` posts when no channel is given.", channel_kind="text")
REMINDERS_PERSONAL_FREE_LIMIT: SettingSpec[int] = SettingSpec(
    "reminders", "personal_free_limit", SettingType.INT, 10,
    "How many personal reminders (`/remindme`) a member may have waiting at once.",
    validator=int_range(0, 1000))
REMINDERS_PERSONAL_PREMIUM_LIMIT: SettingSpec[int] = SettingSpec(
    "reminders", "personal_premium_limit", SettingType.INT, 50,
    "How many personal reminders a member with premium on this server may have waiting at once.",
    validator=int_range(0, 1000))

SETTINGS: tuple[SettingSpec, ...] = (
    REMINDERS_MANAGER_ROLE, REMINDERS_PRE_EVENT_MINUTES, REMINDERS_WATCH_CHANNELS,
    REMINDERS_WATCH_PROMPT_CHANNEL,
    REMINDERS_DEFAULT_CHANNEL, REMINDERS_PERSONAL_FREE_LIMIT, REMINDERS_PERSONAL_PREMIUM_LIMIT,
)
