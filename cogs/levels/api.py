"""The levels feature's public API (`bot.apis.get(LevelsApi)`): a member's level and XP, and the level-up hook.

```python
levels = self.bot.apis.get(LevelsApi)            # None when the levels cog is not loaded
level = await levels.level_of(guild_id, user_id) if levels else 0

class PointsCog(HearthCog):
    @commands.Cog.listener()
    async def on_hearth_level_up(self, event: LevelUp) -> None:   # the hook: whatever the cogs' load order
        ...
```

The hook is the bot event `hearth_level_up` with a `LevelUp` (`LevelsApi.subscribe(callback)` adds a plain
listener for it; a cog declares the listener instead, which also works when it loads before the levels cog and
goes away with it). It fires **once per level-up across all bot processes**: the process whose XP write crossed
the level boundary fires it, after the write committed (at most once: a process that dies in between loses the
event). A member who jumps several levels at once gets one event (`old_level` → `new_level`); XP taken away and
earned again fires again for the same level, so a subscriber that pays out per level keys its idempotency on what
it needs.
"""

from __future__ import annotations

import math
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Literal

import discord

from cogs.levels import curve, repo, rule_edits
from cogs.levels.rules import GuildRules
from core.db import Executor

LEVEL_UP_EVENT = "hearth_level_up"  # bot.dispatch(LEVEL_UP_EVENT, LevelUp): listeners named on_hearth_level_up
Source = Literal["activity", "give"]  # earned by messages / voice, or given by staff with /xp give


@dataclass(frozen=True)
class LevelUp:
    """A member reached a higher level."""

    guild_id: int
    user_id: int
    old_level: int
    new_level: int
    xp: int  # their total XP after the write that crossed the boundary
    source: Source
    channel_id: int | None = None  # the text channel of their latest counted message (None: voice, or given)


@dataclass(frozen=True)
class Standing:
    """A member's XP, level and rank on a server (rank None without XP)."""

    xp: int
    level: int
    rank: int | None


@dataclass(frozen=True)
class RankFigures:
    """What `/rank` shows of a member (and the dashboard's member page): level, rank, XP and progress."""

    xp: int
    level: int
    rank: int | None  # None without XP
    into_level: int  # XP earned since reaching `level`
    needed: int  # XP from `level` to `level + 1`
    messages: int
    voice_minutes: int

    @property
    def fraction(self) -> float:
        """How far towards the next level (0 to 1)."""
        return self.into_level / self.needed if self.needed else 0.0


@dataclass(frozen=True)
class LeaderboardPage:
    """One page of `/levels`: (rank, user id, XP, level) best first, the page shown and the number of pages."""

    entries: list[tuple[int, int, int, int]]
    page: int
    pages: int


class LevelsApi:
    """Levels as other features see them. Reads include XP this process still buffers, so they are current."""

    def __init__(self, bot: Any, pool: Executor, pending_xp: Callable[[int, int], int], cog: Any = None) -> None:
        self._bot = bot
        self._pool = pool
        self._pending_xp = pending_xp
        self._cog = cog  # the levels cog: level roles and multipliers are changed through it (rule_edits)

    async def xp_of(self, guild_id: int, user_id: int) -> int:
        """A member's total XP on the server."""
        return await repo.xp_of(self._pool, guild_id, user_id) + self._pending_xp(guild_id, user_id)

    async def level_of(self, guild_id: int, user_id: int) -> int:
        """A member's level on the server (0 when they have no XP)."""
        return curve.level_of(await self.xp_of(guild_id, user_id))

    async def standing(self, guild_id: int, user_id: int) -> Standing:
        """XP, level and rank (the rank as of the last write)."""
        row = await repo.standing(self._pool, guild_id, user_id)
        xp = (int(row["xp"]) if row else 0) + self._pending_xp(guild_id, user_id)
        return Standing(xp, curve.level_of(xp), int(row["rank"]) if row and row["xp"] else None)

    async def rank(self, guild_id: int, user_id: int) -> RankFigures:
        """The figures of `/rank` for a member (XP this process still buffers included)."""
        row = await repo.standing(self._pool, guild_id, user_id)
        xp = (int(row["xp"]) if row else 0) + self._pending_xp(guild_id, user_id)
        progress = curve.progress(xp)
        return RankFigures(xp=xp, level=progress.level, rank=int(row["rank"]) if row and xp else None,
                           into_level=progress.into_level, needed=progress.needed,
                           messages=int(row["messages"]) if row else 0,
                           voice_minutes=int(row["voice_minutes"]) if row else 0)

    async def leaderboard(self, guild_id: int, page: int, size: int) -> LeaderboardPage:
        """The page `page` (from 1, clamped to the last) of the members with the most XP, as `/levels` shows it
        (written XP: the caller flushes first when it needs the last seconds)."""
        pages = max(1, math.ceil(await repo.ranked_members(self._pool, guild_id) / size))
        page = min(max(page, 1), pages)
        top = await repo.leaderboard(self._pool, guild_id, size, (page - 1) * size)
        entries = [(rank, int(row["user_id"]), int(row["xp"]), curve.level_of(int(row["xp"])))
                   for rank, row in enumerate(top, start=(page - 1) * size + 1)]
        return LeaderboardPage(entries, page, pages)

    async def rules(self, guild_id: int) -> GuildRules:
        """The server's level roles (by level) and multipliers (0 = no XP), as `/config levels roles` and
        `multipliers` list them."""
        return await self._cog.guild_rules(guild_id)

    async def add_level_role(self, actor: discord.Member, level: int, role: discord.Role) -> str:
        """`/config levels role_add` as `actor` (role safety against them); the confirmation in words. Raises
        `UserFacingError` (BadInput, a refused role) with the reason."""
        return await rule_edits.add_level_role(self._cog, actor, level, role)

    async def remove_level_role(self, guild: discord.Guild, role_id: int, mention: str) -> str:
        """`/config levels role_remove`; raises `BadInput` when it is not a level role."""
        return await rule_edits.remove_level_role(self._cog, guild, role_id, mention)

    async def set_multiplier(self, guild: discord.Guild, kind: str, target_id: int, mention: str,
                             value: float) -> str:
        """`/config levels multiplier|noxp` for a channel (or category) or a role: 0 = no XP, 1 = normal."""
        return await rule_edits.set_multiplier(self._cog, guild, kind, target_id, mention, value)

    def subscribe(self, callback: Callable[[LevelUp], Awaitable[None]]) -> None:
        """Call `callback(event)` at every level-up (a bot listener: it stays when the levels cog reloads)."""
        self._bot.add_listener(callback, f"on_{LEVEL_UP_EVENT}")

    def unsubscribe(self, callback: Callable[[LevelUp], Awaitable[None]]) -> None:
        """Stop calling `callback`."""
        self._bot.remove_listener(callback, f"on_{LEVEL_UP_EVENT}")
