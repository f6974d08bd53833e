"""The moderation cases pages: `/dashboard/{guild}/cases` (the live cases filtered by member, moderator, action
type and active/expired, 25 a page, newest first) and `/dashboard/{guild}/cases/{number}` (one case). Both read
`ModerationApi`, as `GET /api/v1/guilds/{guild}/cases` does; names are shown for ids, every reason is text."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse

from cogs.dashboard.contract import Dashboard
from cogs.dashboard.listing import PER_PAGE, UNAVAILABLE, cursor, member_filter, name_of, older_link, when, zone_of
from cogs.dashboard.pages import message, page
from cogs.moderation.api import CASE_STATES, CaseEntry, ModerationApi
from cogs.moderation.cases import SERVER_TYPES, TITLES
from utils.durations import format_duration
from utils.errors import DATABASE_ERRORS

OFF = "Moderation is not running on this bot, so there is no case log to show."


@dataclass(frozen=True)
class CaseRow:
    """A case as the pages show it."""

    entry: CaseEntry
    member: str
    moderator: str
    created: str
    ends: str
    duration: str


def shown(entry: CaseEntry, guild: Any, zone: Any) -> CaseRow:
    """The page row of a case: names for ids, times in the server's zone."""
    case = entry.case
    if case.type in SERVER_TYPES:
        member = "the whole server"
    else:
        member = name_of(guild, case.target_id) if case.target_id else "(erased member)"
    if case.moderator_id is not None:
        moderator = name_of(guild, case.moderator_id)
    else:
        moderator = f"Automod ({case.automod_rule})" if case.automod_rule else "unknown"
    return CaseRow(entry, member, moderator, when(case.created_at, zone), when(case.expires_at, zone),
                   format_duration(case.duration_seconds) if case.duration_seconds else "")


class CasePages:
    """GET of the cases list and of one case."""

    def __init__(self, dashboard: Dashboard) -> None:
        self.dashboard = dashboard

    async def show_list(self, request: Request, guild_id: str) -> HTMLResponse:
        """The cases, filtered, one page."""
        checked = await self.dashboard.guild_page(request, guild_id)
        if isinstance(checked, HTMLResponse):
            return checked
        session_id, session, member = checked
        guild, who, query = member.guild, self.dashboard.who(session_id, session), request.query_params
        kind = query.get("type", "")
        kind = kind if kind in TITLES else ""
        state = query.get("state", "")
        state = state if state in CASE_STATES else ""
        member_typed, moderator_typed = query.get("member", "").strip()[:100], query.get("moderator", "").strip()[:100]
        target_id, problem = member_filter(guild, member_typed)
        moderator_id, moderator_problem = member_filter(guild, moderator_typed)
        context: dict[str, Any] = {"guild": guild, "section": "cases", "kind": kind, "kinds": TITLES,
                                   "state": state, "member_typed": member_typed, "moderator_typed": moderator_typed,
                                   "rows": [], "next": None, "paged": "before" in query,
                                   "problem": problem or moderator_problem, "running": True}
        api = self.dashboard.bot.apis.get(ModerationApi)
        if api is None:
            context["running"] = False
        elif not context["problem"]:
            try:
                zone = await zone_of(self.dashboard.bot, guild.id)
                found = await api.cases(guild.id, target_id=target_id, moderator_id=moderator_id, type_=kind or None,
                                        state=state or None, before=cursor(query.get("before", "")),
                                        limit=PER_PAGE + 1)
            except DATABASE_ERRORS:
                return message("Try again later", UNAVAILABLE, status=503, **who)
            context["rows"] = [shown(entry, guild, zone) for entry in found[:PER_PAGE]]
            if len(found) > PER_PAGE:
                filters = {"member": member_typed, "moderator": moderator_typed, "type": kind, "state": state}
                context["next"] = older_link(f"/dashboard/{guild.id}/cases", filters, found[PER_PAGE - 1].case.number)
        return page("cases.html", title=f"Cases · {guild.name}", **context, **who)

    async def show_one(self, request: Request, guild_id: str, number: str) -> HTMLResponse:
        """One case with everything recorded about it."""
        checked = await self.dashboard.guild_page(request, guild_id)
        if isinstance(checked, HTMLResponse):
            return checked
        session_id, session, member = checked
        guild, who = member.guild, self.dashboard.who(session_id, session)
        api = self.dashboard.bot.apis.get(ModerationApi)
        if api is None:
            return message("Moderation is off", OFF, status=404, **who)
        try:
            found = await api.case(guild.id, int(number)) if number.isdigit() and len(number) < 10 else None
            zone = await zone_of(self.dashboard.bot, guild.id)
        except DATABASE_ERRORS:
            return message("Try again later", UNAVAILABLE, status=503, **who)
        if found is None:
            return message("No such case", f"There is no case #{number[:12]} on this server (or it was deleted).",
                           status=404, **who)
        evidence = found.case.evidence or {}
        return page("case.html", title=f"Case #{found.case.number} · {guild.name}", guild=guild, section="cases",
                    row=shown(found, guild, zone), evidence=str(evidence.get("content") or ""), **who)
