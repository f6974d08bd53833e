"""`/api/v1/guilds/{guild_id}/commands`: the guild's custom commands over the HTTP API, through the same
`CustomCommandsApi` as `/config custom_commands` and the dashboard.

- `GET …/commands` (read key): paged with core/api_paging.py, newest first.
- `POST …/commands`, `PUT …/commands/{name}`, `DELETE …/commands/{name}` (write key): the change is made as the
  member who created the key (`core.api_routes.acting_member`: still on the server with Manage Server), with the same
  validation and refusals as the slash command (answered 400 with its words), and recorded by the audit tracker.

While the custom commands module is off on the server every route answers 409, as the commands are refused.
"""

from __future__ import annotations

import functools
from typing import Annotated, Any, Literal

from fastapi import Depends
from pydantic import BaseModel, Field

from cogs.audit.api import record_change
from cogs.custom_commands.api import CustomCommand, CustomCommandsApi, Saved
from cogs.custom_commands.matching import TRIGGER_MAX
from core.api_keys import ApiKey, require_key
from core.api_paging import PageRequest, page_request, paged
from core.api_routes import EDIT_ERRORS, ERRORS, acting_member, refusal
from core.http_api import Routes
from core.modules import ModuleOff
from utils.errors import UserFacingError

MODULE = "custom_commands"
LIST_PATH = "/api/v1/guilds/{guild_id}/commands"
ONE_PATH = "/api/v1/guilds/{guild_id}/commands/{name}"
TriggerType = Literal["exact", "starts_with", "contains", "regex"]


class NewCommand(BaseModel):
    """The body of `POST …/commands` (the options of `/config custom_commands add`)."""

    name: str = Field(max_length=100)  # longer than allowed, but the refusal is then the command's own words
    trigger_type: TriggerType
    trigger: str = Field(max_length=TRIGGER_MAX * 2)
    response: str = Field(max_length=4000)
    case_sensitive: bool = False
    delete_trigger: bool = False
    reply_to_user: bool = True


class CommandChanges(BaseModel):
    """The body of `PUT …/commands/{name}`: the fields to change (the options of `/config custom_commands edit`)."""

    trigger_type: TriggerType | None = None
    trigger: str | None = Field(default=None, max_length=TRIGGER_MAX * 2)
    response: str | None = Field(default=None, max_length=4000)
    case_sensitive: bool | None = None
    delete_trigger: bool | None = None
    reply_to_user: bool | None = None
    enabled: bool | None = None


def command_json(command: CustomCommand) -> dict[str, Any]:
    """A command as the API answers it (Discord ids as strings)."""
    return {"id": command.id, "name": command.name, "trigger_type": command.trigger_type,
            "trigger": command.trigger_value, "response": command.response, "enabled": command.enabled,
            "case_sensitive": command.case_sensitive, "delete_trigger": command.delete_trigger,
            "reply_to_user": command.reply_to_user, "uses": command.uses,
            "created_by": str(command.created_by) if command.created_by else None,
            "response_set_by": str(command.response_set_by) if command.response_set_by else None,
            "created_at": command.created_at.isoformat(), "updated_at": command.updated_at.isoformat()}


def saved_json(saved: Saved) -> dict[str, Any]:
    """A command just saved, with what in its response will not ping."""
    return {**command_json(saved.command), "withheld_pings": saved.withheld}


class CustomCommandRoutes:
    """The routes, served while the custom commands cog is loaded."""

    def __init__(self, bot: Any, api: CustomCommandsApi) -> None:
        self.bot = bot
        self.api = api
        self.router = Routes()
        add = functools.partial(self.router.add_api_route, tags=["custom commands"])
        add(LIST_PATH, self.list_, methods=["GET"], responses=ERRORS, summary="The server's custom commands (read key)")
        add(LIST_PATH, self.create, methods=["POST"], responses=EDIT_ERRORS, status_code=201,
            summary="Add a custom command (write key)")
        add(ONE_PATH, self.update, methods=["PUT"], responses=EDIT_ERRORS,
            summary="Change a custom command (write key)")
        add(ONE_PATH, self.delete, methods=["DELETE"], responses=EDIT_ERRORS,
            summary="Delete a custom command (write key)")

    async def _module_on(self, guild_id: int) -> None:
        """Refuse (409) while the feature's module is off on the server, as its commands are refused."""
        try:
            await self.bot.modules.require_on(guild_id, MODULE)
        except ModuleOff as exc:
            raise refusal(exc, 409) from None

    async def list_(self, guild_id: int, key: Annotated[ApiKey, Depends(require_key("read"))],
                    page: Annotated[PageRequest, Depends(page_request)]) -> dict[str, Any]:
        """GET: a page of the commands, newest first."""
        await self._module_on(key.guild_id)
        found = await self.api.page(key.guild_id, page.before, page.limit + 1)
        return paged([command_json(c) for c in found], page, cursor=lambda item: item["id"])

    async def create(self, guild_id: int, body: NewCommand,
                     key: Annotated[ApiKey, Depends(require_key("write"))]) -> dict[str, Any]:
        """POST: add a command as the key's member."""
        await self._module_on(key.guild_id)
        member = acting_member(self.bot, key)
        try:
            saved = await self.api.add(member, name=body.name, trigger_type=body.trigger_type, trigger=body.trigger,
                                       response=body.response, case_sensitive=body.case_sensitive,
                                       delete_trigger=body.delete_trigger, reply_to_user=body.reply_to_user)
        except UserFacingError as exc:
            raise refusal(exc) from None
        record_change(self.bot, member, "custom commands", via="api")
        return saved_json(saved)

    async def update(self, guild_id: int, name: str, body: CommandChanges,
                     key: Annotated[ApiKey, Depends(require_key("write"))]) -> dict[str, Any]:
        """PUT: change the fields given."""
        await self._module_on(key.guild_id)
        member = acting_member(self.bot, key)
        changes = body.model_dump()
        changes["trigger_value"] = changes.pop("trigger")
        try:
            saved = await self.api.edit(member, name, changes)
        except UserFacingError as exc:
            raise refusal(exc, 404 if await self.api.get(key.guild_id, name) is None else 400) from None
        record_change(self.bot, member, "custom commands", via="api")
        return saved_json(saved)

    async def delete(self, guild_id: int, name: str,
                     key: Annotated[ApiKey, Depends(require_key("write"))]) -> dict[str, Any]:
        """DELETE: remove the command."""
        await self._module_on(key.guild_id)
        member = acting_member(self.bot, key)
        try:
            removed = await self.api.remove(member, name)
        except UserFacingError as exc:
            raise refusal(exc, 404) from None
        record_change(self.bot, member, "custom commands", via="api")
        return {"deleted": removed}


__all__ = ["CustomCommandRoutes"]
