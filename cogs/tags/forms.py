"""The form `/tag create` and `/tag edit` open when no `content` is given: a multi-line text box (a slash option
is one line), prefilled with the current text when editing. What happens on submit is the caller's
(`save(interaction, text)`), so the form knows nothing of the cog."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import discord

from cogs.tags.names import CONTENT_MAX
from core.persistent_items import ReportingModal

Save = Callable[[discord.Interaction, str], Awaitable[None]]


class TagTextForm(ReportingModal):
    """The text of a tag, typed over several lines."""

    what = "saving a tag"

    text: discord.ui.TextInput[TagTextForm] = discord.ui.TextInput(
        label="Text (an image URL on the last line shows as image)", custom_id="text",
        style=discord.TextStyle.paragraph, min_length=1, max_length=CONTENT_MAX)

    def __init__(self, title: str, save: Save, current: str | None = None) -> None:
        super().__init__(title=title[:45], timeout=900)
        self.save = save
        if current is not None:
            self.text.default = current

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await self.save(interaction, self.text.value)
