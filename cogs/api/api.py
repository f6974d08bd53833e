"""The API keys' public API (`bot.apis.get(ApiKeysApi)`): the one code path that creates, lists and revokes a
server's keys, used by `/config api_key …` and by the dashboard's API keys page alike.

Creating and revoking check what the commands check (a name, a scope, at most `MAX_KEYS` active keys, a key of this
server) and note the change in the server's log channel with the same line wherever it was made. The new key's
secret is returned once, to be shown once; only its hash is stored.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import discord

from cogs.api import repo
from core.api_keys import PREFIX_LENGTH, SCOPES, ApiKey, new_key
from core.guild_kit import post_to_log
from utils.errors import BadInput

log = logging.getLogger(__name__)

MAX_KEYS = 25  # active keys per server
MAX_NAME = 50


@dataclass(frozen=True)
class CreatedKey:
    """A key just created: `secret` is shown once to its creator and never again."""

    key: ApiKey
    secret: str


class ApiKeysApi:
    """Create, list and revoke a server's API keys (the api cog publishes one on `bot.apis`)."""

    def __init__(self, bot: Any, pool: Any) -> None:
        self._bot = bot
        self._pool = pool

    async def create(self, guild: discord.Guild, member: discord.Member, name: str, scope: str) -> CreatedKey:
        """A new key of `guild` created by `member` (who must have Manage Server: the caller checks), noted in the
        log channel; `BadInput` for an empty name, an unknown scope or too many keys."""
        name = " ".join(name.split())
        if not name or len(name) > MAX_NAME or scope not in SCOPES:
            raise BadInput(f"Give the key a name (1 to {MAX_NAME} characters), and a scope of read or write.",
                           example="/config api_key create name:dashboard scope:read")
        if await repo.count_active(self._pool, guild.id) >= MAX_KEYS:
            raise BadInput(f"This server already has {MAX_KEYS} API keys; revoke one first.",
                           example="/config api_key revoke key:hk_…")
        made = new_key()
        key = await repo.create(self._pool, guild.id, name, made.prefix, made.hash, scope, member.id,
                                self._bot.clock.now())
        await self._log(guild, f"🔑 {member.mention} created the {scope} API key `{key.prefix}…` "
                               f"({discord.utils.escape_markdown(name)}).")
        return CreatedKey(key, made.secret)

    async def revoke(self, guild: discord.Guild, member: discord.Member, prefix: str) -> list[ApiKey]:
        """Revoke the server's active key with this prefix (`hk_xxxxxxxx`, a trailing … ignored) as `member`, noted
        in the log channel; `BadInput` when the server has no such active key."""
        prefix = prefix.strip().rstrip("…. ")[:PREFIX_LENGTH]
        revoked = await repo.revoke(self._pool, guild.id, prefix, member.id, self._bot.clock.now())
        if not revoked:
            shown = prefix.replace("`", "'")  # shown in a code span: only a backtick could break it
            raise BadInput(f"There is no API key `{shown}` on this server (or it is already revoked).",
                           example="/config api_key list")
        await self._log(guild, f"🚫 {member.mention} revoked the API key {described(revoked)}.")
        return revoked

    async def active(self, guild_id: int) -> list[ApiKey]:
        """The server's keys that are not revoked, oldest first."""
        return await repo.active(self._pool, guild_id)

    async def of_guild(self, guild_id: int) -> list[ApiKey]:
        """The server's keys, revoked ones too, newest first."""
        return await repo.of_guild(self._pool, guild_id)

    async def _log(self, guild: discord.Guild, text: str) -> None:
        problem = await post_to_log(self._bot, guild, content=text)
        if problem:
            log.warning("Guild %s: could not note an API key change in the log channel: %s", guild.id, problem)


def described(keys: list[ApiKey]) -> str:
    """Keys as a Discord message names them: `hk_xxxxxxxx…` (name)."""
    return ", ".join(f"`{k.prefix}…` ({discord.utils.escape_markdown(k.name)})" for k in keys)
