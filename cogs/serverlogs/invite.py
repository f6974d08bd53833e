"""The "invite used" line of a member join entry.

Invite tracking is its own feature (cogs/invites, publishing its API on `bot.apis`); this is the one place the
server log asks it who invited a member, so wiring the two together touches nothing else. Until then it answers
None and the join entry has no invite line.
"""

from __future__ import annotations

from typing import Any

import discord


async def invite_line(bot: Any, member: discord.Member) -> str | None:
    """The invite `member` joined with, in words for the join entry ("`abc123` by @inviter (12 uses)", "the
    vanity URL", "unknown"), or None when invite tracking is not available."""
    return None
