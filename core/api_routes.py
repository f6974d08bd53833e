"""What every keyed `/api/v1` route shares: the refusal shape and the refusals it documents, the key types of its
parameters, and the trust boundary of keyed writes.

    router.add_api_route(PATH, route, methods=["GET"], summary="…", tags=["tags"], responses=ERRORS)

    async def route(guild_id: int, key: Read) -> …                  # a read key of that guild
    async def change(guild_id: int, key: Write, body: …) -> …:      # a write key
        member = acting_member(bot, key)                            # the member the key acts for, checked now

A write key acts for the member who created it, and only while that member is still on the server with Manage
Server (as `/config` requires of them): every change is made as that member (role safety, pings, `changed_by`),
so a key never lets its holder do more than its creator could do now. Features' refusals (`UserFacingError`,
`BadInput`) become API errors with the same words through `refusal`.
"""

from __future__ import annotations

from typing import Annotated, Any, TypeVar

import discord
from fastapi import Depends
from pydantic import BaseModel, Field

from core.api_keys import ApiError, ApiKey, require_key

T = TypeVar("T")
UNAVAILABLE = "temporarily unavailable, retry later"  # a 503's words (the database is unavailable)

Read = Annotated[ApiKey, Depends(require_key("read"))]
Write = Annotated[ApiKey, Depends(require_key("write"))]


class ErrorOut(BaseModel):
    """Every refusal: what was wrong, in words (a 429 also says when to retry)."""

    error: str = Field(description="What was wrong and how to fix it")
    retry_after: int | None = Field(default=None, description="429 only: seconds to wait")
    retry_at: str | None = Field(default=None, description="429 only: when to retry (ISO 8601, UTC)")
    details: list[dict[str, Any]] | None = Field(default=None, description="422 of a malformed request only: "
                                                 "each refused parameter (loc, msg, type)")


# The refusals of a keyed route, for the OpenAPI schema (`responses=`).
ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorOut, "description": text} for status, text in (
        (401, "No key, or an unknown or revoked key"), (403, "A key of another server, or a read key on a write "
                                                              "route, or its creator may no longer manage the server"),
        (422, "A parameter or value was refused (the message says which and why)"),
        (429, "Too many requests with this key (see Retry-After)"), (503, "The database is unavailable"))}
ERRORS[429]["headers"] = {"Retry-After": {"description": "Seconds to wait before retrying",
                                          "schema": {"type": "integer"}}}
WRITE_ERRORS: dict[int | str, dict[str, Any]] = {
    **ERRORS, 404: {"model": ErrorOut, "description": "Not on this server (the message says what)"}}
# A feature's edit through its slash command's code: refused with the command's words (400), an unknown name (404),
# the feature's module off on the server (409).
EDIT_ERRORS: dict[int | str, dict[str, Any]] = {
    **WRITE_ERRORS, 400: {"model": ErrorOut, "description": "Refused: the slash command's words"},
    409: {"model": ErrorOut, "description": "The feature's module is off on this server"}}


def guild_of(bot: Any, key: ApiKey) -> discord.Guild:
    """The key's server as this bot process sees it, or 404 when it is not here."""
    guild = bot.get_guild(key.guild_id)
    if guild is None or guild.unavailable:
        raise ApiError(404, "the bot is not in this server (or this bot process does not hold it); try again later")
    return guild


def acting_member(bot: Any, key: ApiKey) -> discord.Member:
    """The member a write key acts for: its creator, still on the server with Manage Server; else 403 saying why."""
    guild = guild_of(bot, key)
    if key.created_by is None:
        raise ApiError(403, f"the API key {key.prefix}… acts for the member who created it, whose data was erased; "
                            "an admin must create a new key")
    member = guild.get_member(key.created_by)
    if member is None:
        raise ApiError(403, f"the API key {key.prefix}… acts for the member who created it, who is no longer on this "
                            "server; an admin must create a new key")
    if not member.guild_permissions.manage_guild:
        raise ApiError(403, f"the API key {key.prefix}… acts for {member.display_name}, who no longer has Manage "
                            "Server on this server; an admin must create a new key")
    return member


def refusal(exc: Exception, status: int = 400) -> ApiError:
    """A feature's human refusal (`UserFacingError`, e.g. `BadInput`) as an API error: the same words the slash
    command answers, without Discord's Markdown backticks."""
    return ApiError(status, str(exc).replace("`", ""))


def snowflake(value: int | None) -> str | None:
    """A Discord id as the API gives it: a string (JavaScript numbers cannot hold 64-bit ids), or None."""
    return None if value is None else str(value)


def user_id_filter(name: str, value: str | None) -> int | None:
    """A user-id filter of the query string (`?member=…`): None when absent, else the id; 400 if not digits."""
    if value is None or value == "":
        return None
    if not value.isdigit() or len(value) > 20:
        raise ApiError(400, f"{name} must be a Discord user id (digits)")
    return int(value)


def feature_api(bot: Any, api_type: type[T], what: str) -> T:
    """The feature's public API on `bot.apis`, or 503 saying `what` is not available right now (not loaded)."""
    found = bot.apis.get(api_type)
    if found is None:
        raise ApiError(503, f"{what} not available right now")
    return found
