"""The events' REST routes (a read key of the guild): `GET /api/v1/guilds/{guild_id}/events` (newest first, paged
with `core.api_paging`, `state` upcoming or past) and `GET /api/v1/guilds/{guild_id}/events/{id}` (one event with
its attendees: going, maybe, waitlist, pending approval). Both read `EventsApi`, as the dashboard's events page
does. Discord ids are strings."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Query

from cogs.events.api import EVENT_STATES, EventsApi, EventView
from core.api_keys import ApiError, ApiKey, require_key
from core.api_paging import PageRequest, page_request, paged
from core.api_routes import ERRORS, UNAVAILABLE, feature_api
from core.http_api import Routes
from utils.errors import DATABASE_ERRORS

TAGS = ["events"]
LIST_PATH = "/api/v1/guilds/{guild_id}/events"
ONE_PATH = "/api/v1/guilds/{guild_id}/events/{event_id}"


def event_json(view: EventView) -> dict[str, Any]:
    """An event as JSON (times in UTC, ISO 8601)."""
    event = view.event
    return {"id": event.id, "title": event.title, "description": event.description, "status": event.status,
            "starts_at": event.occurrence_at.isoformat(), "ends_at": event.ends_at.isoformat(),
            "timezone": event.timezone, "location": event.location,
            "voice_channel_id": str(event.voice_channel_id) if event.voice_channel_id else None,
            "channel_id": str(event.channel_id), "recurrence": event.rrule, "capacity": event.capacity,
            "approval": event.approval, "organiser_id": str(event.created_by) if event.created_by else None,
            "url": view.url or None, "counts": view.counts}


def events_router(bot: Any) -> Routes:
    """The routes, included while the events cog is loaded."""
    router = Routes()

    def api() -> EventsApi:
        return feature_api(bot, EventsApi, "events are")

    async def list_events(guild_id: int, key: Annotated[ApiKey, Depends(require_key("read"))],
                          page: Annotated[PageRequest, Depends(page_request)],
                          state: Annotated[str | None, Query(description="upcoming or past")] = None,
                          ) -> dict[str, Any]:
        """The server's events, newest first."""
        if state is not None and state not in EVENT_STATES:
            raise ApiError(400, "state must be upcoming or past")
        try:
            found = await api().events(key.guild_id, state=state, before=page.before, limit=page.limit + 1)
        except DATABASE_ERRORS:
            raise ApiError(503, UNAVAILABLE) from None
        return paged([event_json(view) for view in found], page, cursor=lambda item: item["id"])

    async def one_event(guild_id: int, event_id: int,
                        key: Annotated[ApiKey, Depends(require_key("read"))]) -> dict[str, Any]:
        """One event with its attendees."""
        try:
            found = await api().details(key.guild_id, event_id)
        except DATABASE_ERRORS:
            raise ApiError(503, UNAVAILABLE) from None
        if found is None:
            raise ApiError(404, f"there is no event #{event_id} on this server")
        view, attendees = found
        return {**event_json(view), "attendees": {
            status: [{"user_id": str(a.user_id), "responded_at": a.responded_at.isoformat()} for a in people]
            for status, people in attendees.items()}}

    router.add_api_route(LIST_PATH, list_events, methods=["GET"], tags=TAGS, responses=ERRORS,
                         summary="The server's events (read key)")
    router.add_api_route(ONE_PATH, one_event, methods=["GET"], tags=TAGS, responses=ERRORS,
                         summary="One event with its attendees (read key)")
    return router


def include_routes(bot: Any) -> Routes:
    """Serve the routes on the bot's HTTP API (from the cog's `load()`); returns the router to remove later."""
    router = events_router(bot)
    bot.api.include(router)
    return router
