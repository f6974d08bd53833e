"""The settings tables' part of the GDPR protocol (`bot_settings`, `settings_history`, the kernel's tables): the
settings an admin changed stay (they are the server's) without who changed them.

The config cog's GDPR module (cogs/config/gdpr.py) answers with this part, so the protocol finds it like any
feature's."""

from __future__ import annotations

from typing import Any

from core.gdpr import ErasureReport, forget_user, jsonable, rows_of

TABLES = {"bot_settings": ("updated_by",), "settings_history": ("changed_by",),
          "command_rules": ("created_by",), "command_cooldowns": ("created_by",)}
_MEMBER_RULES = "SELECT * FROM command_rules WHERE target_type = 'member' AND target_id = $1 ORDER BY id"
_DELETE_MEMBER_RULES = "DELETE FROM command_rules WHERE target_type = 'member' AND target_id = $1"


async def export(conn: Any, user_id: int) -> dict[str, list[dict[str, Any]]]:
    """The settings the member set last, every change they made, the command rules they set and those about them."""
    about = [jsonable(row) for row in await conn.fetch(_MEMBER_RULES, user_id)]
    return {"bot_settings": await rows_of(conn, "bot_settings", "updated_by", user_id),
            "settings_history": await rows_of(conn, "settings_history", "changed_by", user_id),
            "command_rules": await rows_of(conn, "command_rules", "created_by", user_id),
            "command_rules_about_you": about,
            "command_cooldowns": await rows_of(conn, "command_cooldowns", "created_by", user_id)}


async def erase(conn: Any, user_id: int) -> ErasureReport:
    """Forget the member as the author of settings, changes and command rules; delete the rules about them."""
    deleted = int((await conn.execute(_DELETE_MEMBER_RULES, user_id)).split()[-1])
    return ErasureReport(deleted={"command_rules": deleted}, anonymised={
        "bot_settings": await forget_user(conn, "bot_settings", "updated_by", user_id),
        "settings_history": await forget_user(conn, "settings_history", "changed_by", user_id),
        "command_rules": await forget_user(conn, "command_rules", "created_by", user_id),
        "command_cooldowns": await forget_user(conn, "command_cooldowns", "created_by", user_id)})
