"""The confirm step of `/xp reset` without a member: Reset everyone / Cancel, for the admin who ran it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import discord

from utils.owned_view import OwnedView


class ResetConfirmView(OwnedView):
    """Reset every member's XP or cancel; only the admin who ran the command can press the buttons."""

    refusal = "Only the admin who asked for this reset can confirm it."

    def __init__(self, owner_id: int, reset: Callable[[], Awaitable[str]], *, timeout: float = 120) -> None:
        super().__init__(owner_id, timeout=timeout)
        self._reset = reset

    @discord.ui.button(label="Reset everyone's XP", style=discord.ButtonStyle.danger)
    async def confirm(self, interaction: discord.Interaction, _: discord.ui.Button[Any]) -> None:
        if not interaction.permissions.manage_guild:  # taken away since the command ran
            await interaction.response.send_message("You need **Manage Server** to reset everyone's XP.",
                                                    ephemeral=True)
            return
        self.stop()
        await interaction.response.defer()
        text = await self._reset()
        await interaction.edit_original_response(content=text, view=None)

    @discord.ui.button(label="Cancel", style=discord.ButtonStyle.secondary)
    async def cancel(self, interaction: discord.Interaction, _: discord.ui.Button[Any]) -> None:
        self.stop()
        await interaction.response.edit_message(content="Reset cancelled: nothing changed.", view=None)
