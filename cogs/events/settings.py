"""The events settings (scope `events`): who may create events, and who counts as events staff."""

from __future__ import annotations

from core.guild_kit.staff import GUILD, StaffRule
from core.settings_registry import SYSTEM_STAFF_ROLE, SettingSpec, SettingType

EVENTS_MEMBERS_CAN_CREATE: SettingSpec[bool] = SettingSpec(
    "events", "members_can_create", SettingType.BOOL, False,
    "Whether every member may create events; when off (the default), only events staff (Manage Events, Manage "
    "Server or the events staff role) create them. Organisers edit and cancel their own events either way.")
EVENTS_STAFF_ROLE: SettingSpec[int | None] = SettingSpec(
    "events", "staff_role", SettingType.ROLE, None,
    "Role whose members manage every event (besides Manage Events and Manage Server); replaces "
    "system.staff_role for events when set.")

SETTINGS: tuple[SettingSpec, ...] = (EVENTS_MEMBERS_CAN_CREATE, EVENTS_STAFF_ROLE)

EVENTS_STAFF = StaffRule(permissions=("manage_events", "manage_guild"), roles=(EVENTS_STAFF_ROLE, SYSTEM_STAFF_ROLE),
                         where=GUILD)
