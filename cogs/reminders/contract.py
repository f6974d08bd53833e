"""What the embed watcher (`watcher.py`, a mixin) uses of the reminders cog.

Red's `MixinMeta` pattern: `WatcherMixin` derives from `MixinMeta`, which declares the cog's attributes and the
cog's own method that the watcher's buttons call; `RemindersCog` provides them (an abstract method it lacks fails
when the cog is made). The watcher so depends on this contract, never on the cog's module: cog → watcher → contract.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import discord

    from core.db import HearthPool
    from core.hearth_bot import HearthBot
    from gpt.service import LLMService


class MixinMeta(ABC):
    """The reminders cog as the embed watcher sees it.

    Attributes are only annotated here (the cog and `HearthCog` set them), so nothing in this class shadows them.
    """

    bot: HearthBot
    pool: HearthPool
    llm: LLMService  # the watcher's fallback parser (set when the cog loads)

    @abstractmethod
    async def create_from_announcement(self, interaction: discord.Interaction, channel_id: int,
                                       message_id: int) -> None:
        """The "Create reminder" button: a one-off reminder for the announcement (replacing an older one)."""


class SnoozeTarget(ABC):
    """The reminders cog as the Snooze button of a delivered personal reminder sees it."""

    @abstractmethod
    async def snooze(self, interaction: discord.Interaction, guild_id: int, reminder_id: int, choice: str) -> None:
        """Deliver the reminder again after `choice` (10m, 1h or tomorrow at 9:00), for its owner only."""
