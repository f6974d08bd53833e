"""Finding a member by id: from discord.py's cache, else from Discord (the cache may lack members who were not
active since the bot started)."""

from __future__ import annotations

import discord


async def find_member(guild: discord.Guild, user_id: int | None) -> discord.Member | None:
    """The member from the cache, else from Discord; None when unknown or no longer on the server.

    Other HTTP errors (Discord down) propagate: the caller decides what "unknown for now" means for it."""
    if not user_id:
        return None
    member = guild.get_member(user_id)
    if member is not None:
        return member
    try:
        return await guild.fetch_member(user_id)
    except discord.NotFound:
        return None
