"""GDPR for points: a member's balances, ledger rows and shop requests are exported; on erasure their balances and
requests are deleted, and their ledger rows are **kept anonymised for the guild's accounts** (docs/points.md).

Why the ledger stays: a guild's points are an economy — every point a member spent, gave or was refunded has a
counterpart (what the shop sold, what another member received, what the staff granted). Deleting the rows would
leave those unexplained. So the member's rows stay with `user_id` NULL, and each account that still held points
is first closed by an `erasure` row taking the balance to zero: a guild's ledger keeps summing to the points its
members hold. Where the member only acted on someone else's account (a staff grant, a gift they made, a request
they decided, an item they created) their id is replaced by NULL and the row stays with its owner; a role item
whose role they set then fails the role-safety check until an admin sets its role again.

What the cog still buffers in memory (activity points) is written before and dropped after (see the cog).
"""

from __future__ import annotations

from typing import Any

from cogs.points import repo
from core.db import Executor
from core.gdpr import ErasureReport, delete_rows, forget_user, rows_of, staff_rows

TABLES = {
    "points_balances": ("user_id",),
    "points_ledger": ("user_id", "actor_id"),
    "points_redeems": ("user_id", "decided_by"),
    "points_shop_items": ("created_by", "role_set_by"),
}


async def export(conn: Executor, user_id: int) -> dict[str, list[dict[str, Any]]]:
    """The member's balances, ledger rows and requests whole; rows they only acted on by id and role."""
    return {
        "points_balances": await rows_of(conn, "points_balances", "user_id", user_id),
        "points_ledger": (await rows_of(conn, "points_ledger", "user_id", user_id)
                          + await staff_rows(conn, "points_ledger", ("actor_id",), user_id, subject="user_id")),
        "points_redeems": (await rows_of(conn, "points_redeems", "user_id", user_id)
                           + await staff_rows(conn, "points_redeems", ("decided_by",), user_id, subject="user_id")),
        "points_shop_items": await staff_rows(conn, "points_shop_items", ("created_by", "role_set_by"), user_id),
    }


async def erase(conn: Any, user_id: int) -> ErasureReport:
    """Close the member's accounts through the ledger, then delete balances and requests and anonymise the rest."""
    report = ErasureReport()
    now = await repo.database_now(conn)
    closing = [repo.Entry(guild_id, user_id, -held, "erasure", f"erasure:{now.isoformat()}",
                          "Account closed: the member's data was erased")
               for guild_id, held in await repo.open_balances(conn, user_id)]
    await repo.post(conn, closing, now)
    report.deleted["points_balances"] = await delete_rows(conn, "points_balances", "user_id", user_id)
    report.deleted["points_redeems"] = await delete_rows(conn, "points_redeems", "user_id", user_id)
    report.anonymised["points_ledger"] = (await forget_user(conn, "points_ledger", "user_id", user_id)
                                          + await forget_user(conn, "points_ledger", "actor_id", user_id))
    report.anonymised["points_redeems"] = await forget_user(conn, "points_redeems", "decided_by", user_id)
    report.anonymised["points_shop_items"] = (await forget_user(conn, "points_shop_items", "created_by", user_id)
                                              + await forget_user(conn, "points_shop_items", "role_set_by", user_id))
    return report
