"""Opening a ticket: the early checks (topic, open tickets per member), the FAQ answers offered first (and the
member's "solved" or "open anyway"), then the ticket row and its private channel (placed by `channels`)."""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING, Any

import discord

from cogs.tickets import repo
from cogs.tickets.channels import Placement, missing_permissions, missing_text, ticket_overwrites
from cogs.tickets.desk import NONE
from cogs.tickets.settings import (
    TICKETS_CATEGORIES,
    TICKETS_CATEGORY,
    TICKETS_FAQ_DEFLECTION,
    TICKETS_MAX_OPEN_PER_USER,
    TICKETS_OVERFLOW_CATEGORY,
)
from cogs.tickets.views import control_view, deflection_view
from core.guild_log import post_to_log
from utils.errors import BadInput, UserFacingError, missing_permission_message

if TYPE_CHECKING:
    from cogs.tickets.desk import TicketDesk

log = logging.getLogger(__name__)

DEFLECTION_RESULTS = 3
TOPIC_MAX = 100  # characters of a ticket topic (configured or typed)
FAQ_THRESHOLD = 0.35  # faq.min_similarity when the FAQ cog (which declares it) is not loaded


def _words(text: str) -> str:
    """The text's words as a full-text query matching any of them."""
    return " | ".join(dict.fromkeys(w.lower() for w in re.findall(r"[^\W_]+", text)))


def _opened(ticket: repo.Ticket) -> str:
    return f"🎫 Your ticket #{ticket.id} is open: <#{ticket.channel_id}>."


def _deflection_embed(matches: list[Any]) -> discord.Embed:
    embed = discord.Embed(title="Maybe the FAQ already answers this?", colour=discord.Colour.teal(),
                          description="Before we open a ticket, have a look at these answers.")
    for row in matches:
        answer = " ".join((row["summary"] or "").split())
        embed.add_field(name=(row["title"] or "FAQ")[:256], value=(answer[:1000] or "—"), inline=False)
    return embed


