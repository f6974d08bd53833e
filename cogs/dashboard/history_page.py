"""The settings history page, `/dashboard/{guild}/history`: every change of the server's settings, newest first, 25
a page (`?page=`), or of one setting (`?setting=scope.key`, as `/config history scope: key:`), read through
`GuildSettings.history` as `/config history` reads it, each with a Rollback button.

The button posts the entry's id (CSRF-checked) and runs `rollback_checked` (core/setting_values.py), the body of
`/config rollback`: only an entry of THIS server, the same value gate with the member as the setter, recorded in
settings_history as a 'rollback' by them (so it shows in `/config history`), noted in the log channel, and recorded
by the audit tracker as `dashboard history`.
"""

from __future__ import annotations

import json
import logging
import urllib.parse
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import discord
from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from cogs.audit.api import record_change
from cogs.dashboard.audit_page import who_is
from cogs.dashboard.contract import UNAVAILABLE, GuildPage, first, page_number
from cogs.dashboard.pages import message, page
from cogs.dashboard.setting_forms import readable
from core.guild_kit import post_to_log
from core.guild_settings import HistoryEntry
from core.setting_values import rollback_checked
from core.settings_registry import SYSTEM_TIMEZONE, SettingSpec
from utils.errors import DATABASE_ERRORS, UserFacingError

log = logging.getLogger(__name__)

PER_PAGE = 25
MAX_PAGE = 1000


@dataclass(frozen=True)
class HistoryRow:
    """One history entry as the page shows it."""

    id: int
    setting: str
    old: str
    new: str
    kind: str
    who: str
    when: str
    can_roll_back: bool  # False when the setting no longer exists


def value_text(spec: SettingSpec | None, guild: discord.Guild, value: Any) -> str:
    """A value of a history entry in words (None: the setting's default)."""
    if spec is None:
        return "default" if value is None else json.dumps(value)
    if value is None:
        return f"default ({readable(spec, guild, spec.default)})"
    return readable(spec, guild, value)


def history_row(entry: HistoryEntry, spec: SettingSpec | None, guild: discord.Guild, zone: ZoneInfo) -> HistoryRow:
    """The page row of one entry, its time in the server's time zone."""
    who = who_is(guild, entry.changed_by) if entry.changed_by else "Hearth"
    return HistoryRow(entry.id, f"{entry.scope}.{entry.key}", value_text(spec, guild, entry.old_value),
                      value_text(spec, guild, entry.new_value), entry.change_type, who,
                      entry.changed_at.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S"), spec is not None)


class HistoryPage(GuildPage):
    """GET and POST (rollback) of the settings history page."""

    async def _page(self, request: Request, session_id: str, session: Any, member: Any) -> HTMLResponse:
        """One page of the history; after a rollback, what it did."""
        checked = (session_id, session, member)
        number = page_number(request, MAX_PAGE)
        scope, _, key = request.query_params.get("setting", "").partition(".")
        spec = self.dashboard.bot.settings_registry.get(scope, key)  # only a real setting filters (and is echoed)
        rolled = request.query_params.get("rolled", "")
        notice = None
        if rolled.isdigit() and len(rolled) < 20:  # only a real entry of this server is echoed back
            entry = await self._entry(checked[2].guild.id, int(rolled))
            if entry is not None:
                notice = f"{entry.scope}.{entry.key} rolled back to entry #{entry.id}."
        return await self._render(*checked, number=number, notice=notice, only=spec)

    async def _entry(self, guild_id: int, entry_id: int) -> HistoryEntry | None:
        try:
            return await self.dashboard.bot.guild_settings.entry(guild_id, entry_id)
        except DATABASE_ERRORS:
            return None

    async def _render(self, session_id: str, session: Any, member: Any, *, number: int = 1,
                      notice: str | None = None, problem: str | None = None, status: int = 200,
                      only: SettingSpec | None = None) -> HTMLResponse:
        bot, guild = self.dashboard.bot, member.guild
        who = self.dashboard.who(session_id, session)
        try:
            zone = ZoneInfo(await bot.guild_settings.setting(guild.id, SYSTEM_TIMEZONE))
            entries, total = await bot.guild_settings.history(
                guild.id, scope=only.scope if only else None, key=only.key if only else None, limit=PER_PAGE,
                offset=(number - 1) * PER_PAGE)
        except DATABASE_ERRORS:
            return message("Try again later", UNAVAILABLE, status=503, **who)
        registry = bot.settings_registry
        shown = [history_row(entry, registry.get(entry.scope, entry.key), guild, zone) for entry in entries]
        setting = only.qualified if only else None
        previous = self._link(guild.id, number - 1, setting) if number > 1 else None
        following = (self._link(guild.id, number + 1, setting) if number * PER_PAGE < total and number < MAX_PAGE
                     else None)
        return page("history.html", status=status, title=f"Settings history · {guild.name}", guild=guild,
                    section="history", rows=shown, total=total, page_number=number, previous=previous,
                    next=following, zone=str(zone), setting=setting, notice=notice, problem=problem, **who)

    async def roll_back(self, request: Request, guild_id: str) -> Response:
        """The Rollback button: `/config rollback`'s code path, as the member."""
        posted = await self.dashboard.guild_form(request, guild_id)
        if isinstance(posted, HTMLResponse):
            return posted
        session_id, session, member, form = posted
        bot = self.dashboard.bot
        entry_id = first(form, "entry")
        if not entry_id.isdigit() or len(entry_id) > 18:
            return await self._render(session_id, session, member, status=400,
                                      problem="There is no such history entry. Nothing was changed.")
        try:
            done = await rollback_checked(bot, member.guild, member, int(entry_id))
        except UserFacingError as exc:
            return await self._render(session_id, session, member, status=400,
                                      problem=str(exc).replace("`", "") + " Nothing was changed.")
        except DATABASE_ERRORS:
            return message("Try again later", UNAVAILABLE, status=503, **self.dashboard.who(session_id, session))
        spec, guild = done.spec, member.guild
        if done.change is None:
            return await self._render(session_id, session, member, notice=(
                f"{spec.qualified} already is {value_text(spec, guild, done.entry.new_value)}, as entry "
                f"#{done.entry.id} set it; nothing changed."))
        record_change(bot, member, "history")
        summary = (f"{spec.qualified} rolled back to entry #{done.entry.id}: "
                   f"{value_text(spec, guild, done.change.old)} → {value_text(spec, guild, done.change.new)}")
        problem = await post_to_log(bot, guild, content=f"⚙️ {member.mention} changed a setting on the dashboard: "
                                    f"{summary}"[:2000])
        if problem:
            log.info("Dashboard: rollback in guild %s not noted in its log channel: %s", guild.id, problem)
        return RedirectResponse(f"/dashboard/{guild.id}/history?rolled={done.entry.id}", status_code=303)

    @staticmethod
    def _link(guild_id: int, number: int, setting: str | None) -> str:
        query = ({"setting": setting} if setting else {}) | {"page": number}
        return f"/dashboard/{guild_id}/history?{urllib.parse.urlencode(query)}"
