"""Staff commands (a mixin of the tickets cog, cog.py): letting a member in or out of a ticket, renaming its
channel, handing one's claim on, private staff notes, and `/ticket_stats`. The work is done by staff_tools.py,
metrics.py, feedback.py and the repo."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

import discord
from discord import app_commands

from cogs.tickets import feedback, lifecycle, metrics, repo
from cogs.tickets.checks import NOT_STAFF, TICKET_STAFF
from cogs.tickets.group import TICKET
from utils.errors import BadInput, UserFacingError
from utils.options import RowId

if TYPE_CHECKING:
    from cogs.tickets.desk import TicketDesk
    from cogs.tickets.staff_tools import StaffTools
    from core.db import HearthPool
    from core.hearth_bot import HearthBot

NONE = discord.AllowedMentions.none()
NOTE_MAX = 1000


class StaffCommands:
    """`/ticket add_user|remove_user|rename|transfer|note|notes`, `/ticket_stats`."""

    bot: HearthBot
    desk: TicketDesk
    pool: HearthPool
    tools: StaffTools

    async def _staff_ticket(self, interaction: discord.Interaction, ticket_id: int | None,
                            *, active: bool = True) -> repo.Ticket:
        """The ticket (by number, else this channel's) when the member is its staff; active unless told."""
        found = await self.desk.resolve(interaction.guild_id, interaction.channel_id, ticket_id)
        if not await self.desk.is_staff(interaction.user, found):
            raise UserFacingError(NOT_STAFF)
        if active and found.status not in lifecycle.ACTIVE:
            raise lifecycle.InvalidTransition(f"Ticket #{found.id} is {lifecycle.LABELS[found.status]}: reopen it "
                                              "first.")
        return found

    @TICKET.command(name="add_user", description="Let a member see and write in the ticket (staff)")
    @app_commands.describe(member="Who to add", ticket="Ticket number (default: this channel's ticket)")
    @TICKET_STAFF
    async def add_user(self, interaction: discord.Interaction, member: discord.Member,
                       ticket: RowId | None = None) -> None:
        found = await self._staff_ticket(interaction, ticket)
        if member.bot:
            raise BadInput("Bots can't be added to tickets.")
        await self.tools.set_member_access(interaction.guild, found, member, True)
        channel = self.desk.channel_of(interaction.guild, found)
        if channel is not None:
            await channel.send(f"➕ {interaction.user.mention} added {member.mention} to this ticket.",
                               allowed_mentions=NONE)
        await interaction.response.send_message(f"Added {member.mention} to ticket #{found.id}.", ephemeral=True,
                                                allowed_mentions=NONE)

    @TICKET.command(name="remove_user", description="Take a member out of the ticket (staff)")
    @app_commands.describe(member="Who to remove", ticket="Ticket number (default: this channel's ticket)")
    @TICKET_STAFF
    async def remove_user(self, interaction: discord.Interaction, member: discord.Member,
                          ticket: RowId | None = None) -> None:
        found = await self._staff_ticket(interaction, ticket)
        if member.id == found.user_id:
            raise BadInput("The member who opened the ticket can't be removed from it; close the ticket instead.")
        if member.bot:  # removing my own overwrite would lock me out of the ticket I run
            raise BadInput(f"{member.mention} is a bot, not a ticket participant: bots can't be removed from tickets. "
                           "To end the ticket, use `/ticket close`.")
        await self.tools.set_member_access(interaction.guild, found, member, False)
        await interaction.response.send_message(f"Removed {member.mention} from ticket #{found.id}.", ephemeral=True,
                                                allowed_mentions=NONE)

    @TICKET.command(name="rename", description="Rename the ticket's channel (staff)")
    @app_commands.describe(name="New channel name", ticket="Ticket number (default: this channel's ticket)")
    @TICKET_STAFF
    async def rename(self, interaction: discord.Interaction, name: str, ticket: RowId | None = None) -> None:
        found = await self._staff_ticket(interaction, ticket, active=False)
        clean = "-".join(name.lower().split())[:90]
        if not clean:
            raise BadInput("Give a channel name.", example="/ticket rename name:billing-question")
        channel = self.desk.channel_of(interaction.guild, found)
        if channel is None:
            raise UserFacingError("The ticket's channel no longer exists.")
        await channel.edit(name=clean, reason=f"Ticket #{found.id} renamed by {interaction.user}")
        await interaction.response.send_message(f"Renamed ticket #{found.id} to `{clean}`.", ephemeral=True)

    @TICKET.command(name="transfer", description="Hand your claim to another staff member (staff)")
    @app_commands.describe(member="The staff member taking over", ticket="Ticket number (default: this channel's)")
    @TICKET_STAFF
    async def transfer(self, interaction: discord.Interaction, member: discord.Member,
                       ticket: RowId | None = None) -> None:
        found = await self._staff_ticket(interaction, ticket)
        answer = await self.tools.transfer(interaction.guild, found, interaction.user, member)
        await interaction.response.send_message(answer, ephemeral=True, allowed_mentions=NONE)

    @TICKET.command(name="note", description="Add a private staff note to the ticket (staff)")
    @app_commands.describe(text="The note (never shown to the member)",
                           ticket="Ticket number (default: this channel's ticket)")
    @TICKET_STAFF
    async def note(self, interaction: discord.Interaction, text: str, ticket: RowId | None = None) -> None:
        found = await self._staff_ticket(interaction, ticket, active=False)
        clean = text.strip()
        if not 1 <= len(clean) <= NOTE_MAX:
            raise BadInput(f"A note is 1 to {NOTE_MAX} characters.")
        note_id = await repo.add_note(self.pool, interaction.guild_id, found.id, interaction.user.id, clean,
                                      self.bot.clock.now())
        await interaction.response.send_message(f"📝 Note #{note_id} saved on ticket #{found.id} (staff only).",
                                                ephemeral=True)

    @TICKET.command(name="notes", description="The staff notes of a ticket (staff)")
    @app_commands.describe(ticket="Ticket number (default: this channel's ticket)")
    @TICKET_STAFF
    async def notes(self, interaction: discord.Interaction, ticket: RowId | None = None) -> None:
        found = await self._staff_ticket(interaction, ticket, active=False)
        rows = await repo.notes(self.pool, interaction.guild_id, found.id)
        lines = [f"**#{r['id']}** <@{r['author_id']}> <t:{int(r['created_at'].timestamp())}:f>\n{r['note']}"
                 for r in rows]
        embed = discord.Embed(title=f"Staff notes · ticket #{found.id}", colour=discord.Colour.dark_gold(),
                              description="\n\n".join(lines)[-4000:] or "No notes yet: add one with `/ticket note`.")
        await interaction.response.send_message(embed=embed, ephemeral=True, allowed_mentions=NONE)

    # --- metrics (/ticket_stats) ------------------------------------------------------------------------------------

    @app_commands.command(name="ticket_stats", description="Ticket statistics (staff)")
    @app_commands.guild_only()
    @app_commands.describe(period="7d, 30d or all", csv="Attach the period's tickets as a CSV file")
    @TICKET_STAFF
    async def ticket_stats(self, interaction: discord.Interaction, period: Literal["7d", "30d", "all"] = "30d",
                           csv: bool = False) -> None:
        if not await self.desk.is_staff(interaction.user):
            raise UserFacingError(NOT_STAFF)
        guild_id = interaction.guild_id
        now = self.bot.clock.now()
        async with self.pool.acquire() as conn, conn.transaction():
            stats = await metrics.gather(conn, guild_id, period, now)
            await repo.add_metrics_snapshot(conn, guild_id, period, stats.snapshot(), stats.counts,
                                            stats.average_cycle_seconds, interaction.user.id, now)
            rows = await repo.export_rows(conn, guild_id, now - metrics.PERIODS[period]
                                          if metrics.PERIODS[period] else None) if csv else []
            rated = await feedback.averages(conn, guild_id, now - metrics.PERIODS[period]
                                            if metrics.PERIODS[period] else None)
        kwargs: dict[str, Any] = {"embeds": [metrics.embed(stats), feedback.embed(*rated)], "ephemeral": True,
                                  "allowed_mentions": NONE}
        if csv:
            kwargs["file"] = metrics.csv_file(stats, rows)
        await interaction.response.send_message(**kwargs)
