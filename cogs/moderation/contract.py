"""What the moderation mixins (cases and notes, member actions, the channel tools) use of the moderation cog.

Red's `MixinMeta` pattern: every mixin derives from `MixinMeta`, which declares the cog's attributes and the cog's
own methods that the mixins call; `ModerationCog` provides them (an abstract method it lacks fails when the cog is
made). A mixin depends on this contract, never on the cog's module: cog → mixins → contract.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any

    import discord

    from cogs.moderation.cases import Case, CaseLog
    from core.db import HearthPool
    from core.guild_kit import StaffRule
    from core.hearth_bot import HearthBot


class MixinMeta(ABC):
    """The moderation cog as its mixins see it."""

    bot: HearthBot
    pool: HearthPool
    cases: CaseLog  # numbering, storing and logging cases

    @abstractmethod
    async def require(self, interaction: discord.Interaction, rule: StaffRule, refusal: str) -> discord.Member:
        """The member using the command when `rule` makes them staff; else `UserFacingError(refusal)`."""

    @abstractmethod
    async def tell_member(self, guild: discord.Guild, user: discord.abc.User, action: str, reason: str | None, *,
                          duration: str | None = None) -> str | None:
        """DM the member the action and its reason (when `moderation.dm_on_action` is on); a note when the DM
        could not be sent, else None."""

    @abstractmethod
    async def warn_member(self, interaction: discord.Interaction, user: discord.abc.User, reason: str,
                          points: float, evidence: dict[str, Any] | None = None) -> Case:
        """Record a warning (with its evidence), tell the member, answer the moderator (`case_commands`)."""

    @abstractmethod
    async def record_unban(self, guild: discord.Guild, user_id: int, moderator_id: int | None,
                           reason: str | None, *, from_job: bool = False) -> Case:
        """Record an unban closing the member's open ban case (`member_actions`)."""

    @abstractmethod
    async def record_untimeout(self, guild: discord.Guild, user_id: int, moderator_id: int | None,
                               reason: str | None) -> Case:
        """Record a lifted timeout closing the member's open timeout case (`member_actions`)."""

    @abstractmethod
    async def send_cases(self, interaction: discord.Interaction, target_id: int | None, moderator_id: int | None,
                         type_: str | None) -> None:
        """Answer with the matching cases, paginated (`case_commands`)."""
