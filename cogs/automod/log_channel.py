"""Posting to the automod log channel (`automod.log_channel`, else `system.log_channel`): violations, appeals."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord

from utils.channel_access import ChannelBlocked

if TYPE_CHECKING:
    from utils.hearth_bot import HearthBot

log = logging.getLogger(__name__)


async def post_log(bot: HearthBot, guild: discord.Guild, embed: discord.Embed, view: discord.ui.View | None) -> None:
    """Post to automod.log_channel (else system.log_channel); problems are logged, never raised."""
    channel_id = (await bot.guild_settings.get(guild.id, "automod", "log_channel")
                  or await bot.guild_settings.get(guild.id, "system", "log_channel"))
    channel = guild.get_channel(channel_id) if channel_id else None
    if not isinstance(channel, discord.TextChannel):
        return
    try:
        await bot.channel_access.send(channel, what="an automod log entry", embed=embed,
                                      view=view or discord.utils.MISSING,
                                      allowed_mentions=discord.AllowedMentions.none())
    except ChannelBlocked:
        pass  # the admins were told once; entries wait until the channel works again (the rows are kept)
    except discord.HTTPException as exc:
        log.warning("Guild %s: posting to the automod log failed: %s", guild.id, exc)
