"""The trust boundary of keyed writes: a key acts for the member who created it, and only while that member is
still on the server with Manage Server (as `/config` requires of them). Every change a write route makes is made as
that member: role safety, `changed_by` in settings_history, the audit tracker, the log-channel line.

A change is then recorded by the audit tracker as `api <area>` of kind `api` (`AuditApi.record_web_change`), and
noted in the server's log channel naming the member and the key's prefix.
"""

from __future__ import annotations

import logging
from typing import Any

import discord

from cogs.audit.api import AuditApi
from core.api_keys import ApiError, ApiKey
from core.guild_kit import post_to_log

log = logging.getLogger(__name__)


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


async def record(bot: Any, member: discord.Member, key: ApiKey, area: str, summary: str) -> None:
    """Record an API change by `member` with `key`: the audit tracker (`api <area>`) and the log channel."""
    audit = bot.apis.get(AuditApi)
    if audit is not None:
        audit.record_web_change(member.guild.id, member.id, area, via="api")
    problem = await post_to_log(bot, member.guild, content=f"⚙️ {member.mention} changed {summary} through the API "
                                                           f"(key `{key.prefix}…`)"[:2000])
    if problem:
        log.info("API: change in guild %s not noted in its log channel: %s", member.guild.id, problem)
