"""FAQ deflection: before a ticket opens, the FAQ answers that may already solve the member's problem (kept as a
pending deflection), and the member's answer to them — "This solved it" (counted, nothing opens) or "Open a ticket
anyway" (the ticket opens from the stored description). Opening the ticket itself is `opening`'s."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import discord

from cogs.faq.api import FaqAnswer, FaqApi
from cogs.tickets import repo
from cogs.tickets.settings import TICKETS_FAQ_DEFLECTION
from utils.errors import UserFacingError

if TYPE_CHECKING:
    from cogs.tickets.desk import TicketDesk

DEFLECTION_RESULTS = 3
SOLVED, OPENED = "solved", "opened"  # a deflection's outcomes


def _deflection_embed(matches: list[FaqAnswer]) -> discord.Embed:
    embed = discord.Embed(title="Maybe the FAQ already answers this?", colour=discord.Colour.teal(),
                          description="Before we open a ticket, have a look at these answers.")
    for match in matches:
        answer = " ".join(match.answer.split())
        embed.add_field(name=(match.title or "FAQ")[:256], value=(answer[:1000] or "—"), inline=False)
    return embed


@dataclass(frozen=True)
class Offer:
    """FAQ answers offered instead of opening a ticket at once (the member answers with the deflection's buttons)."""

    deflection_id: int
    embed: discord.Embed


@dataclass(frozen=True)
class Choice:
    """The member's answer to an offer: `outcome` (SOLVED or OPENED), and the ticket to open for OPENED."""

    deflection_id: int
    outcome: str
    description: str
    category: str | None


class Deflection:
    """FAQ answers before a ticket opens, and the member's answer to them."""

    def __init__(self, desk: TicketDesk) -> None:
        self.desk = desk

    async def offer(self, guild: discord.Guild, member: discord.Member, text: str,
                    category: str | None) -> Offer | None:
        """The FAQ answers worth showing before the ticket opens (stored as a pending deflection), or None (FAQ
        deflection off, the FAQ cog not loaded, nothing similar enough)."""
        faq = self.desk.bot.apis.get(FaqApi)  # None when the FAQ cog is not loaded: no answers to offer
        if faq is None or not await self.desk.bot.guild_settings.setting(guild.id, TICKETS_FAQ_DEFLECTION):
            return None
        matches = await faq.search(guild.id, text, DEFLECTION_RESULTS)
        if not matches:
            return None
        deflection_id = await repo.add_deflection(self.desk.pool, guild.id, member.id, text, category,
                                                  [m.id for m in matches], self.desk.bot.clock.now())
        return Offer(deflection_id, _deflection_embed(matches))

    async def pending(self, guild: discord.Guild, member: discord.Member, deflection_id: int) -> Any:
        """The member's deflection while it waits for their answer (its description and category), else None."""
        return await repo.get_deflection(self.desk.pool, guild.id, deflection_id, member.id)

    async def decide(self, guild: discord.Guild, member: discord.Member, deflection_id: int, choice: str) -> Choice:
        """Record the member's answer ("solved" or "open") once; refuses one already answered, or someone else's."""
        outcome = SOLVED if choice == "solved" else OPENED
        row = await repo.decide_deflection(self.desk.pool, guild.id, deflection_id, member.id, outcome,
                                           self.desk.bot.clock.now())
        if row is None:
            raise UserFacingError("This suggestion was already answered (or isn't yours).")
        return Choice(deflection_id, outcome, row["description"], row["category"])

    async def undo(self, guild: discord.Guild, deflection_id: int) -> None:
        """The ticket could not open after all: the deflection is pending again (the member may try again)."""
        await repo.undo_deflection(self.desk.pool, guild.id, deflection_id)

    async def link(self, guild: discord.Guild, deflection_id: int, ticket_id: int) -> None:
        """Remember which ticket the member opened anyway."""
        await repo.link_deflection(self.desk.pool, guild.id, deflection_id, ticket_id)