class Opening:
    """From "I need help" to an open ticket in its own channel."""

    def __init__(self, desk: TicketDesk) -> None:
        self.desk = desk

    async def categories(self, guild_id: int) -> list[str]:
        """The server's ticket topics (`tickets.categories`), at most 25 (what a menu holds)."""
        raw = await self.desk.bot.guild_settings.setting(guild_id, TICKETS_CATEGORIES) or ""
        return list(dict.fromkeys(part.strip()[:TOPIC_MAX] for part in raw.split(",") if part.strip()))[:25]

    async def check_can_open(self, guild: discord.Guild, member: discord.Member, category: str | None) -> None:
        """Refuse early: unknown or overlong category, too many open tickets."""
        if category is not None and len(category) > TOPIC_MAX:
            # Free text when the server lists no topics; it goes into the ticket's embed (1024 per field).
            raise BadInput(f"A ticket topic is at most {TOPIC_MAX} characters (this one has {len(category)}). "
                           "Pick one from the list, or leave `category` empty.",
                           example="/ticket open category:Billing")
        names = await self.categories(guild.id)
        if category is not None and names and category not in names:
            raise UserFacingError(f"“{category}” is not a ticket topic here. Topics: {', '.join(names)}.")
        limit = await self.desk.bot.guild_settings.setting(guild.id, TICKETS_MAX_OPEN_PER_USER)
        if await repo.count_active_of(self.desk.pool, guild.id, member.id) >= limit:
            raise UserFacingError(f"You already have {limit} open ticket(s). Please continue there, or close one "
                                  "first.")

    async def request(self, interaction: discord.Interaction, description: str, category: str | None) -> None:
        """After the member described their problem (interaction deferred): offer FAQ answers, or open."""
        guild, member = interaction.guild, interaction.user
        assert guild is not None and isinstance(member, discord.Member)
        text = " ".join(description.split())
        if len(text) < 10:
            raise UserFacingError("Please describe your problem in at least 10 characters.")
        await self.check_can_open(guild, member, category)
        pool = self.desk.pool
        if await self.desk.bot.guild_settings.setting(guild.id, TICKETS_FAQ_DEFLECTION):
            matches = await repo.faq_matches(pool, guild.id, _words(text), text, await self._faq_threshold(guild.id),
                                             DEFLECTION_RESULTS)
            if matches:
                deflection_id = await repo.add_deflection(pool, guild.id, member.id, text, category,
                                                          [m["id"] for m in matches], self.desk.bot.clock.now())
                await interaction.followup.send(embed=_deflection_embed(matches), ephemeral=True,
                                                view=deflection_view(deflection_id))
                return
        ticket = await self.open(guild, member, text, category)
        await interaction.followup.send(_opened(ticket), ephemeral=True)

    async def _faq_threshold(self, guild_id: int) -> float:
        try:
            return float(await self.desk.bot.guild_settings.get(guild_id, "faq", "min_similarity"))
        except LookupError:  # the FAQ cog (which declares it) is not loaded
            return FAQ_THRESHOLD

    async def deflection_choice(self, interaction: discord.Interaction, deflection_id: int, choice: str) -> None:
        """"This solved it" (counted, nothing opens) or "Open a ticket anyway"."""
        guild, member = interaction.guild, interaction.user
        assert guild is not None and isinstance(member, discord.Member)
        pool = self.desk.pool
        outcome = "solved" if choice == "solved" else "opened"
        pending = await repo.get_deflection(pool, guild.id, deflection_id, member.id)
        if pending is not None and outcome == "opened":
            await self.check_can_open(guild, member, pending["category"])
        row = await repo.decide_deflection(pool, guild.id, deflection_id, member.id, outcome,
                                           self.desk.bot.clock.now())
        if row is None:
            raise UserFacingError("This suggestion was already answered (or isn't yours).")
        if outcome == "solved":
            await interaction.response.edit_message(content="👍 Glad the FAQ helped! No ticket was opened.",
                                                    embed=None, view=None)
            return
        await interaction.response.edit_message(content="Opening your ticket…", embed=None, view=None)
        try:
            ticket = await self.open(guild, member, row["description"], row["category"])
        except BaseException:
            await repo.undo_deflection(pool, guild.id, deflection_id)  # the member may try again
            raise
        await repo.link_deflection(pool, guild.id, deflection_id, ticket.id)
        await interaction.edit_original_response(content=_opened(ticket))

    async def open(self, guild: discord.Guild, member: discord.Member, description: str,
                   category: str | None) -> repo.Ticket:
        """Create the ticket and its private channel; the admins hear about missing permissions."""
        missing = missing_permissions(guild)
        if missing:
            raise await self._setup_problem(guild, member, missing_text(missing))
        bot, pool = self.desk.bot, self.desk.pool
        now = bot.clock.now()
        ticket = await repo.create(pool, guild.id, member.id, str(member), description, category, now)
        staff = await self.desk.staff_role(guild)

        async def remember_category(key: str, category_id: int) -> None:
            await bot.guild_settings.set(guild.id, "tickets", key, category_id,
                                         changed_by=bot.user.id if bot.user else None)

        placement = Placement(guild, await self.desk.bot.guild_settings.setting(guild.id, TICKETS_CATEGORY),
                              await self.desk.bot.guild_settings.setting(guild.id, TICKETS_OVERFLOW_CATEGORY), staff,
                              remember_category)
        try:
            channel = await placement.create(f"ticket-{ticket.id}", ticket_overwrites(guild, member, staff),
                                             topic=f"Ticket #{ticket.id} by {member} ({member.id})",
                                             reason=f"Ticket #{ticket.id} opened by {member} ({member.id})")
        except discord.Forbidden as exc:
            await repo.delete(pool, guild.id, ticket.id)
            raise await self._setup_problem(guild, member, missing_permission_message(exc)) from exc
        except BaseException:
            await repo.delete(pool, guild.id, ticket.id)
            raise
        ticket = await repo.move(pool, guild.id, ticket.id, None, {"channel_id": channel.id}, now)
        assert ticket is not None
        self.desk.cache.remember(ticket)
        if placement.created_base is not None:  # told once: the category is remembered for the next tickets
            await post_to_log(bot, guild, feature="tickets", what="a ticket log entry", required=True, content=(
                f"ℹ️ No ticket category was set, so I created {placement.created_base.mention} (private to the "
                "staff) for ticket channels. To choose another: `/ticket setup category:<category>`."))
        embed = discord.Embed(title=f"Ticket #{ticket.id}", description=description[:4000],
                              colour=discord.Colour.blurple())
        embed.add_field(name="Opened by", value=member.mention)
        if category:
            embed.add_field(name="Topic", value=category)
        embed.set_footer(text="Staff: claim the ticket to take it on. Anyone here can close it with 🔒.")
        await channel.send(content=f"{member.mention}, thanks — staff will be with you soon.", embed=embed,
                           view=control_view(ticket.id), allowed_mentions=NONE)
        return ticket

    async def _setup_problem(self, guild: discord.Guild, member: discord.Member, problem: str) -> UserFacingError:
        """Tell the admins (log channel) why a ticket could not open; the error for the member: the problem
        itself for an admin, else that the admins know."""
        failed = await post_to_log(self.desk.bot, guild, feature="tickets", what="a ticket log entry", required=True,
                                   content=f"⚠️ A member could not open a ticket: {problem}")
        if failed:
            log.warning("Guild %s: ticket setup problem (%s); log channel: %s", guild.id, problem, failed)
        if member.guild_permissions.manage_guild:
            return UserFacingError(problem)
        return UserFacingError("Tickets can't be opened right now because of a setup problem on my side; the "
                               "admins have been told.")
