"""The tickets cog's components. Every button that outlives a command is a persistent item
(`core.persistent_items`) whose custom_id carries what it acts on (a ticket, a deflection, a proposal), so it keeps
working after a restart; the callbacks look everything up again, scoped to the guild the click came from. They
reach the cog only through its declared contract (`contract.TicketActions`)."""

from __future__ import annotations

from typing import Any

import discord

from cogs.tickets.contract import TicketActions
from core.command_tree import report_failure
from core.persistent_items import ItemT, Look, PersistentItem, ReportingModal, choices
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

    look = Look("Open ticket", discord.ButtonStyle.primary, "🎫")

    async def clicked(self, interaction: discord.Interaction, cog: TicketActions) -> None:
        await cog.ask_description(interaction, None)


class PanelSelect(TicketItem[discord.ui.Select[Any]], prefix="ticket", template=r"category",
                  what="the ticket panel"):
    """The panel's category menu: picking one asks for a description."""

    def __init__(self, categories: list[str] | None = None) -> None:
        options = [discord.SelectOption(label=name[:100], value=name[:100]) for name in (categories or [])[:25]]
        self.wrap(discord.ui.Select(custom_id=self.custom_id_for(), placeholder="Pick a topic…",
                                    options=options or [discord.SelectOption(label="Other")]))

    async def clicked(self, interaction: discord.Interaction, cog: TicketActions) -> None:
        values = (interaction.data or {}).get("values") or []  # type: ignore[union-attr]
        await cog.ask_description(interaction, str(values[0]) if values else None)


class CategoryButton(TicketItem[discord.ui.Button[Any]], prefix="ticket", template=r"cat:(?P<category_id>\d+)",
                     what="the ticket panel"):
    """One configured ticket category on the panel (`categories.TicketCategory`): asks its form."""

    category_id: int
    look = Look("Open ticket", discord.ButtonStyle.primary, "🎫")

    async def clicked(self, interaction: discord.Interaction, cog: TicketActions) -> None:
        await cog.ask_form(interaction, self.category_id)


def panel_view(categories: list[str], configured: list[tuple[int, str]] | None = None) -> discord.ui.View:
    """The panel's components: a button per configured category (id, name), else the topic menu and one button."""
    view = discord.ui.View(timeout=None)
    if configured:
        for category_id, name in configured[:25]:
            view.add_item(CategoryButton(category_id, label=name))
        return view
    if categories:
        view.add_item(PanelSelect(categories))
    view.add_item(PanelButton())
    return view


class FormModal(ReportingModal):
    """A ticket category's form: its questions (up to 5), or the description when it has none."""

    what = "opening a ticket"

    def __init__(self, cog: TicketActions, category_id: int, name: str, questions: list[str]) -> None:
        super().__init__(title=f"{name} ticket"[:45], timeout=900)
        self.cog, self.category_id, self.questions = cog, category_id, questions
        self.inputs: list[discord.ui.TextInput[FormModal]] = []
        for number, question in enumerate(questions or ["What do you need help with?"]):
            field = discord.ui.TextInput(label=question[:45], custom_id=f"q{number}", max_length=DESCRIPTION_MAX,
                                         style=discord.TextStyle.paragraph, min_length=1 if questions else
                                         DESCRIPTION_MIN)
            self.inputs.append(field)
            self.add_item(field)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        values = [field.value for field in self.inputs]
        answers = list(zip(self.questions, values, strict=False)) if self.questions else []
        await self.cog.submit_form(interaction, self.category_id, values[0] if not self.questions else None, answers)


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
                       template=r"(?P<choice>solved|open):(?P<deflection_id>\d+)", what="a FAQ suggestion"):
    """"This solved it" / "Open a ticket anyway" under the FAQ answers offered before a ticket opens
    (`DeflectionButton.view_of(deflection_id)`)."""

    choice: str
    deflection_id: int
    looks = choices(solved=Look("This solved it", discord.ButtonStyle.success), open=Look("Open a ticket anyway"))

    async def clicked(self, interaction: discord.Interaction, cog: TicketActions) -> None:
        await cog.deflection_choice(interaction, self.deflection_id, self.choice)


