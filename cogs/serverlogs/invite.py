"""The "invite used" line of a member join entry, from invite tracking's public API (cogs/invites).

Without invite tracking (the cog not loaded, failing or slow) the join entry has no invite line.
"""

from __future__ import annotations

from typing import Any

import discord

from cogs.invites.api import attribution_of


async def invite_line(bot: Any, member: discord.Member) -> str | None:
    """The invite `member` joined with, in words for the join entry ("`abc123` by <@inviter> (12 invites)", "the
    vanity URL", "unknown"), or None when invite tracking is not available."""
    joined = await attribution_of(bot, member)
    if joined is None:
        return None
    if joined.how == "vanity":
        return "the vanity URL"
    if joined.how != "invite" or joined.code is None:
        return "unknown"
    by = f" by <@{joined.inviter_id}>" if joined.inviter_id else ""
    count = f" ({joined.inviter_invites} invites)" if joined.inviter_invites is not None else ""
    return f"`{joined.code}`{by}{count}"
