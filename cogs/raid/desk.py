"""What the parts of raid protection share while the cog is loaded: the bot, the cog's pool, the incidents that are
on (a `GuildCache`, so the hot path knows without a query), one lock per guild, and the settings they read.

Which incidents are on is read once per guild (one query, single flight) and then kept in memory: the process that
holds a guild's shard receives its joins, its messages, its interactions and runs its timers jobs, so every change
of a guild's incidents happens here and is written into the cache as it happens (`opened`, `closed`).
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from cogs.raid import repo
from cogs.raid.settings import (
    LEVELS,
    RAID_PAUSE_INVITES,
    RAID_TIMEOUT_DURATION,
    RAID_VERIFICATION_LEVEL,
)
from core.db import HearthPool
from core.guild_cache import GuildCache

JOINS = "joins"
MENTIONS = "mentions"
END_KIND = "raid_end"  # the timers job that ends an incident after its quiet period
FEATURE = "raid"  # `raid.log_channel`, else the system log channel
RULE = "Raid protection"  # how cases name the brake (the case log's `automod_rule`)
Active = dict[str, int]  # kind → id of the guild's incident of that kind that is on


@dataclass(frozen=True)
class Plan:
    """What the brake does on a guild, from its settings."""

    level: int  # the verification level to raise to (0: leave it)
    pause_invites: bool
    timeout: timedelta


@dataclass(eq=False)
class RaidDesk:
    """The shared state of raid protection (one per loaded cog)."""

    bot: Any
    pool: HearthPool
    active: GuildCache[Active] = field(init=False)
    locks: defaultdict[int, asyncio.Lock] = field(default_factory=lambda: defaultdict(asyncio.Lock))

    def __post_init__(self) -> None:
        self.active = GuildCache(self._load_active)

    async def _load_active(self, guild_id: int) -> Active:
        return {incident.kind: incident.id for incident in await repo.active(self.pool, guild_id)}

    async def on(self, guild_id: int, kind: str) -> int | None:
        """The id of the guild's incident of `kind` that is on (memory after the guild's first look)."""
        active = self.active.peek(guild_id)
        if active is None:
            active = await self.active.get(guild_id)
        return active.get(kind)

    async def opened(self, guild_id: int, kind: str, incident_id: int) -> None:
        """An incident was started (its row is committed)."""
        active = dict(await self.active.get(guild_id))
        active[kind] = incident_id
        self.active.put(guild_id, active)

    async def closed(self, guild_id: int, incident_id: int) -> None:
        """An incident ended (its row is committed)."""
        active = {kind: known for kind, known in (await self.active.get(guild_id)).items() if known != incident_id}
        self.active.put(guild_id, active)

    async def plan(self, guild_id: int) -> Plan:
        """The brake's actions for the guild, from its (cached) settings."""
        settings = self.bot.guild_settings
        level_name = await settings.setting(guild_id, RAID_VERIFICATION_LEVEL)
        return Plan(LEVELS.index(level_name) if level_name in LEVELS else 0,
                    await settings.setting(guild_id, RAID_PAUSE_INVITES),
                    timedelta(seconds=await settings.setting(guild_id, RAID_TIMEOUT_DURATION)))
