"""Where an event is logged, if at all: its kind's channel, unless it happened in an ignored channel or in one of
the bot's own log channels, or is about an ignored role or a bot.

Every read is a cached setting (`bot.guild_settings.setting`): no database round trip per event once the guild's
settings are in memory. An event whose kind has no channel costs one cached read.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

import discord

from cogs.serverlogs.kinds import CHANNEL_SPECS, KINDS, Kind
from cogs.serverlogs.settings import LOGS_IGNORE_BOTS, LOGS_IGNORE_CHANNELS, LOGS_IGNORE_ROLES
from core.guild_settings import UnknownSetting
from core.settings_registry import SettingSpec, SettingType

if TYPE_CHECKING:
    from core.guild_settings import GuildSettings
    from core.settings_registry import SettingsRegistry

LOG_CHANNEL_KEY = "log_channel"  # every feature's own log channel (system, moderation, automod, tickets …)


class RoutingBot(Protocol):
    """What routing uses of the bot."""

    settings_registry: SettingsRegistry

    @property
    def guild_settings(self) -> GuildSettings:
        """Per-guild settings (cached)."""

    @property
    def user(self) -> discord.ClientUser | None:
        """The bot's own user."""


class Router:
    """Decides the log channel of an event."""

    def __init__(self, bot: RoutingBot) -> None:
        self.bot = bot
        self._log_specs: tuple[SettingSpec[Any], ...] = ()
        self._registry_size = -1

    def _feature_log_specs(self) -> tuple[SettingSpec[Any], ...]:
        """Every `<feature>.log_channel` setting of the cogs loaded now (found in the registry, so no feature's
        settings module is imported here); recomputed when the registry changes."""
        registry = self.bot.settings_registry
        if len(registry) != self._registry_size:
            self._log_specs = tuple(spec for spec in registry.all()
                                    if spec.key == LOG_CHANNEL_KEY and spec.type is SettingType.CHANNEL)
            self._registry_size = len(registry)
        return self._log_specs

    async def channel_for(self, guild_id: int, kind: Kind) -> int | None:
        """The kind's log channel id (None: not logged)."""
        value: int | None = await self.bot.guild_settings.setting(guild_id, KINDS[kind].spec)
        return value

    async def own_channels(self, guild_id: int) -> set[int]:
        """The bot's log channels on this guild: this cog's, the system log and every feature's log channel."""
        settings = self.bot.guild_settings
        found = set()
        for spec in (*CHANNEL_SPECS, *self._feature_log_specs()):
            try:
                value = await settings.setting(guild_id, spec)
            except UnknownSetting:  # its cog was unloaded meanwhile
                continue
            if value:
                found.add(value)
        return found

    async def place_ignored(self, guild_id: int, *channel_ids: int | None) -> bool:
        """Something happened in one of these channels (a thread and its parent): ignored or a log channel."""
        wanted = {cid for cid in channel_ids if cid}
        if not wanted:
            return False
        ignored = await self.bot.guild_settings.setting(guild_id, LOGS_IGNORE_CHANNELS)
        if wanted & set(ignored or ()):
            return True
        return bool(wanted & await self.own_channels(guild_id))

    async def person_ignored(self, guild_id: int, person: discord.abc.User | None, *,
                             webhook: bool = False) -> bool:
        """The event is about the bot itself, a bot or webhook (while bots are ignored), or a member with an
        ignored role."""
        me = self.bot.user
        if person is not None and me is not None and person.id == me.id:
            return True
        if (webhook or (person is not None and person.bot)) and await self.bot.guild_settings.setting(
                guild_id, LOGS_IGNORE_BOTS):
            return True
        if isinstance(person, discord.Member):
            roles = await self.bot.guild_settings.setting(guild_id, LOGS_IGNORE_ROLES)
            if roles and any(role.id in roles for role in person.roles):
                return True
        return False

    async def destination(self, guild_id: int, kind: Kind, *, channel_ids: tuple[int | None, ...] = (),
                          person: discord.abc.User | None = None, webhook: bool = False) -> int | None:
        """The log channel for an event of `kind` that happened in `channel_ids` (a channel, or a thread and its
        parent) about `person`; None when it is not logged."""
        target = await self.channel_for(guild_id, kind)
        if target is None:
            return None
        if channel_ids and await self.place_ignored(guild_id, *channel_ids):
            return None
        if (person is not None or webhook) and await self.person_ignored(guild_id, person, webhook=webhook):
            return None
        return target
