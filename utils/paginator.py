"""Paged embeds with Previous/Next buttons, for any listing (settings history, lists, stats).

The view belongs to the member who asked; pages are fetched on demand, so a long history is never loaded
whole. The buttons stop after `timeout` seconds (the member runs the command again).
"""

from __future__ import annotations

import math
from collections.abc import Awaitable, Callable

import discord

from utils.owned_view import OwnedView

PageFetcher = Callable[[int], Awaitable[tuple[discord.Embed, int]]]  # page index → (embed, total item count)


class Paginator(OwnedView):
    """Previous / Next over pages produced by `fetch(page)`."""

    def __init__(self, owner_id: int, fetch: PageFetcher, per_page: int, *, timeout: float = 300) -> None:
        super().__init__(owner_id, timeout=timeout)
        self.fetch = fetch
        self.per_page = per_page
        self.page = 0
        self.pages = 1

    async def first_page(self) -> discord.Embed:
        """Render page 1 and set the buttons."""
        return await self._render()

    async def send(self, interaction: discord.Interaction) -> None:
        """Answer the interaction privately with page 1, with the buttons only when there is more than one page."""
        embed = await self.first_page()
        view = self if self.pages > 1 else discord.utils.MISSING
        await interaction.response.send_message(embed=embed, view=view, ephemeral=True)

    async def _render(self) -> discord.Embed:
        embed, total = await self.fetch(self.page)
        self.pages = max(1, math.ceil(total / self.per_page))
        self.previous.disabled = self.page == 0
        self.next.disabled = self.page >= self.pages - 1
        embed.set_footer(text=f"Page {self.page + 1} of {self.pages}")
        return embed

    @discord.ui.button(label="Previous", style=discord.ButtonStyle.secondary)
    async def previous(self, interaction: discord.Interaction, _: discord.ui.Button) -> None:
        self.page = max(0, self.page - 1)
        await interaction.response.edit_message(embed=await self._render(), view=self)

    @discord.ui.button(label="Next", style=discord.ButtonStyle.secondary)
    async def next(self, interaction: discord.Interaction, _: discord.ui.Button) -> None:
        self.page = min(self.pages - 1, self.page + 1)
        await interaction.response.edit_message(embed=await self._render(), view=self)
