"""The check-in modal and the "Share publicly" button (a persistent item: the check-in id is in its custom_id, so
it works after restarts; ids posted before the `hearth:` namespace, `growth:share:<id>`, still work)."""

from __future__ import annotations

from typing import Any, Protocol

import discord

from cogs.growth.texts import FEELING_LIMIT, GOAL_LIMIT, OBSTACLE_LIMIT
from core.persistent_items import Look, PersistentItem, ReportingModal


class Checkins(Protocol):
    """What the modal and the button call on the growth cog (`GrowthCog` provides it)."""

    async def complete_checkin(self, interaction: discord.Interaction, goal: str, obstacle: str | None,
                               feeling: str | None, style: str) -> None:
        """After the modal: ask the AI, store the check-in, answer privately."""

    async def share_checkin(self, interaction: discord.Interaction, checkin_id: int) -> None:
        """Post the member's own check-in to the channel, once."""


class CheckinModal(ReportingModal, title="Growth check-in"):
    """Goal, obstacle and feeling; submitting asks the AI for a short coaching reply."""

    what = "growth check-in"

    goal: discord.ui.TextInput[CheckinModal] = discord.ui.TextInput(
        label="Your goal", custom_id="goal", max_length=GOAL_LIMIT,
        placeholder="What do you want to move forward on?")
    obstacle: discord.ui.TextInput[CheckinModal] = discord.ui.TextInput(
        label="What is in the way?", custom_id="obstacle", style=discord.TextStyle.paragraph,
        required=False, max_length=OBSTACLE_LIMIT)
    feeling: discord.ui.TextInput[CheckinModal] = discord.ui.TextInput(
        label="How do you feel about it?", custom_id="feeling", required=False, max_length=FEELING_LIMIT)

    def __init__(self, cog: Checkins, style: str) -> None:
        super().__init__(timeout=900)
        self.cog = cog
        self.style = style

    async def on_submit(self, interaction: discord.Interaction) -> None:
        # The AI may take longer than Discord's 3 seconds: acknowledge first, answer in the follow-up.
        await interaction.response.defer(ephemeral=True, thinking=True)
        await self.cog.complete_checkin(interaction, self.goal.value, self.obstacle.value, self.feeling.value,
                                        self.style)


class ShareCheckinButton(PersistentItem[discord.ui.Button[Any], Checkins], template=r"share:(?P<checkin_id>[0-9]+)",
                         cog="Growth", prefix="growth", legacy="growth", what="sharing a growth check-in",
                         unavailable="Growth check-ins are not available right now, try again later."):
    """Posts the member's check-in to the channel; only its author can (the message is theirs alone anyway).
    `ShareCheckinButton.view_of(checkin_id)` is the view under a private check-in reply."""

    checkin_id: int
    look = Look("Share publicly", discord.ButtonStyle.primary, "📣")

    async def clicked(self, interaction: discord.Interaction, cog: Checkins) -> None:
        await cog.share_checkin(interaction, self.checkin_id)


def shared_view() -> discord.ui.View:
    """The button after sharing: disabled, saying it was shared."""
    view = discord.ui.View(timeout=None)
    view.add_item(discord.ui.Button(label="Shared", emoji="✅", style=discord.ButtonStyle.secondary,
                                    custom_id="hearth:growth:shared", disabled=True))
    return view
