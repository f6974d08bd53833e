"""Posting to a guild's log channel (a feature's own `<feature>.log_channel`, else `system.log_channel`), shared by
every cog.

Never raises for Discord problems: it returns a sentence for the admin instead (no log channel set, the
channel is gone, a permission is missing), so a command can finish its work and still say what went wrong.
A log channel the bot may not post in is paused through `core.channel_access` (the owner is told once by DM).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, Protocol

import discord

from core.channel_access import ChannelBlocked
from core.settings_registry import SYSTEM_LOG_CHANNEL

if TYPE_CHECKING:
    from core.channel_access import ChannelAccess
    from core.guild_settings import GuildSettings

log = logging.getLogger(__name__)


class GuildLogBot(Protocol):
    """What posting to the log channel uses of the bot (`HearthBot` provides it)."""

    channel_access: ChannelAccess

    @property
    def guild_settings(self) -> GuildSettings:
        """Per-guild settings (`system.log_channel`)."""


async def find_log_channel(bot: GuildLogBot, guild: discord.Guild,
                           feature: str | None = None) -> tuple[int | None, discord.TextChannel | None]:
    """The log channel id in effect — `<feature>.log_channel` when the feature has one set, else
    `system.log_channel` — and the channel, if it still is a text channel of the guild."""
    channel_id = await bot.guild_settings.get(guild.id, feature, "log_channel") if feature else None
    channel_id = channel_id or await bot.guild_settings.setting(guild.id, SYSTEM_LOG_CHANNEL)
    channel = guild.get_channel(channel_id) if channel_id else None
    return channel_id, channel if isinstance(channel, discord.TextChannel) else None


async def post_to_log(bot: GuildLogBot, guild: discord.Guild, *, feature: str | None = None,
                      what: str = "a log entry", required: bool = False, content: str | None = None,
                      embed: discord.Embed | None = None, files: list[discord.File] | None = None,
                      view: discord.ui.View | None = None,
                      allowed_mentions: discord.AllowedMentions | None = None) -> str | None:
    """Send to the guild's log channel (the feature's own, else the system one); None when sent, or when none is
    set and the post is not `required`; else the problem in words. Pings nobody unless `allowed_mentions` says."""
    channel_id, channel = await find_log_channel(bot, guild, feature)
    setting = f"`/config set scope:{feature or 'system'} key:log_channel`"
    if channel_id is None:
        return f"no log channel is set ({setting})" if required else None
    if channel is None:
        return f"The log channel (id {channel_id}) no longer exists: set a new one with {setting}."
    extra: dict[str, Any] = {"files": files} if files else {}
    if view is not None:
        extra["view"] = view
    try:
        await bot.channel_access.send(channel, what=what, content=content, embed=embed,
                                      allowed_mentions=allowed_mentions or discord.AllowedMentions.none(), **extra)
    except ChannelBlocked as exc:
        return f"I couldn't post in the log channel {channel.mention}: {exc.problem}"
    except discord.HTTPException as exc:
        log.warning("Posting to the log channel of guild %s failed: %s", guild.id, exc)
        return f"I couldn't post in the log channel {channel.mention} (Discord answered {exc.status})."
    return None
