"""The data agreement's settings (scope `gdpr`), as spec constants: the cog declares them, it and its public API
read them."""

from __future__ import annotations

from core.settings_registry import SettingSpec, SettingType

DEFAULT_AGREEMENT = (
    "This server uses Hearth. To run its features it stores what you do with them: your commands, reminders "
    "you create, tickets, onboarding answers, automod records and similar. Nothing is sold or shared. You can "
    "download everything with /export_my_data and delete it with /delete_my_data at any time. "
    "Press **I Agree** to accept."
)

REQUIRED = SettingSpec("gdpr", "required", SettingType.BOOL, False,
                       "Members must accept the data agreement before onboarding and other features.")
ROLE = SettingSpec("gdpr", "role", SettingType.ROLE, None, "Role granted when a member accepts the agreement.",
                   grants_role=True)
AGREEMENT_TEXT = SettingSpec("gdpr", "agreement_text", SettingType.TEXT, DEFAULT_AGREEMENT,
                             "The text of the data agreement posted by /config gdpr post.")

SETTINGS = (REQUIRED, ROLE, AGREEMENT_TEXT)
