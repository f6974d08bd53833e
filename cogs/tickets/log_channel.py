"""Posting to the tickets log channel (`tickets.log_channel`, else `system.log_channel`): transcripts, FAQ
proposals and setup problems. Never raises for Discord problems: the caller gets the problem in words."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import discord

from utils.channel_access import ChannelBlocked

if TYPE_CHECKING:
    from utils.hearth_bot import HearthBot


async def find_log_channel(bot: HearthBot, guild: discord.Guild) -> discord.TextChannel | None:
    """tickets.log_channel, else system.log_channel (the first one set counts, even if it is gone)."""
    for scope, key in (("tickets", "log_channel"), ("system", "log_channel")):
        channel_id = await bot.guild_settings.get(guild.id, scope, key)
        if channel_id:
            channel = guild.get_channel(channel_id)
            return channel if isinstance(channel, discord.TextChannel) else None
    return None


async def post_log(bot: HearthBot, guild: discord.Guild, *, content: str | None = None,
                   embed: discord.Embed | None = None, files: list[discord.File] | None = None,
                   view: discord.ui.View | None = None) -> str | None:
    """Post to the tickets log channel: None when posted, else the problem in words."""
    channel = await find_log_channel(bot, guild)
    if channel is None:
        return "no log channel is set (`tickets.log_channel` or `system.log_channel`)"
    kwargs: dict[str, Any] = {"content": content, "embed": embed, "files": files or [],
                              "allowed_mentions": discord.AllowedMentions.none()}
    if view is not None:
        kwargs["view"] = view
    try:
        await bot.channel_access.send(channel, what="a ticket log entry", **kwargs)
    except ChannelBlocked as exc:
        return f"I couldn't post in {channel.mention}: {exc.problem}"
    except discord.HTTPException as exc:
        return f"I couldn't post in {channel.mention} (Discord answered {exc.status})"
    return None
