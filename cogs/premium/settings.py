"""The `premium` settings scope: legal links and version, checkout return pages.

Prices are not here: they are the operator's (STRIPE_PRICE_MONTHLY/YEARLY/LIFETIME, see prices.py), so no server
admin can sell premium at another price. Rows of the former `price_id_*` / `price_label_*` settings that a
database still holds are unknown settings now: ignored, and refused by `/config set`.
"""

from __future__ import annotations

import re
from typing import Any

from core.settings_registry import SettingSpec, SettingType

DEFAULT_TERMS_VERSION = "2026-03-02"
_URL = re.compile(r"^https?://\S+$")


def _url(value: Any) -> str | None:
    return None if _URL.match(str(value)) else "must be a web address starting with https://."


def _version(value: Any) -> str | None:
    return None if re.fullmatch(r"[\w.\-]{1,40}", str(value)) else "use a short version label such as 2026-03-02."


PREMIUM_TERMS_VERSION: SettingSpec[str] = SettingSpec(
    "premium", "terms_version", SettingType.TEXT, DEFAULT_TERMS_VERSION,
    "Version of the Terms of Service and Privacy Policy; changing it asks every buyer to accept again.",
    validator=_version)
PREMIUM_TERMS_URL: SettingSpec[str | None] = SettingSpec(
    "premium", "terms_url", SettingType.TEXT, None,
    "Web address of the Terms of Service buyers accept (required before checkout).", validator=_url)
PREMIUM_PRIVACY_URL: SettingSpec[str | None] = SettingSpec(
    "premium", "privacy_url", SettingType.TEXT, None,
    "Web address of the Privacy Policy buyers accept (required before checkout).", validator=_url)
PREMIUM_SUCCESS_URL: SettingSpec[str | None] = SettingSpec(
    "premium", "success_url", SettingType.TEXT, None,
    "Page Stripe sends the buyer to after paying; unset = back to this server in Discord.",
    validator=_url)
PREMIUM_CANCEL_URL: SettingSpec[str | None] = SettingSpec(
    "premium", "cancel_url", SettingType.TEXT, None,
    "Page Stripe sends the buyer to after abandoning checkout (also the billing portal's return page); "
    "unset = back to this server in Discord.", validator=_url)

PREMIUM_SETTINGS: tuple[SettingSpec, ...] = (
    PREMIUM_TERMS_VERSION, PREMIUM_TERMS_URL, PREMIUM_PRIVACY_URL, PREMIUM_SUCCESS_URL, PREMIUM_CANCEL_URL,
)
