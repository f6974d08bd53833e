"""`{inviter}`: who invited the member, in words, from invite tracking's public API when it runs on this bot.

Invite tracking (`cogs/invites`) publishes `InvitesApi` on `bot.apis`; its `attribution(member)` answers how the
member's latest join happened (`how`: "invite" with `inviter_id`, "vanity", or "unknown"). With the invites cog
not loaded (or invite tracking failing) every inviter is "unknown". The inviter is shown by name, never as a ping.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import discord

from cogs.invites.api import InvitesApi
from cogs.welcome.messages import plain

log = logging.getLogger(__name__)

UNKNOWN = "unknown"
VANITY = "the server's vanity link"
FORMER_MEMBER = "a former member"
ATTRIBUTION_TIMEOUT = 5.0  # seconds a welcome waits for invite tracking to tell who invited the member


async def inviter_text(bot: Any, member: discord.Member | discord.User) -> str:
    """Who invited `member`: the inviter's name (escaped), "the server's vanity link", or "unknown" (invite
    tracking absent, off, unsure, slow or failing)."""
    api = bot.apis.get(InvitesApi)
    if api is None or not isinstance(member, discord.Member):
        return UNKNOWN
    try:
        joined = await asyncio.wait_for(api.attribution(member), ATTRIBUTION_TIMEOUT)
    except Exception as exc:  # invite tracking's trouble must not cost the member their welcome
        log.warning("Guild %s: invite attribution of %s failed (%r); {inviter} is unknown", member.guild.id,
                    member.id, exc)
        return UNKNOWN
    if joined.how == "vanity":
        return VANITY
    if joined.how != "invite" or joined.inviter_id is None:
        return UNKNOWN
    person = member.guild.get_member(joined.inviter_id) or bot.get_user(joined.inviter_id)
    return plain(person.display_name) if person is not None else FORMER_MEMBER
