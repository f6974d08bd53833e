"""`{inviter}`: who invited the member, in words, from invite tracking's public API when it runs on this bot.

Invite tracking (`cogs/invites`) publishes `InvitesApi` on `bot.apis`; its `attribution(member)` answers how the
member's latest join happened (`how`: "invite" with `inviter_id`, "vanity", or "unknown"). With the invites cog
not loaded (or invite tracking failing) every inviter is "unknown". The inviter is shown by name, never as a ping.
"""

from __future__ import annotations

import logging
from typing import Any

import discord

from cogs.invites.api import attribution_of
from cogs.welcome.messages import plain

log = logging.getLogger(__name__)

UNKNOWN = "unknown"
VANITY = "the server's vanity link"
FORMER_MEMBER = "a former member"


async def inviter_text(bot: Any, member: discord.Member | discord.User) -> str:
    """Who invited `member`: the inviter's name (escaped), "the server's vanity link", or "unknown" (invite
    tracking absent, off, unsure, slow or failing)."""
    if not isinstance(member, discord.Member):
        return UNKNOWN
    joined = await attribution_of(bot, member)
    if joined is None:
        return UNKNOWN
    if joined.how == "vanity":
        return VANITY
    if joined.how != "invite" or joined.inviter_id is None:
        return UNKNOWN
    person = member.guild.get_member(joined.inviter_id) or bot.get_user(joined.inviter_id)
    return plain(person.display_name) if person is not None else FORMER_MEMBER
