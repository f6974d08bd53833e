"""The tags settings (scope `tags`): whether members (not only staff) may create tags, and how many each may own."""

from __future__ import annotations

from core.settings_registry import SettingSpec, SettingType, int_range

TAGS_MEMBERS_CAN_CREATE: SettingSpec[bool] = SettingSpec(
    "tags", "members_can_create", SettingType.BOOL, True,
    "Whether every member may create tags (and claim tags whose owner left); when off, only staff (Manage "
    "Server, Manage Messages or the staff role) create them. Owners keep their tags either way.")
TAGS_MAX_PER_MEMBER: SettingSpec[int] = SettingSpec(
    "tags", "max_per_member", SettingType.INT, 25,
    "How many tags one member may own (created, claimed or received); staff have no limit.",
    validator=int_range(1, 1000))

SETTINGS: tuple[SettingSpec, ...] = (TAGS_MEMBERS_CAN_CREATE, TAGS_MAX_PER_MEMBER)
