"""The verification settings (scope `verification`): the verified and reviewer roles, where channels and logs
go, how old a payment may be, and the clocks of starting, uploading and closing."""

from __future__ import annotations

from typing import Any

from core.settings_registry import SettingSpec, SettingType, int_range


def _duration(low: int, high: int, text: str) -> Any:
    def check(value: Any) -> str | None:
        return None if low <= value <= high else f"must be between {text}."

    return check


VERIFICATION_VERIFIED_ROLE: SettingSpec[int | None] = SettingSpec(
    "verification", "verified_role", SettingType.ROLE, None,
    "Role granted to members whose payment is verified.", grants_role=True)
VERIFICATION_REVIEWER_ROLE: SettingSpec[int | None] = SettingSpec(
    "verification", "reviewer_role", SettingType.ROLE, None,
    "Role that reviews verifications the AI could not decide (default: system.staff_role).")
VERIFICATION_CATEGORY: SettingSpec[int | None] = SettingSpec(
    "verification", "category", SettingType.CHANNEL, None,
    "Category for the private verification channels (set it with /config verification setup).",
    channel_kind="category")
VERIFICATION_OVERFLOW_CATEGORY: SettingSpec[int | None] = SettingSpec(
    "verification", "overflow_category", SettingType.CHANNEL, None,
    "Category used when the verification category holds 50 channels (created automatically if unset).",
    channel_kind="category")
VERIFICATION_LOG_CHANNEL: SettingSpec[int | None] = SettingSpec(
    "verification", "log_channel", SettingType.CHANNEL, None,
    "Where review requests and results go (default: system.log_channel).")
VERIFICATION_MAX_PAYMENT_AGE_DAYS: SettingSpec[int] = SettingSpec(
    "verification", "max_payment_age_days", SettingType.INT, 35,
    "How many days old a payment may be to be verified automatically.", validator=int_range(1, 366))
VERIFICATION_COOLDOWN: SettingSpec[int] = SettingSpec(
    "verification", "cooldown", SettingType.DURATION, 600,
    "How long a member waits between two verifications they start (0 = no limit).",
    validator=_duration(0, 7 * 86400, "0s and 7d"))
VERIFICATION_UPLOAD_TIMEOUT: SettingSpec[int] = SettingSpec(
    "verification", "upload_timeout", SettingType.DURATION, 86400,
    "A verification without a screenshot closes after this long.",
    validator=_duration(600, 7 * 86400, "10m and 7d"))
VERIFICATION_CLOSE_DELAY: SettingSpec[int] = SettingSpec(
    "verification", "close_delay", SettingType.DURATION, 3600,
    "After a rejection, the channel stays readable this long before it is deleted (0 = at once).",
    validator=_duration(0, 7 * 86400, "0s and 7d"))
VERIFICATION_INSTRUCTIONS: SettingSpec[str | None] = SettingSpec(
    "verification", "instructions", SettingType.TEXT, None,
    "What a valid payment looks like (amount, recipient, product): shown to members and the AI.")

SETTINGS: tuple[SettingSpec, ...] = (
    VERIFICATION_VERIFIED_ROLE, VERIFICATION_REVIEWER_ROLE, VERIFICATION_CATEGORY, VERIFICATION_OVERFLOW_CATEGORY,
    VERIFICATION_LOG_CHANNEL,
    VERIFICATION_MAX_PAYMENT_AGE_DAYS, VERIFICATION_COOLDOWN, VERIFICATION_UPLOAD_TIMEOUT, VERIFICATION_CLOSE_DELAY,
    VERIFICATION_INSTRUCTIONS,
)