# --- the ticket's own buttons ---------------------------------------------------------------------------------------

class TicketButton(TicketItem[discord.ui.Button[Any]], prefix="ticket",
                   template=r"(?P<action>claim|wait|escalate|close|suggest|reopen|archive):(?P<ticket_id>\d+)"):
    """A lifecycle or staff-tool button of one ticket."""

    action: str
    ticket_id: int
    looks = choices(
        claim=Look("Claim", discord.ButtonStyle.primary, "🙋"),
        wait=Look("Waiting for member", discord.ButtonStyle.secondary, "⏳"),
        escalate=Look("Escalate", discord.ButtonStyle.secondary, "⚠️"),
        close=Look("Close", discord.ButtonStyle.danger, "🔒"),
        suggest=Look("Suggest reply", discord.ButtonStyle.secondary, "💡"),
        reopen=Look("Reopen", discord.ButtonStyle.primary, "🔓"),
        archive=Look("Archive now", discord.ButtonStyle.danger, "🗄️"),
    )

    async def clicked(self, interaction: discord.Interaction, cog: TicketActions) -> None:
        await cog.button(interaction, self.action, self.ticket_id)

    def describe(self) -> str:
        return f"the ticket button {self.action}"


def control_view(ticket_id: int) -> discord.ui.View:
    """Under the ticket's opening message."""
    return TicketButton.view_of(ticket_id, choices=("claim", "wait", "escalate", "close", "suggest"))


def closed_view(ticket_id: int) -> discord.ui.View:
    """Under the "closed" notice."""
    return TicketButton.view_of(ticket_id, choices=("reopen", "archive"))


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


# --- feedback after close -------------------------------------------------------------------------------------------

class FeedbackButton(TicketItem[discord.ui.Button[Any]], prefix="tfb",
                     template=r"(?P<stars>[1-5]):(?P<ticket_id>\d+)", what="the ticket feedback"):
    """1 to 5 stars under the "how did we do?" question of a closed ticket (only its opener may answer)."""

    stars: str
    ticket_id: int
    looks = choices(**{str(n): Look("★" * n, discord.ButtonStyle.secondary) for n in range(1, 6)})

    async def clicked(self, interaction: discord.Interaction, cog: TicketActions) -> None:
        await cog.rate(interaction, self.ticket_id, int(self.stars))


def feedback_view(ticket_id: int) -> discord.ui.View:
    """The 5 star buttons."""
    return FeedbackButton.view_of(ticket_id, choices=("1", "2", "3", "4", "5"))


class FeedbackModal(ReportingModal):
    """The optional comment with a rating; submitting stores it."""

    what = "rating a ticket"

    comment: discord.ui.TextInput[FeedbackModal] = discord.ui.TextInput(
        label="Anything to add? (optional)", custom_id="comment", style=discord.TextStyle.paragraph, required=False,
        max_length=1000)

    def __init__(self, cog: TicketActions, ticket_id: int, stars: int) -> None:
        super().__init__(title=f"Rate ticket #{ticket_id}: {'★' * stars}", timeout=900)
        self.cog, self.ticket_id, self.stars = cog, ticket_id, stars

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await self.cog.feedback_given(interaction, self.ticket_id, self.stars, self.comment.value or None)


# --- FAQ proposals --------------------------------------------------------------------------------------------------

class ProposalButton(TicketItem[discord.ui.Button[Any]], prefix="faqprop",
                     template=r"(?P<choice>add|dismiss):(?P<proposal_id>\d+)", what="an FAQ proposal"):
    """"Add to FAQ" / "Dismiss" under a proposal in the log channel (`ProposalButton.view_of(proposal_id)`)."""

    choice: str
    proposal_id: int
    looks = choices(add=Look("Add to FAQ", discord.ButtonStyle.success), dismiss=Look("Dismiss"))

    async def clicked(self, interaction: discord.Interaction, cog: TicketActions) -> None:
        await cog.decide_proposal(interaction, self.proposal_id, self.choice)


proposal_view = ProposalButton.view_of  # the name tests import


DYNAMIC_ITEMS = (PanelButton, PanelSelect, CategoryButton, FeedbackButton, DeflectionButton, TicketButton,
                 ProposalButton)
