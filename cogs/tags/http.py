"""`/api/v1/guilds/{guild_id}/tags`: the guild's tags over the HTTP API, through the same `TagsApi` as `/tag` and the
dashboard.

- `GET …/tags` (read key): paged with core/api_paging.py, newest first; with `?search=` the tags `/tag search`
  finds instead, best first (at most 25, `limit` caps them, no next page).
- `POST …/tags`, `PUT …/tags/{name}`, `DELETE …/tags/{name}`, `POST …/tags/{name}/aliases` (write key): made as the
  member who created the key (`core.api_routes.acting_member`: still on the server with Manage Server), under the rules
  of `/tag`; its refusals are answered 400 (404 for an unknown tag) with the same words.

While the tags module is off on the server every route answers 409, as `/tag` is refused.
"""

from __future__ import annotations

import functools
from typing import Annotated, Any

from fastapi import Depends, Query
from pydantic import BaseModel, Field

from cogs.audit.api import record_change
from cogs.tags.api import ListedTag, Tag, TagsApi, TagSaved
from cogs.tags.names import CONTENT_MAX, NAME_MAX
from core.api_keys import ApiKey, require_key
from core.api_paging import PageRequest, page_request, paged
from core.api_routes import EDIT_ERRORS, ERRORS, acting_member, refusal
from core.http_api import Routes
from core.modules import ModuleOff
from utils.errors import UserFacingError

MODULE = "tags"
LIST_PATH = "/api/v1/guilds/{guild_id}/tags"
ONE_PATH = "/api/v1/guilds/{guild_id}/tags/{name}"
ALIASES_PATH = "/api/v1/guilds/{guild_id}/tags/{name}/aliases"
SEARCH_MAX = 25


class NewTag(BaseModel):
    """The body of `POST …/tags` (the options of `/tag create`)."""

    name: str = Field(max_length=NAME_MAX * 2)
    content: str = Field(max_length=CONTENT_MAX * 2)


class TagText(BaseModel):
    """The body of `PUT …/tags/{name}` (the option of `/tag edit`)."""

    content: str = Field(max_length=CONTENT_MAX * 2)


class NewAlias(BaseModel):
    """The body of `POST …/tags/{name}/aliases` (the option of `/tag alias`)."""

    alias: str = Field(max_length=NAME_MAX * 2)


def tag_json(tag: Tag, aliases: list[str]) -> dict[str, Any]:
    """A tag as the API answers it (Discord ids as strings)."""
    return {"id": tag.id, "name": tag.name, "content": tag.content, "aliases": aliases,
            "owner_id": str(tag.owner_id) if tag.owner_id else None,
            "content_set_by": str(tag.content_set_by) if tag.content_set_by else None, "uses": tag.uses,
            "created_at": tag.created_at.isoformat(), "updated_at": tag.updated_at.isoformat()}


class TagRoutes:
    """The routes, served while the tags cog is loaded."""

    def __init__(self, bot: Any, api: TagsApi) -> None:
        self.bot = bot
        self.api = api
        self.router = Routes()
        add = functools.partial(self.router.add_api_route, tags=["tags"])
        add(LIST_PATH, self.list_, methods=["GET"], responses=ERRORS, summary="The server's tags (read key)")
        add(LIST_PATH, self.create, methods=["POST"], responses=EDIT_ERRORS, status_code=201,
            summary="Create a tag (write key)")
        add(ONE_PATH, self.update, methods=["PUT"], responses=EDIT_ERRORS, summary="Replace a tag's text (write key)")
        add(ONE_PATH, self.delete, methods=["DELETE"], responses=EDIT_ERRORS,
            summary="Delete a tag or one alias (write key)")
        add(ALIASES_PATH, self.alias, methods=["POST"], responses=EDIT_ERRORS, status_code=201,
            summary="Add an alias (write key)")

    async def _module_on(self, guild_id: int) -> None:
        """Refuse (409) while the feature's module is off on the server, as its commands are refused."""
        try:
            await self.bot.modules.require_on(guild_id, MODULE)
        except ModuleOff as exc:
            raise refusal(exc, 409) from None

    async def list_(self, guild_id: int, key: Annotated[ApiKey, Depends(require_key("read"))],
                    page: Annotated[PageRequest, Depends(page_request)],
                    search: Annotated[str | None, Query(max_length=100, description="Words, as /tag search")] = None
                    ) -> dict[str, Any]:
        """GET: a page of the tags, newest first, or the best matches of `search`."""
        await self._module_on(key.guild_id)
        if search and search.strip():
            hits = await self.api.search(key.guild_id, search, min(page.limit, SEARCH_MAX))
            return {"items": [tag_json(hit.tag, await self.api.aliases(key.guild_id, hit.tag.id)) for hit in hits],
                    "next": None}
        found: list[ListedTag] = await self.api.listing(key.guild_id, page.before, page.limit + 1)
        return paged([tag_json(t.tag, t.aliases) for t in found], page, cursor=lambda item: item["id"])

    async def _done(self, member: Any, saved: TagSaved) -> dict[str, Any]:
        record_change(self.bot, member, "tags", via="api")
        aliases = await self.api.aliases(saved.tag.guild_id, saved.tag.id)
        return {**tag_json(saved.tag, aliases), "withheld_pings": saved.withheld}

    async def create(self, guild_id: int, body: NewTag,
                     key: Annotated[ApiKey, Depends(require_key("write"))]) -> dict[str, Any]:
        """POST: create a tag owned by the key's member."""
        await self._module_on(key.guild_id)
        member = acting_member(self.bot, key)
        try:
            saved = await self.api.create(member, body.name, body.content)
        except UserFacingError as exc:
            raise refusal(exc) from None
        return await self._done(member, saved)

    async def _status(self, guild_id: int, name: str) -> int:
        """400, or 404 when there is no tag or alias `name` (the refusal's status)."""
        return 404 if await self.api.get(guild_id, name) is None else 400

    async def update(self, guild_id: int, name: str, body: TagText,
                     key: Annotated[ApiKey, Depends(require_key("write"))]) -> dict[str, Any]:
        """PUT: replace the text (the key's member becomes its author)."""
        await self._module_on(key.guild_id)
        member = acting_member(self.bot, key)
        try:
            saved = await self.api.edit(member, name, body.content)
        except UserFacingError as exc:
            raise refusal(exc, await self._status(key.guild_id, name)) from None
        return await self._done(member, saved)

    async def delete(self, guild_id: int, name: str,
                     key: Annotated[ApiKey, Depends(require_key("write"))]) -> dict[str, Any]:
        """DELETE: the tag with its aliases, or only the alias when `name` is one."""
        await self._module_on(key.guild_id)
        member = acting_member(self.bot, key)
        try:
            gone = await self.api.delete(member, name)
        except UserFacingError as exc:
            raise refusal(exc, await self._status(key.guild_id, name)) from None
        record_change(self.bot, member, "tags", via="api")
        if gone.alias is not None:
            return {"deleted_alias": gone.alias, "tag": gone.name}
        return {"deleted": gone.name, "aliases": gone.aliases}

    async def alias(self, guild_id: int, name: str, body: NewAlias,
                    key: Annotated[ApiKey, Depends(require_key("write"))]) -> dict[str, Any]:
        """POST: give the tag another name."""
        await self._module_on(key.guild_id)
        member = acting_member(self.bot, key)
        try:
            clean, tag = await self.api.add_alias(member, body.alias, name)
        except UserFacingError as exc:
            raise refusal(exc, await self._status(key.guild_id, name)) from None
        record_change(self.bot, member, "tags", via="api")
        return {"alias": clean, "tag": tag.name}
