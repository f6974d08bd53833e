"""GDPR for premium: subscriptions and the acceptance of the terms are exported, and kept on erasure because the
law requires them (accounting and tax records, proof of consent); no card details are ever stored."""

from __future__ import annotations

from typing import Any

from utils.gdpr import ErasureReport, rows_of

TABLES = {"premium_subs": ("user_id",), "terms_acceptance": ("user_id",)}
KEPT = {
    "premium_subs": "subscription and payment status are kept for accounting and tax law "
                    "(no card details are ever stored); cancel the subscription with /premium manage",
    "terms_acceptance": "proof that you accepted the Terms of Service and Privacy Policy, and which version",
}


async def export(conn: Any, user_id: int) -> dict[str, list[dict[str, Any]]]:
    """The member's subscriptions and their acceptance of the terms."""
    return {"premium_subs": await rows_of(conn, "premium_subs", "user_id", user_id),
            "terms_acceptance": await rows_of(conn, "terms_acceptance", "user_id", user_id)}


async def erase(conn: Any, user_id: int) -> ErasureReport:
    """Nothing is deleted: the report says what is kept and why."""
    return ErasureReport(kept=dict(KEPT))
