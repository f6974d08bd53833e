"""The REST route of server insight: `GET /api/v1/guilds/{guild_id}/stats?days=30` (a read key of that guild), the
same figures as the dashboard's overview (`StatsApi.overview`)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Query

from cogs.insight.api import MAX_DAYS, StatsApi, overview_json
from core.api_keys import ApiError, ApiKey, require_key
from core.api_routes import ERRORS
from core.http_api import Routes
from utils.errors import DATABASE_ERRORS

TAGS = ["stats"]
STATS_PATH = "/api/v1/guilds/{guild_id}/stats"


def stats_router(bot: Any) -> Routes:
    """The router of the stats route (included while the insight cog is loaded)."""
    router = Routes()

    async def guild_stats(guild_id: int, key: Annotated[ApiKey, Depends(require_key("read"))],
                          days: Annotated[int, Query(ge=1, le=MAX_DAYS, description="Days up to today (1-90)")]
                          = 30) -> dict[str, Any]:
        """Per UTC day, oldest first: members joined and left, messages, commands, tickets opened, automod
        actions (null: not recorded on this bot); and the tickets open now."""
        api = bot.apis.get(StatsApi)
        if api is None:
            raise ApiError(503, "server stats are not available right now")
        try:
            overview = await api.overview(key.guild_id, days)
        except DATABASE_ERRORS:
            raise ApiError(503, "temporarily unavailable, retry later") from None
        return overview_json(key.guild_id, overview)

    router.add_api_route(STATS_PATH, guild_stats, methods=["GET"], tags=TAGS, responses=ERRORS,
                         summary="Daily figures of the server (read key)")
    return router
