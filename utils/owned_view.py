"""A view whose buttons only answer the member it was made for (confirmations, pagers)."""

from __future__ import annotations

import discord


class OwnedView(discord.ui.View):
    """Refuses clicks from anyone but `owner_id`, with `refusal` as the (ephemeral) answer."""

    refusal = "These buttons belong to whoever ran the command."

    def __init__(self, owner_id: int, *, timeout: float | None = 300) -> None:
        super().__init__(timeout=timeout)
        self.owner_id = owner_id

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        if interaction.user.id != self.owner_id:
            await interaction.response.send_message(self.refusal, ephemeral=True)
            return False
        return True
