"""What the levels command mixin and the `/config levels` group use of the levels cog (Red's `MixinMeta`
pattern): they depend on this ABC, never on the cog's module, so imports point one way (cog → parts → contract)."""

from __future__ import annotations

import asyncio
from abc import ABC, abstractmethod
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from concurrent.futures import ThreadPoolExecutor

    import discord

    from cogs.levels.api import LevelsApi, LevelUp
    from cogs.levels.buffer import Gain, Key
    from cogs.levels.rewards import RoleChange
    from cogs.levels.rules import GuildRules
    from core.counter_buffer import CounterBuffer
    from core.db import HearthPool
    from core.guild_cache import GuildCache
    from core.hearth_bot import HearthBot
    from utils.cooldowns import Cooldown


class MixinMeta(ABC):
    """The levels cog as its parts see it. Attributes are only annotated here (the cog and `HearthCog` set them),
    so nothing in this class shadows them."""

    bot: HearthBot
    pool: HearthPool
    api: LevelsApi | None
    buffer: CounterBuffer[Key, Gain]
    card_cooldown: Cooldown
    drawing: ThreadPoolExecutor
    flush_lock: asyncio.Lock
    rules: GuildCache[GuildRules]

    @abstractmethod
    async def flush(self, *, background: bool = False) -> int:
        """Write the buffered XP (and announce what it decided)."""

    @abstractmethod
    async def write_buffered(self) -> list[LevelUp]:
        """Write the buffered XP; the caller holds `flush_lock` and celebrates the level-ups it returns."""

    @abstractmethod
    async def celebrate(self, events: list[LevelUp]) -> None:
        """Level roles, announcements and the level-up hook for each event."""

    @abstractmethod
    async def celebrate_one(self, event: LevelUp) -> RoleChange:
        """Sync one member's level roles after a level change; for a level-up, announce it and fire the hook."""

    @abstractmethod
    async def guild_rules(self, guild_id: int) -> GuildRules:
        """The guild's level roles and multipliers (cached)."""

    @abstractmethod
    def forget_guild_pending(self, guild_id: int, user_id: int | None = None) -> None:
        """Drop buffered XP, cooldowns and voice sessions of a guild (or one member of it): an XP reset."""

    @abstractmethod
    async def draw(self, render: object, *args: object) -> bytes | None:
        """Run a card renderer in the drawing threads; None when it failed."""

    @abstractmethod
    def display_name(self, guild: discord.Guild, user_id: int) -> str:
        """A member's name for cards and lists."""
