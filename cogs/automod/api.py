"""Automod's public API: one escalation engine for every source of warning points.

The automod cog publishes one `AutomodApi` on `bot.apis` while it is loaded; a caller imports this module only and
asks `bot.apis.get(AutomodApi)` (None when automod is not loaded: the points are then only the case's, and nothing
escalates). Moderation's `/warn` adds a warning's points here, and `/warnings remove` takes them back.

`AutomodApi.editor` changes the rules and actions as a member, the code of `/config automod` (the dashboard's
automod page uses it).
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import discord

from cogs.automod import repo
from cogs.automod.editing import AutomodEditor
from cogs.automod.points import Escalated, OutsidePoints

if TYPE_CHECKING:
    from cogs.automod.contract import AutomodContract

__all__ = ("AutomodApi", "AutomodEditor", "Escalated")


class AutomodApi:
    """Warning points and escalation, for other features (reached as `bot.apis.get(AutomodApi)`)."""

    def __init__(self, cog: AutomodContract) -> None:
        self._cog = cog
        self._points = OutsidePoints(cog)
        self.editor = AutomodEditor(cog)
        """The guild's rules and actions, listed and changed as a member (the code of `/config automod`)."""

    async def daily_counts(self, guild_id: int, since: date) -> dict[date, int]:
        """Automod actions (rule triggers, every rule) per day since `since` (the counts still buffered are written
        first). Days without any are absent."""
        await self._cog.stats.flush(self._cog.pool)
        return await repo.daily_triggers(self._cog.pool, guild_id, since)

    async def add_points(self, guild: discord.Guild, member: discord.Member, points: float, reason: str,
                         case_number: int | None) -> Escalated | None:
        """Add `points` for the member (a manual warning, case `case_number`) to the decaying total automod keeps
        and run the escalation: the step reached and taken (a case of its own, following `case_number`), or None."""
        return await self._points.add(guild, member, points, reason, case_number)

    async def remove_points(self, guild: discord.Guild, case_number: int) -> bool:
        """Take back the points that case `case_number` added (a removed warning), once; False when there were
        none (automod was not loaded when it was made, or they were already taken back)."""
        return await self._points.remove(guild.id, case_number)
