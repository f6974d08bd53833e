"""`GET /api/v1/guilds/{guild_id}/audit` (read key): the server's recorded commands from the audit tracker (its
public API, `AuditApi.recent`, as the dashboard's audit page), filtered by command and member, paged."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Query

from cogs.api.models import AuditPage
from cogs.api.setting_routes import UNAVAILABLE
from cogs.audit.api import AuditApi, AuditEntry
from core.api_keys import ApiError
from core.api_paging import PageRequest, page_request, paged
from core.api_routes import ERRORS, Read
from core.http_api import Routes
from utils.errors import DATABASE_ERRORS

PATH = "/api/v1/guilds/{guild_id}/audit"


def audit_json(entry: AuditEntry) -> dict[str, Any]:
    """One recorded command as the API gives it."""
    return {"id": str(entry.id), "user_id": str(entry.user_id), "command": entry.command_name,
            "kind": entry.command_type, "success": entry.success, "error": entry.error_message,
            "created_at": entry.created_at}


class AuditRoutes:
    """The audit route (the api cog adds it to its router)."""

    def __init__(self, bot: Any) -> None:
        self.bot = bot

    def add_to(self, router: Routes) -> None:
        """Declare the route on `router`."""
        router.add_api_route(PATH, self.recent, methods=["GET"], tags=["audit"], response_model=AuditPage,
                             responses=ERRORS, summary="The recorded commands, newest first, filtered, paged "
                                                       "(read key)")

    async def recent(self, guild_id: int, key: Read, page: Annotated[PageRequest, Depends(page_request)],
                     command: Annotated[str | None, Query(max_length=100, description="A command and its "
                                                          "subcommands, e.g. `ticket`")] = None,
                     member: Annotated[str | None, Query(pattern=r"^\d{1,20}$", description="A member's id")]
                     = None) -> dict[str, Any]:
        """The recorded commands, newest first."""
        audit = self.bot.apis.get(AuditApi)
        if audit is None:
            raise ApiError(503, "the audit tracker is not running on this bot, so no commands are recorded")
        name = " ".join((command or "").strip().lstrip("/").split()).lower() or None
        try:
            entries = await audit.recent(key.guild_id, command=name, user_id=int(member) if member else None,
                                         limit=page.limit + 1, before=page.before)
        except DATABASE_ERRORS:
            raise UNAVAILABLE from None
        return paged([audit_json(entry) for entry in entries], page, cursor=lambda item: item["id"])
