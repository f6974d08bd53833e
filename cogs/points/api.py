"""The points feature's public API (`bot.apis.get(PointsApi)`, None when the points cog is not loaded): a member's
balance, as `/balance` shows it (what is still buffered is written first)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable


class PointsApi:
    """Points as other features (the dashboard's member page) see them."""

    def __init__(self, balance: Callable[[int, int], Awaitable[int]]) -> None:
        self._balance = balance

    async def balance(self, guild_id: int, user_id: int) -> int:
        """The member's points on the server, fresh."""
        return await self._balance(guild_id, user_id)
