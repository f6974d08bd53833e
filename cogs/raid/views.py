"""The alert's one button (`hearth:raid:undo:<incident id>`): undo everything the brake did in that incident. A
persistent item (`core.persistent_items`), so it works after a restart; the incident id is all it carries (its guild
is checked against the server it was clicked in)."""

from __future__ import annotations

from typing import Any

import discord

from cogs.raid.contract import RaidActions
from core.persistent_items import Look, PersistentItem

UNDO_LABEL = "Undo all of this"


class UndoButton(PersistentItem[discord.ui.Button[Any], RaidActions], cog="Raid", prefix="raid",
                 template=r"undo:(?P<incident_id>\d+)", what="the raid undo button",
                 unavailable="Raid protection is not available right now, try again later."):
    """Under a raid alert: puts back the verification level and invites, lifts the timeouts (what the clicker may)."""

    incident_id: int
    look = Look(UNDO_LABEL, discord.ButtonStyle.danger, "↩️")

    @classmethod
    def usable(cls, interaction: discord.Interaction) -> bool:
        return interaction.guild is not None

    async def clicked(self, interaction: discord.Interaction, cog: RaidActions) -> None:
        await cog.undo_clicked(interaction, self.incident_id)


ITEMS: tuple[type[discord.ui.DynamicItem[Any]], ...] = (UndoButton,)
