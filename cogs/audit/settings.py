"""The audit settings (scope `audit`): how long command records are kept."""

from __future__ import annotations

from core.settings_registry import SettingSpec, SettingType, int_range

AUDIT_RETENTION_DAYS: SettingSpec[int] = SettingSpec(
    "audit", "retention_days", SettingType.INT, 90,
    "Days command records are kept for /command_stats; older ones are deleted daily.",
    validator=int_range(1, 3650))

SETTINGS: tuple[SettingSpec, ...] = (
    AUDIT_RETENTION_DAYS,
)
