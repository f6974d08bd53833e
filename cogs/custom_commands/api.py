"""The custom commands' public API: the one code path that lists, adds, edits and removes a guild's custom
commands, used by `/config custom_commands …`, the dashboard's page and the `/api/v1` routes alike.

The custom commands cog publishes one `CustomCommandsApi` on `bot.apis` while it is loaded (`bot.apis.get(
CustomCommandsApi)`, None when it is not). Every change is made AS a member (`discord.Member`) who must have
Manage Server on the server now (the rule of `/config`); their id becomes the response's author
(`response_set_by`), so the response later pings only what they may ping (cogs/custom_commands/cog.py). What in a
response will not ping is returned as `Saved.withheld`, for the caller to tell the member.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import discord

from cogs.custom_commands import repo
from cogs.custom_commands.matching import TRIGGER_MAX, TRIGGER_TYPES, compile_trigger
from cogs.custom_commands.templates import check_template
from core.guild_kit import require_manage_server
from utils.errors import BadInput, UserFacingError
from utils.mentions import withheld_pings

__all__ = ["MAX_COMMANDS", "CustomCommand", "CustomCommandsApi", "Saved", "ping_note"]
log = logging.getLogger(__name__)
CHANGED = "Custom commands are changed"  # the refusal's subject: "… by members with Manage Server"
NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,31}$")
MAX_COMMANDS = 200
EDITABLE = ("trigger_type", "trigger_value", "response", "case_sensitive", "delete_trigger", "reply_to_user",
            "enabled")


@dataclass(frozen=True)
class CustomCommand:
    """One custom command as stored."""

    id: int
    name: str
    trigger_type: str
    trigger_value: str
    response: str
    enabled: bool
    case_sensitive: bool
    delete_trigger: bool
    reply_to_user: bool
    uses: int
    created_by: int | None
    created_at: datetime
    updated_at: datetime
    response_set_by: int | None

    @classmethod
    def from_row(cls, row: Any) -> CustomCommand:
        """From a row of `repo.COLUMNS`."""
        return cls(**dict(row))


@dataclass(frozen=True)
class Saved:
    """A command just added or edited, and what in its response will not ping (@everyone, @here, roles)."""

    command: CustomCommand
    withheld: list[str]


def validate(values: dict[str, Any]) -> dict[str, Any]:
    """Check a command's trigger and response; raises `BadInput` with the reason."""
    trigger = values["trigger_value"]
    if not trigger or not trigger.strip():
        raise BadInput("The trigger is empty.", example="trigger: !rules")
    if len(trigger) > TRIGGER_MAX:
        raise BadInput(f"The trigger is {len(trigger)} characters long; the limit is {TRIGGER_MAX}.")
    if values["trigger_type"] not in TRIGGER_TYPES:
        raise BadInput(f"Unknown trigger type; use one of {', '.join(TRIGGER_TYPES)}.")
    if values["trigger_type"] == "regex":
        compile_trigger(trigger, values["case_sensitive"])
    check_template(values["response"])
    return values


def ping_note(withheld: list[str]) -> str:
    """The sentence telling the member what in the response they set will not ping ("" when everything may)."""
    if not withheld:
        return ""
    return (f"{', '.join(withheld)} will not ping: you may not mention everyone, and a response pings only what its "
            "author and the member who triggers it may both ping.")


def not_found(name: str) -> BadInput:
    """The refusal for a name the guild has no command for."""
    return BadInput(f"There is no custom command `{name}` on this server.", example="/config custom_commands list")


