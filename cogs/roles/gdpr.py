"""GDPR for the roles feature.

A member who left keeps a row of the sticky roles they held (to get them back on return): exported, and deleted
on erasure. An admin who configured a menu option, a reaction role, an autorole or a sticky role is exported those
rows (by role id), and forgotten on erasure: the configuration stays (it is the server's), but with nobody recorded
as having set it, role safety no longer gives those roles until someone allowed to hand them out sets them again
(the log channel says so once). Pending delayed autoroles and temporary-role removals are timers jobs keyed by
guild, member and role; they run (or find the member gone) within the delay the admin chose.
"""

from __future__ import annotations

from typing import Any

from core.db import Executor
from core.gdpr import ErasureReport, delete_rows, forget_user, rows_of

SETTERS = ("role_menu_options", "role_reactions", "role_autoroles", "role_sticky")
TABLES = {
    "role_menu_options": ("added_by",),
    "role_reactions": ("added_by",),
    "role_autoroles": ("added_by",),
    "role_sticky": ("added_by",),
    "role_sticky_members": ("user_id",),
}


async def export(conn: Executor, user_id: int) -> dict[str, list[dict[str, Any]]]:
    """The sticky roles kept for the member's return; the role settings they made."""
    data = {table: await rows_of(conn, table, "added_by", user_id) for table in SETTERS}
    data["role_sticky_members"] = await rows_of(conn, "role_sticky_members", "user_id", user_id)
    return data


async def erase(conn: Executor, user_id: int) -> ErasureReport:
    """Delete the member's kept sticky roles; forget them as the setter of role settings."""
    return ErasureReport(
        deleted={"role_sticky_members": await delete_rows(conn, "role_sticky_members", "user_id", user_id)},
        anonymised={table: await forget_user(conn, table, "added_by", user_id) for table in SETTERS})
