"""Posting to the verification log channel (`verification.log_channel`, else `system.log_channel`): review
requests, results and setup problems. Never raises for Discord problems: a log entry is not worth failing for."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import discord

from utils.channel_access import ChannelBlocked

if TYPE_CHECKING:
    from utils.hearth_bot import HearthBot

log = logging.getLogger(__name__)


async def find_log_channel(bot: HearthBot, guild: discord.Guild) -> discord.TextChannel | None:
    """verification.log_channel, else system.log_channel, if it is a text channel of the guild."""
    channel_id = (await bot.guild_settings.get(guild.id, "verification", "log_channel")
                  or await bot.guild_settings.get(guild.id, "system", "log_channel"))
    channel = guild.get_channel(channel_id) if channel_id else None
    return channel if isinstance(channel, discord.TextChannel) else None


async def post_log(bot: HearthBot, guild: discord.Guild, **kwargs: Any) -> None:
    """Post to the log channel (`kwargs` as for `send`; no pings unless `allowed_mentions` says otherwise)."""
    channel = await find_log_channel(bot, guild)
    if channel is None:
        return
    kwargs.setdefault("allowed_mentions", discord.AllowedMentions.none())
    try:
        await bot.channel_access.send(channel, what="a verification log entry", **kwargs)
    except ChannelBlocked:
        pass  # the admins were told once
    except discord.HTTPException as exc:
        log.warning("Guild %s: could not post to the verification log %s: %s", guild.id, channel.id, exc.text)
