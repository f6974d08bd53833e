"""The onboarding settings (scope `onboarding`): the mode, where welcomes and summaries go, the roles given on
join and completion, personalisation and its languages, and the welcome text."""

from __future__ import annotations

from typing import Any

from cogs.onboarding.flow import LANGUAGE_NAMES, MODES, parse_languages
from core.settings_registry import SettingSpec, SettingType


def _check_languages(value: Any) -> str | None:
    codes = parse_languages(str(value))
    if not 1 <= len(codes) <= 24:
        return "Give 1 to 24 language codes separated by commas, e.g. `en, nl, fr`."
    bad = [code for code in codes if not (code in LANGUAGE_NAMES or (code.isalpha() and 2 <= len(code) <= 3))]
    if bad:
        return f"Not a language code: {', '.join(bad)}. Use codes such as `en, nl, fr`."
    return None


ONBOARDING_MODE: SettingSpec[str] = SettingSpec(
    "onboarding", "mode", SettingType.TEXT, "disabled",
    "What new members go through: disabled, rules, questions (with personalisation) or "
    "rules_questions.", choices=MODES)
ONBOARDING_WELCOME_CHANNEL: SettingSpec[int | None] = SettingSpec(
    "onboarding", "welcome_channel", SettingType.CHANNEL, None,
    "Where members whose DMs are closed are asked to press Start (also where to post the "
    "panel with `/config onboarding panel`).")
ONBOARDING_STAFF_CHANNEL: SettingSpec[int | None] = SettingSpec(
    "onboarding", "staff_channel", SettingType.CHANNEL, None,
    "Where the summary of each completed onboarding goes (default: the log channel).")
ONBOARDING_JOIN_ROLE: SettingSpec[int | None] = SettingSpec(
    "onboarding", "join_role", SettingType.ROLE, None,
    "Role given on join and removed when the onboarding is completed.", grants_role=True)
ONBOARDING_COMPLETION_ROLE: SettingSpec[int | None] = SettingSpec(
    "onboarding", "completion_role", SettingType.ROLE, None,
    "Role given when the onboarding is completed.", grants_role=True)
ONBOARDING_PERSONALISATION: SettingSpec[bool] = SettingSpec(
    "onboarding", "personalisation", SettingType.BOOL, True,
    "Ask the personalisation steps (personalised content, preferred language) after the questions.")
ONBOARDING_LANGUAGES: SettingSpec[str] = SettingSpec(
    "onboarding", "languages", SettingType.TEXT, "en, nl, fr, de, es",
    "Languages offered in the preferred-language step (codes, comma-separated; 'Other…' is "
    "always offered).", validator=_check_languages)
ONBOARDING_WELCOME_TEXT: SettingSpec[str | None] = SettingSpec(
    "onboarding", "welcome_text", SettingType.TEXT, None,
    "Text of the welcome message with the Start button (default: a short standard text).")

SETTINGS: tuple[SettingSpec, ...] = (
    ONBOARDING_MODE, ONBOARDING_WELCOME_CHANNEL, ONBOARDING_STAFF_CHANNEL, ONBOARDING_JOIN_ROLE,
    ONBOARDING_COMPLETION_ROLE, ONBOARDING_PERSONALISATION, ONBOARDING_LANGUAGES, ONBOARDING_WELCOME_TEXT,
)
