"""The tickets pages: `/dashboard/{guild}/tickets` (open and closed tickets, filtered by status, opener and assignee,
25 a page, newest first), `/dashboard/{guild}/tickets/{number}` (one ticket: its details and feedback) and
`/dashboard/{guild}/tickets/{number}/transcript` (its kept transcript). All read `TicketsApi`, as the REST routes do.

The transcript is the whole page the tickets cog kept when the ticket closed (every message in it escaped by
cogs/tickets/transcript_html.py). It is served alone, with `Content-Security-Policy: sandbox …`: even markup that
slipped through could run no script, and the page is an opaque origin with no access to the dashboard's cookies."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, Response

from cogs.dashboard.contract import Dashboard
from cogs.dashboard.listing import PER_PAGE, UNAVAILABLE, cursor, member_filter, name_of, older_link, when, zone_of
from cogs.dashboard.pages import message, page
from cogs.tickets.api import STATUS_FILTERS, TicketsApi, TicketView
from utils.errors import DATABASE_ERRORS

NOT_HERE = "There is no ticket #{number} on this server."
OFF = "The tickets feature is not running on this bot."


@dataclass(frozen=True)
class TicketRow:
    """A ticket as the pages show it."""

    ticket: TicketView
    opener: str
    assignee: str
    opened: str
    closed: str
    closed_by: str


def shown(ticket: TicketView, guild: Any, zone: Any) -> TicketRow:
    """The page row of a ticket: names for ids, times in the server's zone."""
    return TicketRow(ticket, name_of(guild, ticket.opener_id, ticket.opener_name), name_of(guild, ticket.assignee_id),
                     when(ticket.created_at, zone), when(ticket.closed_at, zone), name_of(guild, ticket.closed_by))


class TicketPages:
    """GET of the tickets list, a ticket, and its transcript."""

    def __init__(self, dashboard: Dashboard) -> None:
        self.dashboard = dashboard

    def _api(self) -> TicketsApi | None:
        return self.dashboard.bot.apis.get(TicketsApi)

    async def show_list(self, request: Request, guild_id: str) -> HTMLResponse:
        """The tickets, filtered, one page."""
        checked = await self.dashboard.guild_page(request, guild_id)
        if isinstance(checked, HTMLResponse):
            return checked
        session_id, session, member = checked
        guild, who, query = member.guild, self.dashboard.who(session_id, session), request.query_params
        status = query.get("status", "")
        status = status if status in STATUS_FILTERS else ""
        opener_typed, assignee_typed = query.get("opener", "").strip()[:100], query.get("assignee", "").strip()[:100]
        opener_id, problem = member_filter(guild, opener_typed)
        assignee_id, assignee_problem = member_filter(guild, assignee_typed)
        context: dict[str, Any] = {"guild": guild, "section": "tickets", "status_filter": status,
                                   "statuses": STATUS_FILTERS, "opener_typed": opener_typed,
                                   "assignee_typed": assignee_typed, "rows": [],
                                   "next": None, "paged": "before" in query, "problem": problem or assignee_problem,
                                   "running": True}
        api = self._api()
        if api is None:
            context["running"] = False
        elif not context["problem"]:
            try:
                zone = await zone_of(self.dashboard.bot, guild.id)
                found = await api.page(guild.id, status=status or None, opener_id=opener_id, assignee_id=assignee_id,
                                       before=cursor(query.get("before", "")), limit=PER_PAGE + 1)
            except DATABASE_ERRORS:
                return message("Try again later", UNAVAILABLE, status=503, **who)
            context["rows"] = [shown(ticket, guild, zone) for ticket in found[:PER_PAGE]]
            if len(found) > PER_PAGE:
                filters = {"status": status, "opener": opener_typed, "assignee": assignee_typed}
                context["next"] = older_link(f"/dashboard/{guild.id}/tickets", filters, found[PER_PAGE - 1].id)
        return page("tickets.html", title=f"Tickets · {guild.name}", **context, **who)

    async def show_one(self, request: Request, guild_id: str, number: str) -> HTMLResponse:
        """One ticket: details, feedback, and the link to its transcript."""
        checked = await self.dashboard.guild_page(request, guild_id)
        if isinstance(checked, HTMLResponse):
            return checked
        session_id, session, member = checked
        guild, who = member.guild, self.dashboard.who(session_id, session)
        api = self._api()
        if api is None:
            return message("Tickets are off", OFF, status=404, **who)
        try:
            found = await api.details(guild.id, int(number)) if number.isdigit() and len(number) < 10 else None
            zone = await zone_of(self.dashboard.bot, guild.id)
        except DATABASE_ERRORS:
            return message("Try again later", UNAVAILABLE, status=503, **who)
        if found is None:  # another server's ticket is refused like a missing one: nothing tells them apart
            return message("Not on this server", NOT_HERE.format(number=number[:12]), status=403, **who)
        ticket, rating, kept = found
        return page("ticket.html", title=f"Ticket #{ticket.id} · {guild.name}", guild=guild, section="tickets",
                    row=shown(ticket, guild, zone), rating=rating, kept=kept,
                    rated=when(rating.created_at, zone) if rating else "", **who)

    async def transcript(self, request: Request, guild_id: str, number: str) -> Response:
        """The kept transcript, sandboxed."""
        checked = await self.dashboard.guild_page(request, guild_id)
        if isinstance(checked, HTMLResponse):
            return checked
        session_id, session, member = checked
        who = self.dashboard.who(session_id, session)
        api = self._api()
        if api is None:
            return message("Tickets are off", OFF, status=404, **who)
        ticket_id = int(number) if number.isdigit() and len(number) < 10 else 0
        try:
            kept = await api.transcript(member.guild.id, ticket_id)
            ours = kept is not None or await api.details(member.guild.id, ticket_id) is not None
        except DATABASE_ERRORS:
            return message("Try again later", UNAVAILABLE, status=503, **who)
        if not ours:
            return message("Not on this server", NOT_HERE.format(number=number[:12]), status=403, **who)
        if kept is None:
            return message("No transcript", f"There is no kept transcript of ticket #{number[:12]} on this server "
                           "(one is kept when a ticket closes).", status=404, **who)
        return HTMLResponse(kept, headers={"Content-Security-Policy": api.transcript_policy()})
