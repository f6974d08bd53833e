"""The `premium` settings scope: prices shown and charged, legal links and version, checkout return pages."""

from __future__ import annotations

import re
from typing import Any

from utils.settings_registry import SettingSpec, SettingType

DEFAULT_TERMS_VERSION = "2026-03-02"
_URL = re.compile(r"^https?://\S+$")
_PRICE_ID = re.compile(r"^price_[A-Za-z0-9_]+$")


def _url(value: Any) -> str | None:
    return None if _URL.match(str(value)) else "must be a web address starting with https://."


def _price_id(value: Any) -> str | None:
    if _PRICE_ID.match(str(value)):
        return None
    return "must be a Stripe price id (Stripe dashboard → Product catalogue → the price), e.g. price_1Q2w3E4r5T."


def _version(value: Any) -> str | None:
    return None if re.fullmatch(r"[\w.\-]{1,40}", str(value)) else "use a short version label such as 2026-03-02."


def _tier_specs(tier: str, example: str) -> tuple[SettingSpec, ...]:
    return (
        SettingSpec("premium", f"price_id_{tier}", SettingType.TEXT, None,
                    f"Stripe price id charged for {tier} premium; unset = the tier cannot be bought here.",
                    validator=_price_id),
        SettingSpec("premium", f"price_label_{tier}", SettingType.TEXT, None,
                    f"The {tier} price as shown in /premium plans, e.g. “{example}” (Stripe shows the real "
                    "amount at checkout)."),
    )


PREMIUM_SETTINGS: tuple[SettingSpec, ...] = (
    *_tier_specs("monthly", "€4.99 / month"),
    *_tier_specs("yearly", "€49.99 / year"),
    *_tier_specs("lifetime", "€99.99 once"),
    SettingSpec("premium", "terms_version", SettingType.TEXT, DEFAULT_TERMS_VERSION,
                "Version of the Terms of Service and Privacy Policy; changing it asks every buyer to accept again.",
                validator=_version),
    SettingSpec("premium", "terms_url", SettingType.TEXT, None,
                "Web address of the Terms of Service buyers accept (required before checkout).", validator=_url),
    SettingSpec("premium", "privacy_url", SettingType.TEXT, None,
                "Web address of the Privacy Policy buyers accept (required before checkout).", validator=_url),
    SettingSpec("premium", "success_url", SettingType.TEXT, None,
                "Page Stripe sends the buyer to after paying; unset = back to this server in Discord.",
                validator=_url),
    SettingSpec("premium", "cancel_url", SettingType.TEXT, None,
                "Page Stripe sends the buyer to after abandoning checkout (also the billing portal's return page); "
                "unset = back to this server in Discord.", validator=_url),
)
