"""Reading the model's answer, deciding auto-verify or manual review, and sanitising the reason we keep.

Pure functions (no Discord, no database), so the rules are easy to test and to read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

REASON_MAX = 300
DATE_TOLERANCE_DAYS = 1  # a payment "tomorrow" is fine: the member's time zone may be ahead of the server's

# 13–19 digits, optionally grouped with spaces or dashes (card numbers); IBANs (country, check digits, then
# capital letters and digits, optionally in groups of four); e-mail addresses.
_CARD = re.compile(r"(?<![\d])\d(?:[ -]?\d){12,18}(?![\d])")
_IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]{4}){2,7}(?:[ ]?[A-Z0-9]{1,4})?\b")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_MENTION = re.compile(r"@(everyone|here)", re.IGNORECASE)
_TRUE = {"true", "yes", "1"}


def sanitise(text: str | None) -> str:
    """`text` without card numbers, IBANs or e-mail addresses, on one line, at most REASON_MAX characters."""
    clean = " ".join(str(text or "").split())
    clean = _EMAIL.sub("[e-mail removed]", clean)
    clean = _IBAN.sub("[account number removed]", clean)
    clean = _CARD.sub("[card number removed]", clean)
    clean = _MENTION.sub("@\u200b\\1", clean)  # a zero-width space: never a ping, even if mentions were allowed
    if len(clean) > REASON_MAX:
        clean = clean[:REASON_MAX - 1].rstrip() + "…"
    return clean


def _flag(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        lowered = value.strip().lower()
        return True if lowered in _TRUE else False if lowered in {"false", "no", "0"} else None
    return None


def _date(value: Any) -> date | None:
    if not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value.strip()[:10])
    except ValueError:
        return None


@dataclass(frozen=True)
class Assessment:
    """The model's answer, typed: unknown flags are None (treated as "not sure")."""

    can_verify: bool | None
    needs_manual_review: bool | None
    reason: str
    payment_date: date | None

    @classmethod
    def from_answer(cls, answer: dict[str, Any]) -> Assessment:
        return cls(_flag(answer.get("can_verify")), _flag(answer.get("needs_manual_review")),
                   sanitise(answer.get("reason")) or "No reason given.", _date(answer.get("payment_date")))


@dataclass(frozen=True)
class Decision:
    """Auto-verify or not, and why not (for the reviewers)."""

    verified: bool
    note: str | None = None


def decide(assessment: Assessment, today: date, max_age_days: int) -> Decision:
    """Auto-verify only when the model is sure, the date is read, and the payment is recent enough."""
    if assessment.can_verify is not True:
        return Decision(False, "The AI could not verify the payment.")
    if assessment.needs_manual_review is not False:
        return Decision(False, "The AI asked for a human review.")
    if assessment.payment_date is None:
        return Decision(False, "The AI could not read the payment date.")
    age = (today - assessment.payment_date).days
    if age < -DATE_TOLERANCE_DAYS:
        return Decision(False, f"The payment date {assessment.payment_date.isoformat()} is in the future.")
    if age > max_age_days:
        return Decision(False, f"The payment is {age} days old (the limit is {max_age_days}).")
    return Decision(True)
