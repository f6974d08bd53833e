"""GDPR for premium: subscriptions and the acceptance of the terms are exported, and kept on erasure because the
law requires them (accounting and tax records, proof of consent); no card details are ever stored."""

from __future__ import annotations

from typing import Any

from cogs.premium import repo
from core.db import Executor
from core.gdpr import ErasureReport, jsonable, rows_of

# premium_reversals has no user column: it is exported through the member's premium_subs rows.
TABLES = {"premium_subs": ("user_id",), "terms_acceptance": ("user_id",), "premium_checkouts": ("user_id",)}
KEPT = {
    "premium_subs": "subscription and payment status are kept for accounting and tax law "
                    "(no card details are ever stored); cancel the subscription with /premium manage",
    "terms_acceptance": "proof that you accepted the Terms of Service and Privacy Policy, and which version",
    "premium_checkouts": "the checkouts you started (plan, price, Stripe ids; no card details), kept with "
                         "the payments they belong to: needed to check a payment, a refund or a dispute",
}


async def export(conn: Executor, user_id: int) -> dict[str, list[dict[str, Any]]]:
    """The member's subscriptions (with their refunds and disputes), checkouts and acceptance of the terms."""
    return {"premium_subs": await rows_of(conn, "premium_subs", "user_id", user_id),
            "terms_acceptance": await rows_of(conn, "terms_acceptance", "user_id", user_id),
            "premium_checkouts": [jsonable(r) for r in await repo.checkouts_of_user(conn, user_id)],
            "premium_reversals": [jsonable(r) for r in await repo.reversals_of_user(conn, user_id)]}


async def erase(conn: Executor, user_id: int) -> ErasureReport:
    """Nothing is deleted: the report says what is kept and why."""
    return ErasureReport(kept=dict(KEPT))
