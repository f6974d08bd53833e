"""The members' own page, `/dashboard/{guild}/me`: for ANY member of the server (not only its managers), their
rank and profile (levels, engagement, points: what `/rank`, `/profile` and `/balance` show), their premium with a
"Manage billing" button, and their data requests (export, erasure with a confirmation step, past requests).

Whose page it is comes from the session only: the URL names the server, never the member, and no form field is
read as a user id (a forged one is ignored). Membership is checked on every request (`DashboardCog.member_page`).
Every action goes through the feature's public API, the same code path as its slash command:
`PremiumApi.billing_portal` (`/premium manage`), `GdprApi.requests` (`/export_my_data`, `/delete_my_data`)."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from cogs.audit.api import record_change
from cogs.dashboard.access import is_remote
from cogs.dashboard.contract import EXPIRED_FORM, UNAVAILABLE, Dashboard, first
from cogs.dashboard.pages import message, page
from cogs.dashboard.security import SESSION_COOKIE, clear_cookie
from cogs.engagement.api import EngagementApi
from cogs.gdpr.api import GdprApi
from cogs.gdpr.requests import erasure_summary
from cogs.levels.api import LevelsApi
from cogs.levels.settings import LEVELS_ENABLED
from cogs.points.api import PointsApi
from cogs.premium.api import PremiumApi
from cogs.premium.billing import PortalFailed
from utils.cooldowns import OnCooldown
from utils.errors import DATABASE_ERRORS, UserFacingError

log = logging.getLogger(__name__)

NO_GDPR = "Data requests are not available on this bot right now (its GDPR feature is not loaded)."
ACTIONS = ("billing", "export", "erase", "erase_confirmed")


class MemberPage:
    """GET and POST of a member's own page."""

    def __init__(self, dashboard: Dashboard) -> None:
        self.dashboard = dashboard

    @property
    def bot(self) -> Any:
        return self.dashboard.bot

    async def show(self, request: Request, guild_id: str) -> HTMLResponse:
        """The member's rank, profile, premium and data requests."""
        checked = await self.dashboard.member_page(request, guild_id)
        if isinstance(checked, HTMLResponse):
            return checked
        return await self._render(*checked)

    async def _render(self, session_id: str, session: Any, member: Any, *, notice: str | None = None,
                      problem: str | None = None, confirm_erase: bool = False, status: int = 200) -> HTMLResponse:
        who = self.dashboard.who(session_id, session)
        try:
            figures = await self._figures(member)
        except DATABASE_ERRORS:
            return message("Try again later", UNAVAILABLE, status=503, **who)
        return page("me.html", status=status, title=f"Your page · {member.guild.name}", guild=member.guild,
                    member=member, notice=notice, problem=problem, confirm_erase=confirm_erase,
                    remote=is_remote(self.bot, member.guild), **figures, **who)

    async def _figures(self, member: Any) -> dict[str, Any]:
        """What each loaded feature shows of the member (None where the feature is not loaded or is off)."""
        guild_id, user_id = member.guild.id, member.id
        apis = self.bot.apis
        levels, engagement, points = apis.get(LevelsApi), apis.get(EngagementApi), apis.get(PointsApi)
        premium, gdpr = apis.get(PremiumApi), apis.get(GdprApi)
        levels_on = levels is not None and await self.bot.guild_settings.setting(guild_id, LEVELS_ENABLED)
        status = await premium.status_of(user_id) if premium is not None else None
        return {
            "rank": await levels.rank(guild_id, user_id) if levels_on else None,
            "profile": await engagement.profile(guild_id, user_id) if engagement is not None else None,
            "balance": await points.balance(guild_id, user_id) if points is not None else None,
            "premium_loaded": premium is not None,
            "premium": status,
            "premium_guild": self._guild_name(status),
            "gdpr_loaded": gdpr is not None and gdpr.requests is not None,
            "requests": await gdpr.requests.past(user_id) if gdpr is not None and gdpr.requests else [],
        }

    def _guild_name(self, status: Any) -> str:
        if status is None:
            return ""
        guild = self.bot.get_guild(status.guild_id)
        return guild.name if guild is not None else f"a server I am no longer in ({status.guild_id})"

    async def change(self, request: Request, guild_id: str) -> Response:
        """One of the member's actions (the form's `action`): open billing, export, ask to erase, erase."""
        checked = await self.dashboard.member_page(request, guild_id)
        if isinstance(checked, HTMLResponse):
            return checked
        session_id, session, member = checked
        form = await self.dashboard.form_checked(request, session_id)
        if form is None:
            return message("Refused", EXPIRED_FORM, status=403, **self.dashboard.who(session_id, session))
        action = first(form, "action")
        try:
            if action == "billing":
                return await self._billing(member)
            if action == "export":
                return await self._export(member)
            if action == "erase":
                wait = self._requests().erase_wait(member.id)  # said before the member confirms
                if wait > 0:
                    raise OnCooldown(wait, "data erasures")
                return await self._render(session_id, session, member, confirm_erase=True)
            if action == "erase_confirmed":
                return await self._erase(member)
            return await self._render(session_id, session, member, status=400,
                                      problem="This form does not say what to do. Reload the page and try again.")
        except UserFacingError as exc:
            problem = str(exc).replace("`", "")
            status = 502 if isinstance(exc, PortalFailed) else 400
            return await self._render(session_id, session, member, status=status, problem=problem)
        except DATABASE_ERRORS:
            return message("Try again later", UNAVAILABLE, status=503, **self.dashboard.who(session_id, session))

    def _requests(self) -> Any:
        gdpr = self.bot.apis.get(GdprApi)
        if gdpr is None or gdpr.requests is None:
            raise UserFacingError(NO_GDPR)
        return gdpr.requests

    async def _billing(self, member: Any) -> Response:
        """To the member's Stripe billing portal (as /premium manage), back to this page afterwards."""
        premium = self.bot.apis.get(PremiumApi)
        if premium is None:
            raise UserFacingError("Premium is not available on this bot right now.")
        back = f"{self.bot.config.public_url}/dashboard/{member.guild.id}/me"
        url = await premium.billing_portal(member.guild.id, member.id, return_url=back)
        record_change(self.bot, member, "billing")
        return RedirectResponse(url, status_code=303)

    async def _export(self, member: Any) -> Response:
        """The member's data as a JSON download (as /export_my_data)."""
        exported = await self._requests().export(member.id, "dashboard")
        record_change(self.bot, member, "data export")
        headers = {"Content-Disposition": 'attachment; filename="my-hearth-data.json"', "Cache-Control": "no-store"}
        return Response(exported.payload, media_type="application/json", headers=headers)

    async def _erase(self, member: Any) -> Response:
        """Erase the member's data (as /delete_my_data's confirm button). Their dashboard sessions are part of it:
        the summary page ends this browser's session too."""
        result = await self._requests().erase(member.id, "dashboard")
        log.info("Dashboard: user %s erased their data from the member page of guild %s", member.id,
                 member.guild.id)
        text = erasure_summary(result).replace("**", "")
        if result.committed:
            text += "\nYou have been logged out of the dashboard: your sessions were part of your data."
        answer = message("Your data" if result.committed else "Nothing was erased", text,
                         status=200 if result.committed else 503, login_link=result.committed)
        if result.committed:
            clear_cookie(answer, SESSION_COOKIE, secure=self.bot.config.public_url.startswith("https://"))
        return answer
