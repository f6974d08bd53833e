"""The confirm step of `/config import`: a preview with Apply / Cancel, for the admin who ran it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import discord

from cogs.config.transfer import ImportPlan
from cogs.config.values import format_value
from utils.owned_view import OwnedView


def preview_embed(plan: ImportPlan) -> discord.Embed:
    """The dry run of a file that passed every check: what would change and what stays."""
    embed = discord.Embed(title="Import preview (nothing is changed yet)", colour=discord.Colour.blurple())
    lines = [
        f"`{c.spec.qualified}`: {format_value(c.spec, c.old)} → {format_value(c.spec, c.new)}"
        + (f" ({c.note})" if c.note else "")
        for c in plan.changes
    ]
    embed.description = "\n".join(lines)[:3900] or "No setting would change."
    if plan.unchanged:
        embed.add_field(name="Already equal", value=f"{plan.unchanged} setting(s)", inline=False)
    return embed


class ImportConfirmView(OwnedView):
    """Apply or cancel a planned import; only the admin who ran the command can press the buttons."""

    refusal = "Only the admin who started this import can confirm it."

    def __init__(self, owner_id: int, apply: Callable[[], Awaitable[str]], *, timeout: float = 600) -> None:
        super().__init__(owner_id, timeout=timeout)
        self._apply = apply

    @discord.ui.button(label="Apply", style=discord.ButtonStyle.danger)
    async def confirm(self, interaction: discord.Interaction, _: discord.ui.Button) -> None:
        self.stop()
        summary = await self._apply()
        await interaction.response.edit_message(content=summary, embed=None, view=None)

    @discord.ui.button(label="Cancel", style=discord.ButtonStyle.secondary)
    async def cancel(self, interaction: discord.Interaction, _: discord.ui.Button) -> None:
        self.stop()
        await interaction.response.edit_message(content="Import cancelled: nothing was changed.", embed=None,
                                                view=None)