class CustomCommandsApi:
    """The custom commands of every guild (reached as `bot.apis.get(CustomCommandsApi)`)."""

    def __init__(self, cog: Any) -> None:
        self._cog = cog

    @property
    def _pool(self) -> Any:
        return self._cog.pool

    async def all(self, guild_id: int) -> list[CustomCommand]:
        """Every command of the guild by name, with its uses so far (the counts not yet written included)."""
        await self._cog.uses.flush(self._pool)
        return [CustomCommand.from_row(row) for row in await repo.all_commands(self._pool, guild_id)]

    async def get(self, guild_id: int, name: str) -> CustomCommand | None:
        """The guild's command called `name` (any case), or None."""
        row = await repo.by_name(self._pool, guild_id, name.strip().lower())
        return None if row is None else CustomCommand.from_row(row)

    async def page(self, guild_id: int, before: int | None, limit: int) -> list[CustomCommand]:
        """Up to `limit` commands older than the id `before`, newest first (for core/api_paging.py)."""
        await self._cog.uses.flush(self._pool)
        return [CustomCommand.from_row(row) for row in await repo.page(self._pool, guild_id, before, limit)]

    async def add(self, member: discord.Member, *, name: str, trigger_type: str, trigger: str, response: str,
                  case_sensitive: bool = False, delete_trigger: bool = False, reply_to_user: bool = True,
                  where: Any = None) -> Saved:
        """Add a command as `member`; `where` is the channel the pings are judged in (default: server-wide).
        Raises `BadInput`/`UserFacingError` with what is wrong."""
        require_manage_server(member, CHANGED)
        guild_id = member.guild.id
        name = name.strip().lower()
        if not NAME.match(name):
            raise BadInput("A name is 1–32 lower-case letters, digits, - or _.", example="name: rules")
        values = validate({"name": name, "trigger_type": trigger_type, "trigger_value": trigger, "response": response,
                           "case_sensitive": case_sensitive, "delete_trigger": delete_trigger,
                           "reply_to_user": reply_to_user})
        if await repo.count(self._pool, guild_id) >= MAX_COMMANDS:
            raise BadInput(f"This server already has {MAX_COMMANDS} custom commands; remove one first.")
        created = await repo.create(self._pool, guild_id, values, member.id, self._cog.bot.clock.now())
        if created is None:
            raise BadInput(f"There is already a custom command `{name}`; edit it or pick another name.",
                           example=f"/config custom_commands edit name:{name}")
        self._cog.cache.invalidate(guild_id)
        log.info("Guild %s: custom command %s added by %s", guild_id, name, member.id)
        return await self._saved(member, name, response, where)

    async def edit(self, member: discord.Member, name: str, changes: dict[str, Any], where: Any = None) -> Saved:
        """Change a command as `member`: `changes` holds some of `EDITABLE` (None values are left as they are).
        The response's author becomes `member` when the response is given."""
        require_manage_server(member, CHANGED)
        guild_id = member.guild.id
        row = await repo.by_name(self._pool, guild_id, name.strip().lower())
        if row is None:
            raise not_found(name)
        unknown = set(changes) - set(EDITABLE)
        if unknown:
            raise BadInput(f"Unknown field(s): {', '.join(sorted(unknown))}; a command has {', '.join(EDITABLE)}.")
        values = {key: row[key] if changes.get(key) is None else changes[key] for key in EDITABLE}
        validate(values)
        response = changes.get("response")
        await repo.update(self._pool, guild_id, row["name"], values, self._cog.bot.clock.now(),
                          member.id if response is not None else None)
        self._cog.cache.invalidate(guild_id)
        log.info("Guild %s: custom command %s edited by %s", guild_id, row["name"], member.id)
        return await self._saved(member, row["name"], response, where)

    async def remove(self, member: discord.Member, name: str) -> str:
        """Delete a command as `member`; its name as stored."""
        require_manage_server(member, CHANGED)
        clean = name.strip().lower()
        if not await repo.delete(self._pool, member.guild.id, clean):
            raise not_found(name)
        self._cog.cache.invalidate(member.guild.id)
        log.info("Guild %s: custom command %s deleted by %s", member.guild.id, clean, member.id)
        return clean

    async def _saved(self, member: discord.Member, name: str, response: str | None, where: Any) -> Saved:
        command = await self.get(member.guild.id, name)
        if command is None:
            raise UserFacingError(f"The custom command `{name}` was deleted meanwhile.")
        withheld = withheld_pings(response, where if where is not None else member.guild, member)
        return Saved(command, withheld)
