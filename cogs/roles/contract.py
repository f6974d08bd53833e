"""What the roles feature's parts may use of the cog (they never import the cog class)."""

from __future__ import annotations

from typing import Protocol

import discord


class MenuPicker(Protocol):
    """What a role menu's buttons and select call (the cog provides it)."""

    async def pick(self, interaction: discord.Interaction, menu_id: int, role_ids: list[int]) -> None:
        """A member picked `role_ids` in the menu: change their roles by the menu's rules, answer privately."""
