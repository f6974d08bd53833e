"""The automod settings (scope `automod`): where it reports, the mute role and timeout length, how violation
points fade and the escalation steps."""

from __future__ import annotations

from typing import Any

from cogs.automod.escalation import DEFAULT_ESCALATION, check_escalation
from core.settings_registry import SettingSpec, SettingType, int_range

AUTOMOD_LOG_CHANNEL: SettingSpec[int | None] = SettingSpec(
    "automod", "log_channel", SettingType.CHANNEL, None,
    "Where automod reports actions and appeals (default: the system log channel).")
AUTOMOD_MUTE_ROLE: SettingSpec[int | None] = SettingSpec(
    "automod", "mute_role", SettingType.ROLE, None,
    "Role given by the mute action (unless the action names its own role).", grants_role=True)
AUTOMOD_TIMEOUT_DURATION: SettingSpec[int] = SettingSpec(
    "automod", "timeout_duration", SettingType.DURATION, 600,
    "How long the timeout action lasts when the action or escalation step sets no duration.",
    validator=int_range(1, 28 * 86400))
AUTOMOD_DECAY_MODE: SettingSpec[str] = SettingSpec(
    "automod", "decay_mode", SettingType.TEXT, "half_life",
    "How violation points fade: half_life (halve every decay_period) or window (count fully "
    "for decay_period, then not at all).", choices=("half_life", "window"))
AUTOMOD_DECAY_PERIOD: SettingSpec[int] = SettingSpec(
    "automod", "decay_period", SettingType.DURATION, 86400,
    "The half-life or window of violation points.", validator=int_range(60, 90 * 86400))
AUTOMOD_ESCALATION: SettingSpec[list[dict[str, Any]]] = SettingSpec(
    "automod", "escalation", SettingType.JSON, DEFAULT_ESCALATION,
    'Escalation steps: [{"points": 3, "action": "timeout", "duration": 600}, {"points": 6, '
    '"action": "ban"}, {"violations": 3, "minutes": 10, "action": "timeout"}]; [] = off.',
    validator=check_escalation)

SETTINGS: tuple[SettingSpec, ...] = (
    AUTOMOD_LOG_CHANNEL, AUTOMOD_MUTE_ROLE, AUTOMOD_TIMEOUT_DURATION, AUTOMOD_DECAY_MODE, AUTOMOD_DECAY_PERIOD,
    AUTOMOD_ESCALATION,
)
