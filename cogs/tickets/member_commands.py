"""Ticket commands beyond the lifecycle (a mixin of the tickets cog, cog.py): the opener's rating after close,
`/ticket transcript` (staff and the opener), `/ticket priority` and `/tickets` (a member's own tickets)."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Literal

import discord
from discord import app_commands

from cogs.tickets import feedback, lifecycle, repo
from cogs.tickets.checks import TICKET_STAFF
from cogs.tickets.group import TICKET
from cogs.tickets.views import FeedbackModal
from utils.errors import BadInput, UserFacingError
from utils.options import RowId

if TYPE_CHECKING:
    from cogs.tickets.desk import TicketDesk
    from core.db import HearthPool
    from core.hearth_bot import HearthBot

NONE = discord.AllowedMentions.none()
PRIORITIES = ("low", "normal", "high", "urgent")
PRIORITY_ICONS = {"low": "⚪", "normal": "🔵", "high": "🟠", "urgent": "🔴"}


class MemberCommands:
    """Feedback, transcripts, priority, a member's tickets."""

    bot: HearthBot
    desk: TicketDesk
    pool: HearthPool

    # --- feedback ------------------------------------------------------------------------------------------------

    async def _rated_ticket(self, interaction: discord.Interaction, ticket_id: int) -> repo.Ticket:
        ticket = await self.desk.resolve(interaction.guild_id, None, ticket_id)
        if interaction.user.id != ticket.user_id:
            raise UserFacingError("Only the member who opened this ticket can rate it.")
        if ticket.status not in (lifecycle.CLOSED, lifecycle.ARCHIVED):
            raise UserFacingError(f"Ticket #{ticket.id} isn't closed yet.")
        if await feedback.has_feedback(self.pool, interaction.guild_id, ticket.id):
            raise UserFacingError(f"You already rated ticket #{ticket.id}. Thank you!")
        return ticket

    async def rate(self, interaction: discord.Interaction, ticket_id: int, stars: int) -> None:
        """A star button: the opener gets the comment form."""
        ticket = await self._rated_ticket(interaction, ticket_id)
        await interaction.response.send_modal(FeedbackModal(self, ticket.id, stars))  # type: ignore[arg-type]

    async def feedback_given(self, interaction: discord.Interaction, ticket_id: int, stars: int,
                             comment: str | None) -> None:
        """Store the rating once, with the ticket's category and the staff member who handled it."""
        ticket = await self._rated_ticket(interaction, ticket_id)
        if not 1 <= stars <= 5:
            raise BadInput("A rating is 1 to 5 stars.")
        clean = " ".join(comment.split())[:feedback.COMMENT_MAX] if comment else None
        staff = ticket.claimed_by or (ticket.closed_by if ticket.closed_by != ticket.user_id else None)
        if staff is not None and self.bot.user is not None and staff == self.bot.user.id:
            staff = None
        stored = await feedback.add(self.pool, ticket.guild_id, ticket.id, ticket.user_id, stars, clean or None,
                                    ticket.category_id, staff, self.bot.clock.now())
        if not stored:
            raise UserFacingError(f"You already rated ticket #{ticket.id}. Thank you!")
        await interaction.response.send_message(f"Thank you! You rated ticket #{ticket.id} "
                                                f"{feedback.stars_text(stars)}.", ephemeral=True)

    # --- transcripts -----------------------------------------------------------------------------------------------

    @TICKET.command(name="transcript", description="A closed ticket's transcript (staff, or who opened it)")
    @app_commands.describe(ticket="Ticket number (default: this channel's ticket)")
    async def transcript_(self, interaction: discord.Interaction, ticket: RowId | None = None) -> None:
        found = await self.desk.resolve(interaction.guild_id, interaction.channel_id, ticket)
        if interaction.user.id != found.user_id and not await self.desk.is_staff(interaction.user, found):
            raise UserFacingError("Only staff and the member who opened the ticket can read its transcript.")
        page = await feedback.transcript(self.pool, interaction.guild_id, found.id)
        if page is None:
            raise UserFacingError(f"Ticket #{found.id} has no kept transcript: it is made when the ticket closes "
                                  "(tickets closed before transcripts were kept have none).")
        await interaction.response.send_message(
            f"📄 Transcript of ticket #{found.id} (open it in a browser).", ephemeral=True,
            file=discord.File(io.BytesIO(page.encode()), filename=f"ticket-{found.id}.html"))

    # --- priority, a member's tickets ----------------------------------------------------------------------------

    @TICKET.command(name="priority", description="Set a ticket's priority (staff)")
    @app_commands.describe(level="low, normal, high or urgent", ticket="Ticket number (default: this channel's)")
    @TICKET_STAFF
    async def priority(self, interaction: discord.Interaction, level: Literal["low", "normal", "high", "urgent"],
                       ticket: RowId | None = None) -> None:
        found = await self.desk.resolve(interaction.guild_id, interaction.channel_id, ticket)
        if not await self.desk.is_staff(interaction.user, found):
            raise UserFacingError("Only staff can do that (the ticket staff role, Manage Channels or Manage Server).")
        if found.status not in lifecycle.ACTIVE:
            raise lifecycle.InvalidTransition(f"Ticket #{found.id} is {lifecycle.LABELS[found.status]}.")
        await repo.move(self.pool, found.guild_id, found.id, lifecycle.ACTIVE, {"priority": level},
                        self.bot.clock.now())
        channel = self.desk.channel_of(interaction.guild, found)
        if channel is not None:
            await channel.send(f"{PRIORITY_ICONS[level]} {interaction.user.mention} set the priority to **{level}**.",
                               allowed_mentions=NONE)
        await interaction.response.send_message(f"Ticket #{found.id} is now **{level}** priority.", ephemeral=True)

    @app_commands.command(name="tickets", description="Your tickets on this server")
    @app_commands.guild_only()
    async def my_tickets(self, interaction: discord.Interaction) -> None:
        rows = await repo.of_member(self.pool, interaction.guild_id, interaction.user.id)
        lines = [f"**#{t.id}** · {lifecycle.LABELS[t.status]} · {PRIORITY_ICONS.get(t.priority, '')} "
                 f"{discord.utils.escape_markdown(t.category or 'no topic')} · <t:{int(t.created_at.timestamp())}:d>"
                 + (f" · <#{t.channel_id}>" if t.channel_id and t.status != lifecycle.ARCHIVED else "")
                 for t in rows]
        await interaction.response.send_message("\n".join(lines)[:2000] or "You have no tickets here.",
                                                ephemeral=True, allowed_mentions=NONE)
