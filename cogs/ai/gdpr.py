"""GDPR for the AI quota: a member's daily usage counters.

Erasure does not simply delete them (that would hand out a fresh quota: five check-ins, erase, repeat): the
counters move to `gpt_usage_erased` under a keyed pseudonym, which the quota still counts, and go with the
usual retention (USAGE_RETENTION_DAYS). See docs/gdpr.md.
"""

from __future__ import annotations

from typing import Any

from core.db import Executor
from core.gdpr import ErasureReport, jsonable, rows_of
from gpt.quota import USAGE_RETENTION_DAYS, keep_usage_of_erased_user, kept_usage_of

TABLES = {"gpt_usage": ("user_id",)}
KEPT_REASON = (f"your AI usage counts of the last {USAGE_RETENTION_DAYS} days, under a pseudonym instead of your id, "
               f"so that erasing your data does not reset the daily AI limit; deleted after {USAGE_RETENTION_DAYS} "
               "days")


async def export(conn: Executor, user_id: int) -> dict[str, list[dict[str, Any]]]:
    """The member's daily AI usage counters, and those kept under their pseudonym after an earlier erasure."""
    return {"gpt_usage": await rows_of(conn, "gpt_usage", "user_id", user_id),
            "gpt_usage_erased": [jsonable(row) for row in await kept_usage_of(conn, user_id)]}


async def erase(conn: Executor, user_id: int) -> ErasureReport:
    """Move the counters under the member's pseudonym (the rows with their id are deleted)."""
    moved = await keep_usage_of_erased_user(conn, user_id)
    return ErasureReport(deleted={"gpt_usage": moved}, kept={"gpt_usage_erased": KEPT_REASON} if moved else {})
