"""What the engagement mixins (awards, challenges, nicknames, OG, profile) use of the engagement cog.

Red's `MixinMeta` pattern: every mixin derives from `MixinMeta`, which declares the cog's attributes and the cog's
own methods that the mixins call; `EngagementCog` provides them (an abstract method it lacks fails when the cog is
made). A mixin so depends on this contract, never on the cog's module, and the imports point one way:
cog → mixins → contract.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import asyncio
    import random
    from concurrent.futures import ThreadPoolExecutor
    from datetime import date
    from zoneinfo import ZoneInfo

    import discord

    from cogs.engagement.api import EngagementApi
    from core.db import HearthPool
    from core.hearth_bot import HearthBot
    from utils.cooldowns import Cooldown


class MixinMeta(ABC):
    """The engagement cog as its mixins see it.

    Attributes are only annotated here (the cog and `HearthCog` set them), so nothing in this class shadows them.
    """

    bot: HearthBot
    pool: HearthPool
    challenges: dict[tuple[int, int], int]  # (guild, channel) → active challenge id
    rng: random.Random  # the random challenge draw
    api: EngagementApi  # what other features hear (challenge winners)
    drawing: ThreadPoolExecutor  # where cards are drawn
    card_cooldown: Cooldown  # /profile and /leaderboard per member
    _nickname_lock: asyncio.Lock  # one nickname pass at a time
    _og_locks: dict[int, asyncio.Lock]  # per guild: one edit of the OG message at a time
    _og_dirty: set[int]  # guilds whose OG message needs another edit

    @abstractmethod
    async def flush(self, *, nicknames: bool = True, background: bool = False) -> int:
        """Write the buffered counts now; returns the messages written."""

    @abstractmethod
    async def tz(self, guild_id: int) -> ZoneInfo:
        """The guild's time zone (system.timezone)."""

    @abstractmethod
    def today(self, tz: ZoneInfo) -> date:
        """The local day in `tz`, on the bot's clock."""

    @abstractmethod
    def name_of(self, guild: discord.Guild, user_id: int) -> str:
        """A member's display name without the streak suffix (or "Former member …")."""

    @abstractmethod
    async def avatar_of(self, member: discord.abc.User | None) -> bytes | None:
        """A custom avatar's bytes, or None."""

    @abstractmethod
    def _member(self, guild_id: int, user_id: int) -> discord.Member | None:
        """A cached member, or None."""
