"""The tickets' REST routes (a read key of the guild): `GET /api/v1/guilds/{guild_id}/tickets` (newest first, paged
with `core.api_paging`, filtered by `status` — open, closed or one status —, `opener` and `assignee` user ids) and
`GET /api/v1/guilds/{guild_id}/tickets/{number}` (one ticket with its feedback). Both read `TicketsApi`, as the
dashboard's tickets page does. Discord ids are strings."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Query

from cogs.tickets.api import STATUS_FILTERS, TicketFeedback, TicketsApi, TicketView
from core.api_keys import ApiError, ApiKey, require_key
from core.api_paging import PageRequest, page_request, paged
from core.api_routes import ERRORS, UNAVAILABLE, feature_api, snowflake, user_id_filter
from core.http_api import Routes
from utils.errors import DATABASE_ERRORS

TAGS = ["tickets"]
LIST_PATH = "/api/v1/guilds/{guild_id}/tickets"
ONE_PATH = "/api/v1/guilds/{guild_id}/tickets/{number}"



def _when(value: Any) -> str | None:
    return None if value is None else value.isoformat()


def ticket_json(ticket: TicketView) -> dict[str, Any]:
    """A ticket as JSON."""
    return {"number": ticket.id, "status": ticket.status, "opener_id": str(ticket.opener_id),
            "opener_name": ticket.opener_name, "description": ticket.description, "category": ticket.category,
            "priority": ticket.priority, "assignee_id": snowflake(ticket.assignee_id),
            "channel_id": snowflake(ticket.channel_id), "created_at": _when(ticket.created_at),
            "closed_at": _when(ticket.closed_at), "closed_by": snowflake(ticket.closed_by),
            "close_reason": ticket.close_reason}


def feedback_json(feedback: TicketFeedback | None) -> dict[str, Any] | None:
    """A rating as JSON."""
    if feedback is None:
        return None
    return {"stars": feedback.stars, "comment": feedback.comment, "created_at": _when(feedback.created_at)}



def tickets_router(bot: Any) -> Routes:
    """The routes, included while the tickets cog is loaded."""
    router = Routes()

    def api() -> TicketsApi:
        return feature_api(bot, TicketsApi, "tickets are")

    async def list_tickets(guild_id: int, key: Annotated[ApiKey, Depends(require_key("read"))],
                           page: Annotated[PageRequest, Depends(page_request)],
                           status: Annotated[str | None, Query(description="open, closed or one status")] = None,
                           opener: Annotated[str | None, Query(description="Opener's user id")] = None,
                           assignee: Annotated[str | None, Query(description="Claimer's user id")] = None,
                           ) -> dict[str, Any]:
        """The server's tickets, newest first."""
        if status is not None and status not in STATUS_FILTERS:
            raise ApiError(400, f"status must be one of {', '.join(STATUS_FILTERS)}")
        try:
            found = await api().page(key.guild_id, status=status, opener_id=user_id_filter("opener", opener),
                                     assignee_id=user_id_filter("assignee", assignee), before=page.before,
                                     limit=page.limit + 1)
        except DATABASE_ERRORS:
            raise ApiError(503, UNAVAILABLE) from None
        return paged([ticket_json(ticket) for ticket in found], page, cursor=lambda item: item["number"])

    async def one_ticket(guild_id: int, number: int,
                         key: Annotated[ApiKey, Depends(require_key("read"))]) -> dict[str, Any]:
        """One ticket with its feedback."""
        try:
            found = await api().details(key.guild_id, number)
        except DATABASE_ERRORS:
            raise ApiError(503, UNAVAILABLE) from None
        if found is None:
            raise ApiError(404, f"there is no ticket #{number} on this server")
        ticket, rating, kept = found
        return {**ticket_json(ticket), "feedback": feedback_json(rating), "has_transcript": kept}

    router.add_api_route(LIST_PATH, list_tickets, methods=["GET"], tags=TAGS, responses=ERRORS,
                         summary="The server's tickets (read key)")
    router.add_api_route(ONE_PATH, one_ticket, methods=["GET"], tags=TAGS, responses=ERRORS,
                         summary="One ticket with its feedback (read key)")
    return router


def include_routes(bot: Any) -> Routes:
    """Serve the routes on the bot's HTTP API (from the cog's `load()`); returns the router to remove later."""
    router = tickets_router(bot)
    bot.api.include(router)
    return router
