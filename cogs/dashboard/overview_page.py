"""The overview page, `/dashboard/{guild}/overview`: the server's last 30 days as bar charts (members joined and
left, messages, commands, tickets opened, automod actions) and the tickets open now, from `StatsApi.overview`
(cogs/insight), the same figures as `GET /api/v1/guilds/{guild}/stats`. A feature that is not loaded shows
"not recorded" instead of a chart of zeros; with the stats module off, messages, joins and leaves are not counted."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse

from cogs.dashboard.charts import bar_chart
from cogs.dashboard.contract import UNAVAILABLE, GuildPage
from cogs.dashboard.pages import message, page
from cogs.insight.api import SERIES, StatsApi
from utils.errors import DATABASE_ERRORS

DAYS = 30
UNITS = {"joins": ("member joined", "members joined"), "leaves": ("member left", "members left"),
         "messages": ("message", "messages"), "commands": ("command", "commands"),
         "tickets_opened": ("ticket opened", "tickets opened"),
         "automod_actions": ("automod action", "automod actions")}


class OverviewPage(GuildPage):
    """GET of the overview page: the charts of the last 30 days."""

    async def _page(self, request: Request, session_id: str, session: Any, member: Any) -> HTMLResponse:
        guild = member.guild
        who = self.dashboard.who(session_id, session)
        api = self.dashboard.bot.apis.get(StatsApi)
        if api is None:
            return page("overview.html", title=f"Overview · {guild.name}", guild=guild, section="overview",
                        charts=[], missing=[], open_tickets=None, counting=False, available=False, **who)
        try:
            overview = await api.overview(guild.id, DAYS)
            counting = await api.counting(guild.id)
        except DATABASE_ERRORS:
            return message("Try again later", UNAVAILABLE, status=503, **who)
        charts, missing = [], []
        for key, label in SERIES:
            values = overview.series[key]
            if values is None:
                missing.append(label)
            else:
                charts.append(bar_chart(key, label, overview.days, values, UNITS[key]))
        return page("overview.html", title=f"Overview · {guild.name}", guild=guild, section="overview",
                    charts=charts, missing=missing, open_tickets=overview.open_tickets, counting=counting,
                    available=True, first=overview.days[0].isoformat(), last=overview.days[-1].isoformat(), **who)
