"""What the points mixins (wallet, shop, redeems) use of the points cog.

Red's `MixinMeta` pattern: every mixin derives from `MixinMeta`, which declares the cog's attributes and the cog's
own methods that the mixins call; `PointsCog` provides them. A mixin so depends on this contract, never on the
cog's module: cog → mixins → contract.
"""

from __future__ import annotations

import contextlib
import logging
from abc import ABC, abstractmethod
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands

from cogs.points.repo import NotEnoughPoints
from utils.errors import UserFacingError

if TYPE_CHECKING:
    from core.db import HearthPool
    from core.hearth_bot import HearthBot

log = logging.getLogger(__name__)


class MixinMeta(ABC):
    """The points cog as its mixins see it. Attributes are only annotated here (the cog and `HearthCog` set them)."""

    bot: HearthBot
    pool: HearthPool

    @abstractmethod
    async def balance_of(self, guild_id: int, user_id: int) -> int:
        """A member's balance, fresh."""

    @abstractmethod
    async def flush(self) -> int:
        """Write the buffered earnings now (so a balance read next includes them); returns the points written."""

    @abstractmethod
    async def item_choices(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        """The shop's items matching what was typed, for autocomplete (`ShopMixin`)."""

    @abstractmethod
    async def refund(self, guild_id: int, user_id: int, amount: int, reference: str, reason: str,
                     actor_id: int | None = None, conn: Any = None) -> None:
        """Give points back through the ledger, once per `reference` (`BuyingMixin`)."""


@contextlib.asynccontextmanager
async def charging(pool: HearthPool) -> AsyncIterator[Any]:
    """A connection in a transaction for a change that takes points; the balance CHECK's last word (a debit that
    would go below zero, which the caller's own check under the row lock should already have refused) becomes an
    answer instead of an internal error."""
    try:
        async with pool.acquire() as conn, conn.transaction():
            yield conn
    except NotEnoughPoints:
        raise UserFacingError("There aren't enough points for that any more: another change came first. "
                              "Check `/balance`.") from None


def reference_of(interaction: discord.Interaction) -> str:
    """The ledger reference of whatever an interaction spends or grants: its id, unique on Discord."""
    return f"interaction:{interaction.id}"


async def answer_replay(interaction: discord.Interaction) -> None:
    """The same interaction came again (its spend is already in the ledger): say so if Discord still lets us
    answer; a delivery that was already answered cannot be answered twice, and that is fine."""
    try:
        await interaction.response.send_message("✅ That was already done: nothing was charged twice.",
                                                ephemeral=True)
    except discord.HTTPException as exc:
        log.info("Interaction %s came again and was already answered (%s): nothing done twice", interaction.id, exc)
