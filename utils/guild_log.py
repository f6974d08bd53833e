"""Posting to a guild's log channel (`system.log_channel`), shared by every cog.

Never raises for Discord problems: it returns a sentence for the admin instead (no log channel set, the
channel is gone, a permission is missing), so a command can finish its work and still say what went wrong.
A log channel the bot may not post in is paused through `utils.channel_access` (the owner is told once by DM).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Protocol

import discord

from utils.channel_access import ChannelBlocked

if TYPE_CHECKING:
    from utils.channel_access import ChannelAccess
    from utils.guild_settings import GuildSettings

log = logging.getLogger(__name__)


class GuildLogBot(Protocol):
    """What posting to the log channel uses of the bot (`HearthBot` provides it)."""

    channel_access: ChannelAccess

    @property
    def guild_settings(self) -> GuildSettings:
        """Per-guild settings (`system.log_channel`)."""


async def post_to_log(bot: GuildLogBot, guild: discord.Guild, *, content: str | None = None,
                      embed: discord.Embed | None = None) -> str | None:
    """Send to the guild's log channel; returns None when sent or not configured, else the problem."""
    channel_id = await bot.guild_settings.get(guild.id, "system", "log_channel")
    if channel_id is None:
        return None
    channel = guild.get_channel(channel_id)
    if not isinstance(channel, discord.TextChannel):
        return (f"The log channel (id {channel_id}) no longer exists: set a new one with "
                "`/config set scope:system key:log_channel`.")
    try:
        await bot.channel_access.send(channel, what="a log entry", content=content, embed=embed,
                                      allowed_mentions=discord.AllowedMentions.none())
    except ChannelBlocked as exc:
        return f"I couldn't post in the log channel {channel.mention}: {exc.problem}"
    except discord.HTTPException as exc:
        log.warning("Posting to the log channel of guild %s failed: %s", guild.id, exc)
        return f"I couldn't post in the log channel {channel.mention} (Discord answered {exc.status})."
    return None
