"""The tickets cog's components. Every button that outlives a command is a persistent item
(`core.persistent_items`) whose custom_id carries what it acts on (a ticket, a deflection, a proposal), so it keeps
working after a restart; the callbacks look everything up again, scoped to the guild the click came from. They
reach the cog only through its declared contract (`contract.TicketActions`)."""

from __future__ import annotations

import re
from typing import Any

import discord

from cogs.tickets.contract import TicketActions
from core.command_tree import report_failure
from core.persistent_items import ItemT, PersistentItem, ReportingModal
from utils.owned_view import OwnedView

DESCRIPTION_MIN, DESCRIPTION_MAX = 10, 1000
REASON_MAX = 500


class TicketItem(PersistentItem[ItemT, TicketActions], cog="Tickets",
                 unavailable="Tickets are not available right now, try again later."):
    """The tickets cog's persistent items: they act in a guild only."""

    @classmethod
    def usable(cls, interaction: discord.Interaction) -> bool:
        return interaction.guild is not None


# --- the panel ---------------------------------------------------------------------------------------------------

class PanelButton(TicketItem[discord.ui.Button[Any]], prefix="ticket", template=r"panel", what="the ticket panel"):
    """"Open ticket" on the panel: asks for a description."""

    def __init__(self) -> None:
        super().__init__(discord.ui.Button(label="Open ticket", emoji="🎫", style=discord.ButtonStyle.primary,
                                           custom_id=self.custom_id_for("panel")))

    async def clicked(self, interaction: discord.Interaction, cog: TicketActions) -> None:
        await cog.ask_description(interaction, None)


class PanelSelect(TicketItem[discord.ui.Select[Any]], prefix="ticket", template=r"category",
                  what="the ticket panel"):
    """The panel's category menu: picking one asks for a description."""

    def __init__(self, categories: list[str] | None = None) -> None:
        options = [discord.SelectOption(label=name[:100], value=name[:100]) for name in (categories or [])[:25]]
        super().__init__(discord.ui.Select(custom_id=self.custom_id_for("category"), placeholder="Pick a topic…",
                                           options=options or [discord.SelectOption(label="Other")]))

    async def clicked(self, interaction: discord.Interaction, cog: TicketActions) -> None:
        values = (interaction.data or {}).get("values") or []  # type: ignore[union-attr]
        await cog.ask_description(interaction, str(values[0]) if values else None)


def panel_view(categories: list[str]) -> discord.ui.View:
    """The panel's components."""
    view = discord.ui.View(timeout=None)
    if categories:
        view.add_item(PanelSelect(categories))
    view.add_item(PanelButton())
    return view


class OpenTicketModal(ReportingModal, title="Open a ticket"):
    """What the ticket is about."""

    what = "opening a ticket"

    description: discord.ui.TextInput[OpenTicketModal] = discord.ui.TextInput(
        label="What do you need help with?", custom_id="description", style=discord.TextStyle.paragraph,
        min_length=DESCRIPTION_MIN, max_length=DESCRIPTION_MAX)

    def __init__(self, cog: TicketActions, category: str | None) -> None:
        super().__init__(timeout=900)
        self.cog = cog
        self.category = category

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        await self.cog.request(interaction, self.description.value, self.category)


# --- deflection ---------------------------------------------------------------------------------------------------

class DeflectionButton(TicketItem[discord.ui.Button[Any]], prefix="tdefl",
                       template=r"(?P<choice>solved|open):(?P<id>\d+)", what="a FAQ suggestion"):
    """"This solved it" / "Open a ticket anyway" under the FAQ answers offered before a ticket opens."""

    def __init__(self, choice: str, deflection_id: int) -> None:
        label, style = (("This solved it", discord.ButtonStyle.success) if choice == "solved"
                        else ("Open a ticket anyway", discord.ButtonStyle.secondary))
        super().__init__(discord.ui.Button(label=label, style=style,
                                           custom_id=self.custom_id_for(choice, deflection_id)))
        self.choice, self.deflection_id = choice, deflection_id

    @classmethod
    def from_match(cls, match: re.Match[str]) -> DeflectionButton:
        return cls(match["choice"], int(match["id"]))

    async def clicked(self, interaction: discord.Interaction, cog: TicketActions) -> None:
        await cog.deflection_choice(interaction, self.deflection_id, self.choice)


def deflection_view(deflection_id: int) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(DeflectionButton("solved", deflection_id))
    view.add_item(DeflectionButton("open", deflection_id))
    return view


# --- the ticket's own buttons ---------------------------------------------------------------------------------------

ACTION_BUTTONS = {
    "claim": ("Claim", "🙋", discord.ButtonStyle.primary),
    "wait": ("Waiting for member", "⏳", discord.ButtonStyle.secondary),
    "escalate": ("Escalate", "⚠️", discord.ButtonStyle.secondary),
    "close": ("Close", "🔒", discord.ButtonStyle.danger),
    "suggest": ("Suggest reply", "💡", discord.ButtonStyle.secondary),
    "reopen": ("Reopen", "🔓", discord.ButtonStyle.primary),
    "archive": ("Archive now", "🗄️", discord.ButtonStyle.danger),
}


