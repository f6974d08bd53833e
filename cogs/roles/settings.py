"""The roles settings (scope `roles`): where problems are reported, how long a leaver's sticky roles are kept."""

from __future__ import annotations

from core.settings_registry import SettingSpec, SettingType, int_range

SCOPE = "roles"

ROLES_LOG_CHANNEL: SettingSpec[int | None] = SettingSpec(
    SCOPE, "log_channel", SettingType.CHANNEL, None,
    "Where role menus, reaction roles, autoroles and sticky roles report a role they could not give or take "
    "(default: the system log channel).")
ROLES_STICKY_DAYS: SettingSpec[int] = SettingSpec(
    SCOPE, "sticky_days", SettingType.INT, 180,
    "Days the sticky roles of a member who left are kept for their return; older ones are deleted daily.",
    validator=int_range(1, 3650))

SETTINGS: tuple[SettingSpec, ...] = (ROLES_LOG_CHANNEL, ROLES_STICKY_DAYS)
