"""The GDPR settings (scope `gdpr`): whether members must accept the data agreement, the role it grants, and
its text."""

from __future__ import annotations

from core.settings_registry import SettingSpec, SettingType

DEFAULT_AGREEMENT = (
    "This server uses Hearth. To run its features it stores what you do with them: your commands, reminders "
    "you create, tickets, onboarding answers, automod records and similar. Nothing is sold or shared. You can "
    "download everything with /export_my_data and delete it with /delete_my_data at any time. "
    "Press **I Agree** to accept."
)

GDPR_REQUIRED: SettingSpec[bool] = SettingSpec(
    "gdpr", "required", SettingType.BOOL, False,
    "Members must accept the data agreement before onboarding and other features.")
GDPR_ROLE: SettingSpec[int | None] = SettingSpec(
    "gdpr", "role", SettingType.ROLE, None, "Role granted when a member accepts the agreement.",
    grants_role=True)
GDPR_AGREEMENT_TEXT: SettingSpec[str] = SettingSpec(
    "gdpr", "agreement_text", SettingType.TEXT, DEFAULT_AGREEMENT,
    "The text of the data agreement posted by /config gdpr post.")

SETTINGS: tuple[SettingSpec, ...] = (
    GDPR_REQUIRED, GDPR_ROLE, GDPR_AGREEMENT_TEXT,
)
