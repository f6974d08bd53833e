"""GDPR for engagement: a member's counts, streaks, badges, claims and indexed messages are exported and deleted;
the guild's history of challenges and weekly awards stays with the winner forgotten (NULL, or 0 where the column
is NOT NULL). What the cog still buffers in memory is written before and dropped after (see the cog)."""

from __future__ import annotations

from typing import Any

from core.db import Executor
from core.gdpr import ErasureReport, delete_rows, forget_user, rows_of

# table → the user column
USER_TABLES = {
    "engagement_badges": "user_id",
    "engagement_og_claims": "user_id",
    "engagement_challenges": "winner_id",
    "engagement_participants": "user_id",
    "engagement_weekly_messages": "user_id",
    "engagement_weekly_results": "user_id",
    "engagement_streaks": "user_id",
    "engagement_daily_counts": "user_id",
    "engagement_member_totals": "user_id",
}
TABLES = {table: (column,) for table, column in USER_TABLES.items()}
KEPT_WITHOUT_WINNER = {"engagement_challenges": None, "engagement_weekly_results": 0}  # table → replacement


async def export(conn: Executor, user_id: int) -> dict[str, list[dict[str, Any]]]:
    """Every engagement row of the member (they are the winner, participant or counted member in each)."""
    return {table: await rows_of(conn, table, column, user_id) for table, column in USER_TABLES.items()}


async def erase(conn: Executor, user_id: int) -> ErasureReport:
    """Delete the member's rows; keep the guild's challenges and weekly results without them."""
    report = ErasureReport()
    for table, column in USER_TABLES.items():
        if table in KEPT_WITHOUT_WINNER:
            report.anonymised[table] = await forget_user(conn, table, column, user_id,
                                                         replacement=KEPT_WITHOUT_WINNER[table])
        else:
            report.deleted[table] = await delete_rows(conn, table, column, user_id)
    return report
