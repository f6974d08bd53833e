"""The routes of a server's pages on the dashboard (`/dashboard/{guild_id}/…`), one page class each: registered by
the dashboard cog with its `add` (the dashboard's APIRouter's add_api_route). A new page adds its lines here and
one line to `SECTIONS` in pages.py."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from cogs.dashboard.audit_page import AuditPage
from cogs.dashboard.automod_pages import AutomodPages
from cogs.dashboard.case_pages import CasePages
from cogs.dashboard.command_pages import CommandPages
from cogs.dashboard.contract import Dashboard
from cogs.dashboard.event_pages import EventPages
from cogs.dashboard.history_page import HistoryPage
from cogs.dashboard.key_pages import KeyPages
from cogs.dashboard.levels_page import LevelsPage
from cogs.dashboard.member_page import MemberPage
from cogs.dashboard.module_pages import ModulePages
from cogs.dashboard.onboarding_pages import OnboardingPages
from cogs.dashboard.overview_page import OverviewPage
from cogs.dashboard.role_menu_pages import RoleMenuPages
from cogs.dashboard.rule_pages import RulePages
from cogs.dashboard.tag_pages import TagPages
from cogs.dashboard.ticket_pages import TicketPages


def add_server_pages(dashboard: Dashboard, add: Callable[..., Any]) -> LevelsPage:
    """Register every server page's routes; the levels page is returned (the settings form posts back to it)."""
    modules = ModulePages(dashboard)
    add("/dashboard/{guild_id}/modules", modules.show, methods=["GET"])
    add("/dashboard/{guild_id}/modules", modules.change, methods=["POST"])
    rules = RulePages(dashboard)
    add("/dashboard/{guild_id}/permissions", rules.show, methods=["GET"])
    add("/dashboard/{guild_id}/permissions", rules.change, methods=["POST"])
    add("/dashboard/{guild_id}/audit", AuditPage(dashboard).show, methods=["GET"])
    add("/dashboard/{guild_id}/overview", OverviewPage(dashboard).show, methods=["GET"])
    tickets = TicketPages(dashboard)
    add("/dashboard/{guild_id}/tickets", tickets.show_list, methods=["GET"])
    add("/dashboard/{guild_id}/tickets/{number}", tickets.show_one, methods=["GET"])
    add("/dashboard/{guild_id}/tickets/{number}/transcript", tickets.transcript, methods=["GET"])
    cases = CasePages(dashboard)
    add("/dashboard/{guild_id}/cases", cases.show_list, methods=["GET"])
    add("/dashboard/{guild_id}/cases/{number}", cases.show_one, methods=["GET"])
    events = EventPages(dashboard)
    add("/dashboard/{guild_id}/events", events.show_list, methods=["GET"])
    add("/dashboard/{guild_id}/events/{event_id}", events.show_one, methods=["GET"])
    history = HistoryPage(dashboard)
    add("/dashboard/{guild_id}/history", history.show, methods=["GET"])
    add("/dashboard/{guild_id}/history", history.roll_back, methods=["POST"])
    keys = KeyPages(dashboard)
    add("/dashboard/{guild_id}/api-keys", keys.show, methods=["GET"])
    add("/dashboard/{guild_id}/api-keys", keys.change, methods=["POST"])
    commands = CommandPages(dashboard)
    add("/dashboard/{guild_id}/commands", commands.show, methods=["GET"])
    add("/dashboard/{guild_id}/commands", commands.change, methods=["POST"])
    tags = TagPages(dashboard)
    add("/dashboard/{guild_id}/tags", tags.show, methods=["GET"])
    add("/dashboard/{guild_id}/tags", tags.change, methods=["POST"])
    automod = AutomodPages(dashboard)
    add("/dashboard/{guild_id}/automod", automod.show, methods=["GET"])
    add("/dashboard/{guild_id}/automod", automod.change, methods=["POST"])
    onboarding = OnboardingPages(dashboard)
    add("/dashboard/{guild_id}/onboarding", onboarding.show, methods=["GET"])
    add("/dashboard/{guild_id}/onboarding", onboarding.change, methods=["POST"])
    role_menus = RoleMenuPages(dashboard)
    add("/dashboard/{guild_id}/role-menus", role_menus.show, methods=["GET"])
    add("/dashboard/{guild_id}/role-menus", role_menus.change, methods=["POST"])
    levels = LevelsPage(dashboard)
    add("/dashboard/{guild_id}/levels", levels.show, methods=["GET"])
    add("/dashboard/{guild_id}/levels", levels.change, methods=["POST"])
    me = MemberPage(dashboard)  # any member's own page (linked from the server list, not a manager section)
    add("/dashboard/{guild_id}/me", me.show, methods=["GET"])
    add("/dashboard/{guild_id}/me", me.change, methods=["POST"])
    return levels
