"""The events' persistent items: RSVP buttons on the event message, the reminder-time menu, and the organiser's
Approve / Deny buttons (sent by DM). Each carries the event in its custom id, so it works after a restart."""

from __future__ import annotations

from typing import Any

import discord

from cogs.events.contract import EventActions
from core.persistent_items import ItemT, Look, PersistentItem, choices

REMINDER_CHOICES = ((10080, "1 week before"), (1440, "1 day before"), (180, "3 hours before"),
                    (60, "1 hour before"), (30, "30 minutes before"), (15, "15 minutes before"),
                    (5, "5 minutes before"), (0, "When it starts"))


class EventItem(PersistentItem[ItemT, EventActions], cog="Events",
                unavailable="Events are not available right now, try again later."):
    """The events cog's persistent items."""


class RsvpButton(EventItem[discord.ui.Button[Any]], prefix="event",
                 template=r"(?P<choice>going|maybe|declined):(?P<event_id>\d+)", what="an event's RSVP button"):
    """Going / Maybe / Can't on the event message."""

    choice: str
    event_id: int
    looks = choices(going=Look("Going", discord.ButtonStyle.success, "✅"),
                    maybe=Look("Maybe", discord.ButtonStyle.secondary, "❔"),
                    declined=Look("Can't", discord.ButtonStyle.secondary, "❌"))

    @classmethod
    def usable(cls, interaction: discord.Interaction) -> bool:
        return interaction.guild is not None

    async def clicked(self, interaction: discord.Interaction, cog: EventActions) -> None:
        await cog.rsvp(interaction, self.event_id, self.choice)


class RemindersButton(EventItem[discord.ui.Button[Any]], prefix="event", template=r"remind:(?P<event_id>\d+)",
                      what="an event's reminders button"):
    """"Reminders" on the event message: the member picks when they are DMed."""

    event_id: int
    look = Look("Reminders", discord.ButtonStyle.secondary, "⏰")

    @classmethod
    def usable(cls, interaction: discord.Interaction) -> bool:
        return interaction.guild is not None

    async def clicked(self, interaction: discord.Interaction, cog: EventActions) -> None:
        await cog.offer_reminders(interaction, self.event_id)


class RemindersSelect(EventItem[discord.ui.Select[Any]], prefix="event", template=r"remindpick:(?P<event_id>\d+)",
                      what="an event's reminder menu"):
    """The member's reminder times (several, or none)."""

    event_id: int

    def __init__(self, event_id: int, chosen: list[int] | None = None) -> None:
        picked = set(chosen or [])
        options = [discord.SelectOption(label=label, value=str(minutes), default=minutes in picked)
                   for minutes, label in REMINDER_CHOICES]
        self.wrap(discord.ui.Select(custom_id=self.custom_id_for(event_id), placeholder="DM me…", options=options,
                                    min_values=0, max_values=len(options)), event_id)

    async def clicked(self, interaction: discord.Interaction, cog: EventActions) -> None:
        values = (interaction.data or {}).get("values") or []  # type: ignore[union-attr]
        await cog.reminders_chosen(interaction, self.event_id, sorted({int(v) for v in values}, reverse=True))


class ApprovalButton(EventItem[discord.ui.Button[Any]], prefix="event",
                     template=r"(?P<choice>approve|deny):(?P<event_id>\d+):(?P<user_id>\d+)",
                     what="an event's approval button"):
    """Approve / Deny a pending sign-up (in the organiser's DMs)."""

    choice: str
    event_id: int
    user_id: int
    looks = choices(approve=Look("Approve", discord.ButtonStyle.success, "✅"),
                    deny=Look("Deny", discord.ButtonStyle.danger, "✖️"))

    async def clicked(self, interaction: discord.Interaction, cog: EventActions) -> None:
        await cog.decide(interaction, self.event_id, self.user_id, self.choice == "approve")


ITEMS: tuple[type[discord.ui.DynamicItem[Any]], ...] = (RsvpButton, RemindersButton, RemindersSelect, ApprovalButton)


def event_view(event_id: int, *, open_: bool) -> discord.ui.View:
    """The event message's buttons (disabled once sign-ups are closed)."""
    view = RsvpButton.view_of(event_id, disabled=not open_)
    view.add_item(RemindersButton(event_id, disabled=not open_))
    return view