class TicketButton(TicketItem[discord.ui.Button[Any]], prefix="ticket",
                   template=r"(?P<action>claim|wait|escalate|close|suggest|reopen|archive):(?P<id>\d+)"):
    """A lifecycle or staff-tool button of one ticket."""

    def __init__(self, action: str, ticket_id: int) -> None:
        label, emoji, style = ACTION_BUTTONS[action]
        super().__init__(discord.ui.Button(label=label, emoji=emoji, style=style,
                                           custom_id=self.custom_id_for(action, ticket_id)))
        self.action, self.ticket_id = action, ticket_id

    @classmethod
    def from_match(cls, match: re.Match[str]) -> TicketButton:
        return cls(match["action"], int(match["id"]))

    async def clicked(self, interaction: discord.Interaction, cog: TicketActions) -> None:
        await cog.button(interaction, self.action, self.ticket_id)

    def describe(self) -> str:
        return f"the ticket button {self.action}"


def control_view(ticket_id: int) -> discord.ui.View:
    """Under the ticket's opening message."""
    view = discord.ui.View(timeout=None)
    for action in ("claim", "wait", "escalate", "close", "suggest"):
        view.add_item(TicketButton(action, ticket_id))
    return view


def closed_view(ticket_id: int) -> discord.ui.View:
    """Under the "closed" notice."""
    view = discord.ui.View(timeout=None)
    view.add_item(TicketButton("reopen", ticket_id))
    view.add_item(TicketButton("archive", ticket_id))
    return view


class CloseModal(ReportingModal):
    """The reason for closing; submitting is the confirmation."""

    what = "closing a ticket"

    reason: discord.ui.TextInput[CloseModal] = discord.ui.TextInput(
        label="Reason (optional)", custom_id="reason", style=discord.TextStyle.paragraph, required=False,
        max_length=REASON_MAX)

    def __init__(self, cog: TicketActions, ticket_id: int) -> None:
        super().__init__(title=f"Close ticket #{ticket_id}", timeout=900)
        self.cog, self.ticket_id = cog, ticket_id

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        await self.cog.close_confirmed(interaction, self.ticket_id, self.reason.value or None)


class ConfirmClose(OwnedView):
    """/ticket close asks once more."""

    def __init__(self, cog: TicketActions, owner_id: int, ticket_id: int, reason: str | None) -> None:
        super().__init__(owner_id, timeout=120)
        self.cog, self.ticket_id, self.reason = cog, ticket_id, reason

    @discord.ui.button(label="Close ticket", style=discord.ButtonStyle.danger)
    async def confirm(self, interaction: discord.Interaction, _: discord.ui.Button[Any]) -> None:
        self.stop()
        await interaction.response.edit_message(content=f"Closing ticket #{self.ticket_id}…", view=None)
        await self.cog.close_confirmed(interaction, self.ticket_id, self.reason)

    @discord.ui.button(label="Cancel", style=discord.ButtonStyle.secondary)
    async def cancel(self, interaction: discord.Interaction, _: discord.ui.Button[Any]) -> None:
        self.stop()
        await interaction.response.edit_message(content="Nothing closed.", view=None)

    async def on_error(self, interaction: discord.Interaction, error: Exception,  # type: ignore[override]
                       item: discord.ui.Item[Any]) -> None:
        await report_failure(interaction, error, "closing a ticket")


# --- FAQ proposals --------------------------------------------------------------------------------------------------

class ProposalButton(TicketItem[discord.ui.Button[Any]], prefix="faqprop",
                     template=r"(?P<choice>add|dismiss):(?P<id>\d+)", what="an FAQ proposal"):
    """"Add to FAQ" / "Dismiss" under a proposal in the log channel."""

    def __init__(self, choice: str, proposal_id: int) -> None:
        label, style = (("Add to FAQ", discord.ButtonStyle.success) if choice == "add"
                        else ("Dismiss", discord.ButtonStyle.secondary))
        super().__init__(discord.ui.Button(label=label, style=style,
                                           custom_id=self.custom_id_for(choice, proposal_id)))
        self.choice, self.proposal_id = choice, proposal_id

    @classmethod
    def from_match(cls, match: re.Match[str]) -> ProposalButton:
        return cls(match["choice"], int(match["id"]))

    async def clicked(self, interaction: discord.Interaction, cog: TicketActions) -> None:
        await cog.decide_proposal(interaction, self.proposal_id, self.choice)


def proposal_view(proposal_id: int) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(ProposalButton("add", proposal_id))
    view.add_item(ProposalButton("dismiss", proposal_id))
    return view


DYNAMIC_ITEMS = (PanelButton, PanelSelect, DeflectionButton, TicketButton, ProposalButton)
