"""What the events' buttons call on the cog (views depend on this, never on the cog class)."""

from __future__ import annotations

from typing import Protocol

import discord


class EventActions(Protocol):
    """The events cog as its persistent items see it."""

    async def rsvp(self, interaction: discord.Interaction, event_id: int, choice: str) -> None:
        """A member answered Going, Maybe or Can't."""

    async def decide(self, interaction: discord.Interaction, event_id: int, user_id: int, approve: bool) -> None:
        """The organiser (or events staff) approved or denied a pending sign-up."""

    async def offer_reminders(self, interaction: discord.Interaction, event_id: int) -> None:
        """The member asked to choose their reminder times."""

    async def reminders_chosen(self, interaction: discord.Interaction, event_id: int, minutes: list[int]) -> None:
        """The member picked their reminder times."""
