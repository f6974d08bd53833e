"""What the raid protection button (cogs/raid/views.py) asks of the loaded cog: exactly this call.

The button depends on this contract, not on the cog class, so the cog can import the views without an import
cycle. `RaidCog` fulfils it.
"""

from __future__ import annotations

from typing import Protocol

import discord


class RaidActions(Protocol):
    """The handler behind the alert's undo button; it answers the interaction itself."""

    async def undo_clicked(self, interaction: discord.Interaction, incident_id: int) -> None:
        """The undo button of incident `incident_id` was clicked: undo what the clicker may, say what was not."""
