"""The dashboard's per-server setting (scope `dashboard`): a role whose holders may use the server's manager pages
without Manage Server. Setting it needs Manage Server itself (it is a /config setting; on the dashboard a holder of
the role cannot change it, cogs/dashboard/cog.py)."""

from __future__ import annotations

from core.settings_registry import SettingSpec, SettingType

DASHBOARD_MANAGER_ROLE: SettingSpec[int | None] = SettingSpec(
    "dashboard", "manager_role", SettingType.ROLE, None,
    "Members with this role may use this server's manager pages on the web dashboard (settings, modules, "
    "permissions, levels …) without Manage Server; every change they make is checked as theirs (they cannot make "
    "the bot give roles above their own). Only members with Manage Server may set it.")

SETTINGS: tuple[SettingSpec, ...] = (DASHBOARD_MANAGER_ROLE,)
