"""The contract between the shared layer and the running bot: what services such as the guild log, channel access
and role safety read from the bot. `HearthBot` satisfies it; depending on this Protocol instead of the concrete
bot class keeps the imports pointing one way (the bot module builds these services, they never import it)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

import discord

from utils.clock import Clock
from utils.guild_settings import GuildSettings
from utils.settings_registry import SettingsRegistry


class ChannelSender(Protocol):
    """Background posts that respect the channel-access pause (utils.channel_access.ChannelAccess)."""

    async def send(self, channel: discord.abc.GuildChannel, *, what: str, **kwargs: Any) -> discord.Message:
        """`channel.send(**kwargs)`, or `ChannelBlocked` while the bot may not post there."""
        ...


class BotServices(Protocol):
    """What the shared services use of the bot."""

    clock: Clock
    settings_registry: SettingsRegistry
    channel_access: ChannelSender

    @property
    def guild_settings(self) -> GuildSettings:
        """Per-guild settings."""
        ...

    @property
    def user(self) -> discord.ClientUser | None:
        """The bot's own account, once logged in."""
        ...

    def add_listener(self, func: Callable[..., Any], name: str = ...) -> None:
        """Listen to a Discord (or Hearth) event."""
        ...
