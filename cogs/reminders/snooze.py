"""The Snooze buttons under a delivered personal reminder: 10 minutes, an hour, or tomorrow at 9:00 in the member's
own time zone. Persistent (they work after a restart, also in DMs); only the reminder's owner may snooze it."""

from __future__ import annotations

from typing import Any

import discord

from cogs.reminders.contract import SnoozeTarget
from core.persistent_items import Look, PersistentItem, choices


class SnoozeButton(PersistentItem[discord.ui.Button[Any], SnoozeTarget], cog="Reminders", prefix="remindme",
                   template=r"snooze:(?P<choice>10m|1h|tomorrow):(?P<guild_id>\d+):(?P<reminder_id>\d+)",
                   unavailable="Reminders are not available right now, try again later."):
    """One snooze choice; the custom id carries the reminder's guild and id."""

    choice: str
    guild_id: int
    reminder_id: int
    what = "a snooze button"
    looks = choices(**{"10m": Look("Snooze 10 min", emoji="😴"), "1h": Look("Snooze 1 h"),
                       "tomorrow": Look("Tomorrow 9:00")})

    def describe(self) -> str:
        return f"snooze {self.choice} of personal reminder #{self.reminder_id}"

    async def clicked(self, interaction: discord.Interaction, cog: SnoozeTarget) -> None:
        await cog.snooze(interaction, self.guild_id, self.reminder_id, self.choice)


ITEMS = (SnoozeButton,)
