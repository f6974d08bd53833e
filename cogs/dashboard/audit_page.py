"""The audit log page, `/dashboard/{guild}/audit`: the server's recent commands from the audit tracker (through its
public API, `AuditApi.recent`), filtered by command and by member, a page of 50 at a time (`?command=&user=&page=`)."""

from __future__ import annotations

import urllib.parse
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import discord
from fastapi import Request
from fastapi.responses import HTMLResponse

from cogs.audit.api import AuditApi, AuditEntry
from cogs.dashboard.contract import UNAVAILABLE, GuildPage, page_number
from cogs.dashboard.pages import message, page
from core.settings_registry import SYSTEM_TIMEZONE
from utils.errors import DATABASE_ERRORS

PER_PAGE = 50
MAX_PAGE = 1000


@dataclass(frozen=True)
class AuditRow:
    """One recorded command as the page shows it."""

    when: str
    who: str
    command: str
    kind: str
    outcome: str
    error: str


def who_is(guild: discord.Guild, user_id: int) -> str:
    """A member's name, or who they were when they left."""
    member = guild.get_member(user_id)
    return f"@{member.display_name}" if member else f"user {user_id} (not on the server)"


def shown(entry: AuditEntry, guild: discord.Guild, zone: ZoneInfo) -> AuditRow:
    """The page row of one entry, its time in the server's time zone."""
    when = entry.created_at.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S")
    outcome = "ok" if entry.success else ("failed" if entry.success is False else "?")
    return AuditRow(when, who_is(guild, entry.user_id), f"/{entry.command_name}", entry.command_type, outcome,
                    entry.error_message or "")


def find_member(guild: discord.Guild, typed: str) -> discord.Member | int | None:
    """The member a filter names (by id, user name or display name); an id of someone gone stays an id."""
    if typed.isdigit():
        return guild.get_member(int(typed)) or int(typed)
    return guild.get_member_named(typed)


class AuditPage(GuildPage):
    """GET of the audit log page: the recent commands, filtered, one page."""

    async def _page(self, request: Request, session_id: str, session: Any, member: Any) -> HTMLResponse:
        guild = member.guild
        who = self.dashboard.who(session_id, session)
        query = request.query_params
        command = " ".join(query.get("command", "").strip().lstrip("/").split())[:100].lower()
        user_typed = query.get("user", "").strip()[:100]
        number = page_number(request, MAX_PAGE)
        context: dict[str, Any] = {"guild": guild, "section": "audit", "command": command, "user_typed": user_typed,
                                   "rows": [], "page_number": number, "previous": None, "next": None,
                                   "problem": None, "tracking": True}
        audit = self.dashboard.bot.apis.get(AuditApi)
        user = find_member(guild, user_typed) if user_typed else None
        if audit is None:
            context["tracking"] = False
        elif user_typed and user is None:
            context["problem"] = f"There is no member {user_typed} on this server. Give their user name or id."
        else:
            user_id = user if isinstance(user, int) else (user.id if user is not None else None)
            try:
                zone = ZoneInfo(await self.dashboard.bot.guild_settings.setting(guild.id, SYSTEM_TIMEZONE))
                entries = await audit.recent(guild.id, command=command or None, user_id=user_id,
                                             limit=PER_PAGE + 1, offset=(number - 1) * PER_PAGE)
            except DATABASE_ERRORS:
                return message("Try again later", UNAVAILABLE, status=503, **who)
            context["rows"] = [shown(entry, guild, zone) for entry in entries[:PER_PAGE]]
            context["zone"] = str(zone)
            filters = {key: value for key, value in (("command", command), ("user", user_typed)) if value}
            if number > 1:
                context["previous"] = self._link(guild.id, filters, number - 1)
            if len(entries) > PER_PAGE and number < MAX_PAGE:
                context["next"] = self._link(guild.id, filters, number + 1)
        return page("audit.html", title=f"Audit log · {guild.name}", **context, **who)

    @staticmethod
    def _link(guild_id: int, filters: dict[str, str], number: int) -> str:
        return f"/dashboard/{guild_id}/audit?{urllib.parse.urlencode({**filters, 'page': number})}"



