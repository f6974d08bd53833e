"""The case log's REST routes (a read key of the guild): `GET /api/v1/guilds/{guild_id}/cases` (newest first, paged
with `core.api_paging`, filtered by `member`, `moderator` — user ids —, `type` and `state` — active or expired) and
`GET /api/v1/guilds/{guild_id}/cases/{number}`. Both read `ModerationApi`, as the dashboard's cases page does.
Discord ids are strings."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Query

from cogs.moderation.api import CASE_STATES, CaseEntry, ModerationApi
from core.api_keys import ApiError, ApiKey, require_key
from core.api_paging import PageRequest, page_request, paged
from core.api_routes import ERRORS, UNAVAILABLE, feature_api, snowflake, user_id_filter
from core.http_api import Routes
from utils.errors import DATABASE_ERRORS

TAGS = ["cases"]
LIST_PATH = "/api/v1/guilds/{guild_id}/cases"
ONE_PATH = "/api/v1/guilds/{guild_id}/cases/{number}"



def case_json(entry: CaseEntry) -> dict[str, Any]:
    """A case as JSON."""
    case = entry.case
    return {"number": case.number, "type": case.type, "title": entry.title, "active": entry.active,
            "member_id": snowflake(case.target_id), "moderator_id": snowflake(case.moderator_id),
            "automod_rule": case.automod_rule, "reason": case.reason, "duration_seconds": case.duration_seconds,
            "expires_at": case.expires_at.isoformat() if case.expires_at else None, "points": case.points,
            "linked_case": case.linked_case, "created_at": case.created_at.isoformat(),
            "edited": case.updated_at is not None}



def cases_router(bot: Any) -> Routes:
    """The routes, included while the moderation cog is loaded."""
    router = Routes()

    def api() -> ModerationApi:
        return feature_api(bot, ModerationApi, "the case log is")

    async def list_cases(guild_id: int, key: Annotated[ApiKey, Depends(require_key("read"))],
                         page: Annotated[PageRequest, Depends(page_request)],
                         member: Annotated[str | None, Query(description="The member's user id")] = None,
                         moderator: Annotated[str | None, Query(description="The moderator's user id")] = None,
                         type: Annotated[str | None, Query(description="A case type, e.g. ban")] = None,
                         state: Annotated[str | None, Query(description="active or expired")] = None,
                         ) -> dict[str, Any]:
        """The server's cases, newest first."""
        if type is not None and type not in ModerationApi.TYPES:
            raise ApiError(400, f"type must be one of {', '.join(ModerationApi.TYPES)}")
        if state is not None and state not in CASE_STATES:
            raise ApiError(400, "state must be active or expired")
        try:
            found = await api().cases(key.guild_id, target_id=user_id_filter("member", member),
                                      moderator_id=user_id_filter("moderator", moderator), type_=type, state=state,
                                      before=page.before, limit=page.limit + 1)
        except DATABASE_ERRORS:
            raise ApiError(503, UNAVAILABLE) from None
        return paged([case_json(entry) for entry in found], page, cursor=lambda item: item["number"])

    async def one_case(guild_id: int, number: int,
                       key: Annotated[ApiKey, Depends(require_key("read"))]) -> dict[str, Any]:
        """One case."""
        try:
            found = await api().case(key.guild_id, number)
        except DATABASE_ERRORS:
            raise ApiError(503, UNAVAILABLE) from None
        if found is None:
            raise ApiError(404, f"there is no case #{number} on this server")
        return case_json(found)

    router.add_api_route(LIST_PATH, list_cases, methods=["GET"], tags=TAGS, responses=ERRORS,
                         summary="The server's cases (read key)")
    router.add_api_route(ONE_PATH, one_case, methods=["GET"], tags=TAGS, responses=ERRORS,
                         summary="One case (read key)")
    return router


def include_routes(bot: Any) -> Routes:
    """Serve the routes on the bot's HTTP API (from the cog's `load()`); returns the router to remove later."""
    router = cases_router(bot)
    bot.api.include(router)
    return router
