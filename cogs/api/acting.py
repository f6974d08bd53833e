"""Recording a keyed write (the member it acts for is `core.api_routes.acting_member`): every change a write route
makes is made as that member: role safety, `changed_by` in settings_history, the audit tracker, the log-channel line.

A change is then recorded by the audit tracker as `api <area>` of kind `api` (`AuditApi.record_web_change`), and
noted in the server's log channel naming the member and the key's prefix.
"""

from __future__ import annotations

import logging
from typing import Any

import discord

from cogs.audit.api import record_change
from core.api_keys import ApiKey
from core.guild_kit import post_to_log

log = logging.getLogger(__name__)


async def record(bot: Any, member: discord.Member, key: ApiKey, area: str, summary: str) -> None:
    """Record an API change by `member` with `key`: the audit tracker (`api <area>`) and the log channel."""
    record_change(bot, member, area, via="api")
    problem = await post_to_log(bot, member.guild, content=f"⚙️ {member.mention} changed {summary} through the API "
                                                           f"(key `{key.prefix}…`)"[:2000])
    if problem:
        log.info("API: change in guild %s not noted in its log channel: %s", member.guild.id, problem)
