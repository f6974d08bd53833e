"""What the ticket components (cogs/tickets/views.py) ask of the loaded tickets cog: exactly these calls.

The views depend on this contract, not on the cog class, so the cog can import the views without an import
cycle. `TicketsCog` fulfils it.
"""

from __future__ import annotations

from typing import Protocol

import discord


class TicketActions(Protocol):
    """The handlers behind the ticket buttons, menus and modals; each answers the interaction itself."""

    async def ask_description(self, interaction: discord.Interaction, category: str | None) -> None:
        """The panel's button or menu: check early, then ask what the ticket is about."""

    async def ask_form(self, interaction: discord.Interaction, category_id: int) -> None:
        """A configured category's panel button: check early, then show its form."""

    async def submit_form(self, interaction: discord.Interaction, category_id: int, description: str | None,
                          answers: list[tuple[str, str]]) -> None:
        """The category's form was sent (interaction deferred): open the ticket with the answers at its head."""

    async def request(self, interaction: discord.Interaction, description: str, category: str | None) -> None:
        """The member described their problem (interaction deferred): offer FAQ answers, or open the ticket."""

    async def deflection_choice(self, interaction: discord.Interaction, deflection_id: int, choice: str) -> None:
        """"This solved it" (`solved`) or "Open a ticket anyway" (`open`) under the offered FAQ answers."""

    async def button(self, interaction: discord.Interaction, action: str, ticket_id: int) -> None:
        """A ticket's lifecycle or staff-tool button."""

    async def close_confirmed(self, interaction: discord.Interaction, ticket_id: int, reason: str | None) -> None:
        """Closing was confirmed (the close modal or the confirmation view): close and report."""

    async def rate(self, interaction: discord.Interaction, ticket_id: int, stars: int) -> None:
        """A star button under a closed ticket: the opener's rating, asked once (then the comment form)."""

    async def feedback_given(self, interaction: discord.Interaction, ticket_id: int, stars: int,
                             comment: str | None) -> None:
        """The rating's form was sent: store it (once)."""

    async def decide_proposal(self, interaction: discord.Interaction, proposal_id: int, choice: str) -> None:
        """"Add to FAQ" (`add`) or "Dismiss" (`dismiss`) under an FAQ proposal."""
