"""The events pages: `/dashboard/{guild}/events` (upcoming or past events, 25 a page, newest first, with how many
answered Going, Maybe, waitlist and pending approval) and `/dashboard/{guild}/events/{id}` (one event with its
attendees by name). Both read `EventsApi`, as `GET /api/v1/guilds/{guild}/events` does."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse

from cogs.dashboard.contract import Dashboard
from cogs.dashboard.listing import PER_PAGE, UNAVAILABLE, cursor, name_of, older_link, when
from cogs.dashboard.pages import message, page
from cogs.events.api import EVENT_STATES, EventsApi, EventView
from utils.durations import format_duration
from utils.errors import DATABASE_ERRORS

OFF = "Events are not running on this bot."
ANSWERS = (("going", "Going"), ("maybe", "Maybe"), ("waitlist", "Waitlist"), ("pending", "Pending approval"))


@dataclass(frozen=True)
class EventRow:
    """An event as the pages show it (its time in its own zone)."""

    view: EventView
    starts: str
    duration: str
    organiser: str


def shown(view: EventView, guild: Any) -> EventRow:
    """The page row of an event."""
    event = view.event
    starts = f"{when(event.occurrence_at, event.tz)} ({event.timezone})"
    return EventRow(view, starts, format_duration(event.duration_seconds), name_of(guild, event.created_by))


class EventPages:
    """GET of the events list and of one event."""

    def __init__(self, dashboard: Dashboard) -> None:
        self.dashboard = dashboard

    async def show_list(self, request: Request, guild_id: str) -> HTMLResponse:
        """Upcoming or past events, one page."""
        checked = await self.dashboard.guild_page(request, guild_id)
        if isinstance(checked, HTMLResponse):
            return checked
        session_id, session, member = checked
        guild, who, query = member.guild, self.dashboard.who(session_id, session), request.query_params
        state = query.get("state", "upcoming")
        state = state if state in EVENT_STATES else "upcoming"
        context: dict[str, Any] = {"guild": guild, "section": "events", "state": state, "rows": [], "next": None,
                                   "paged": "before" in query, "running": True}
        api = self.dashboard.bot.apis.get(EventsApi)
        if api is None:
            context["running"] = False
        else:
            try:
                found = await api.events(guild.id, state=state, before=cursor(query.get("before", "")),
                                         limit=PER_PAGE + 1)
            except DATABASE_ERRORS:
                return message("Try again later", UNAVAILABLE, status=503, **who)
            context["rows"] = [shown(view, guild) for view in found[:PER_PAGE]]
            if len(found) > PER_PAGE:
                context["next"] = older_link(f"/dashboard/{guild.id}/events", {"state": state},
                                             found[PER_PAGE - 1].event.id)
        return page("events.html", title=f"Events · {guild.name}", **context, **who)

    async def show_one(self, request: Request, guild_id: str, event_id: str) -> HTMLResponse:
        """One event with its attendees."""
        checked = await self.dashboard.guild_page(request, guild_id)
        if isinstance(checked, HTMLResponse):
            return checked
        session_id, session, member = checked
        guild, who = member.guild, self.dashboard.who(session_id, session)
        api = self.dashboard.bot.apis.get(EventsApi)
        if api is None:
            return message("Events are off", OFF, status=404, **who)
        try:
            found = await api.details(guild.id, int(event_id)) if event_id.isdigit() and len(event_id) < 10 else None
        except DATABASE_ERRORS:
            return message("Try again later", UNAVAILABLE, status=503, **who)
        if found is None:
            return message("No such event", f"There is no event #{event_id[:12]} on this server.", status=404, **who)
        view, attendees = found
        groups = [(key, label, [(name_of(guild, a.user_id), when(a.responded_at, view.event.tz))
                                for a in attendees[key]]) for key, label in ANSWERS]
        return page("event.html", title=f"{view.event.title} · {guild.name}", guild=guild, section="events",
                    row=shown(view, guild), groups=groups, **who)
