"""Opening a ticket: the early checks (topic, open tickets per member), the FAQ answers offered first (`deflection`)
and the member's "solved" or "open anyway", then the ticket row and its private channel (the guild kit's private
channels, placed in the ticket category or its overflow). Results go back to the cog, which answers the member."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from functools import partial
from typing import TYPE_CHECKING

import discord

from cogs.tickets import categories as cats
from cogs.tickets import repo
from cogs.tickets.channels import TICKET_CHANNELS
from cogs.tickets.deflection import Choice, Offer
from cogs.tickets.desk import NONE, STAFF
from cogs.tickets.settings import TICKETS_CATEGORIES, TICKETS_MAX_OPEN_PER_USER
from cogs.tickets.views import control_view
from core.guild_kit import Placement, post_to_log, staff_roles
from utils.errors import BadInput, UserFacingError, missing_permission_message

if TYPE_CHECKING:
    from cogs.tickets.deflection import Deflection
    from cogs.tickets.desk import TicketDesk

log = logging.getLogger(__name__)

TOPIC_MAX = 100  # characters of a ticket topic (configured or typed)


def opened_text(ticket: repo.Ticket) -> str:
    """The answer to the member whose ticket opened."""
    return f"🎫 Your ticket #{ticket.id} is open: <#{ticket.channel_id}>."


class Opening:
    """From "I need help" to an open ticket in its own channel."""

    def __init__(self, desk: TicketDesk, deflection: Deflection) -> None:
        self.desk = desk
        self.deflection = deflection
        self.on_open: Callable[[repo.Ticket], Awaitable[None]] | None = None  # the idle clock starts

    async def categories(self, guild_id: int) -> list[str]:
        """The server's configured ticket categories, then its topics (`tickets.categories`), at most 25 (what a
        menu holds)."""
        raw = await self.desk.bot.guild_settings.setting(guild_id, TICKETS_CATEGORIES) or ""
        configured = [c.name for c in await cats.of_guild(self.desk.pool, guild_id)]
        topics = [part.strip()[:TOPIC_MAX] for part in raw.split(",") if part.strip()]
        return list(dict.fromkeys(configured + topics))[:25]

    async def check_can_open(self, guild: discord.Guild, member: discord.Member, category: str | None) -> None:
        """Refuse early: unknown or overlong category, too many open tickets."""
        if category is not None and len(category) > TOPIC_MAX:
            # Free text when the server lists no topics; it goes into the ticket's embed (1024 per field).
            raise BadInput(f"A ticket topic is at most {TOPIC_MAX} characters (this one has {len(category)}). "
                           "Pick one from the list, or leave `category` empty.",
                           example="/ticket open category:Billing")
        names = await self.categories(guild.id)
        if category is not None and names and category.lower() not in {n.lower() for n in names}:
            raise UserFacingError(f"“{category}” is not a ticket topic here. Topics: {', '.join(names)}.")
        limit = await self.desk.bot.guild_settings.setting(guild.id, TICKETS_MAX_OPEN_PER_USER)
        if await repo.count_active_of(self.desk.pool, guild.id, member.id) >= limit:
            raise UserFacingError(f"You already have {limit} open ticket(s). Please continue there, or close one "
                                  "first.")

    async def request(self, guild: discord.Guild, member: discord.Member, description: str,
                      category: str | None) -> Offer | repo.Ticket:
        """After the member described their problem: FAQ answers to offer first, or the ticket, opened."""
        text = " ".join(description.split())
        if len(text) < 10:
            raise UserFacingError("Please describe your problem in at least 10 characters.")
        await self.check_can_open(guild, member, category)
        offer = await self.deflection.offer(guild, member, text, category)
        if offer is not None:
            return offer
        return await self.open(guild, member, text, category)

    async def choose(self, guild: discord.Guild, member: discord.Member, deflection_id: int, choice: str) -> Choice:
        """The member's answer under the offered FAQ answers; "open anyway" passes a new ticket's early checks."""
        if choice != "solved":
            pending = await self.deflection.pending(guild, member, deflection_id)
            if pending is not None:
                await self.check_can_open(guild, member, pending["category"])
        return await self.deflection.decide(guild, member, deflection_id, choice)

    async def open_anyway(self, guild: discord.Guild, member: discord.Member, choice: Choice) -> repo.Ticket:
        """Open the ticket the member chose to open after all; if it can't open, they may answer again."""
        try:
            ticket = await self.open(guild, member, choice.description, choice.category)
        except BaseException:
            await self.deflection.undo(guild, choice.deflection_id)
            raise
        await self.deflection.link(guild, choice.deflection_id, ticket.id)
        return ticket

    async def open(self, guild: discord.Guild, member: discord.Member, description: str,
                   category: str | None, answers: list[tuple[str, str]] | None = None,
                   quote: str | None = None, opened_by: discord.Member | None = None) -> repo.Ticket:
        """Create the ticket and its private channel; the admins hear about missing permissions. A configured
        category (by name) brings its staff roles (the only staff let in), its Discord category and channel name;
        `answers` (its form) and `quote` (a message the ticket is about) head the ticket; `opened_by`: the staff
        member who opened it for `member` (named in its head)."""
        missing = TICKET_CHANNELS.missing_permissions(guild)
        if missing:
            raise await self._setup_problem(guild, member, TICKET_CHANNELS.missing_text(missing))
        bot, pool = self.desk.bot, self.desk.pool
        now = bot.clock.now()
        configured = await cats.by_name(pool, guild.id, category) if category else None
        if configured is not None:
            category = configured.name
        ticket = await repo.create(pool, guild.id, member.id, str(member), description, category, now,
                                   category_id=configured and configured.id, answers=answers)
        staff = (configured and configured.staff_roles(guild)) or await staff_roles(bot, STAFF, guild)
        placement = await Placement.of(bot, guild, TICKET_CHANNELS, staff)
        own = guild.get_channel(configured.discord_category_id) if configured and configured.discord_category_id \
            else None
        if isinstance(own, discord.CategoryChannel):
            placement.base = own  # full: the ticket overflow category takes it, as for the main category
        name = configured.channel_name(ticket.id, member) if configured else f"ticket-{ticket.id}"
        try:
            channel = await placement.create(name, TICKET_CHANNELS.overwrites(guild, member, staff),
                                             topic=f"Ticket #{ticket.id} by {member} ({member.id})",
                                             reason=f"Ticket #{ticket.id} opened by {member} ({member.id})",
                                             rollback=partial(repo.delete, pool, guild.id, ticket.id))
        except discord.Forbidden as exc:
            raise await self._setup_problem(guild, member, missing_permission_message(exc)) from exc
        ticket = await repo.move(pool, guild.id, ticket.id, None, {"channel_id": channel.id}, now)
        assert ticket is not None
        self.desk.cache.remember(ticket)
        if self.on_open is not None:
            await self.on_open(ticket)
        if placement.created_base is not None:  # told once: the category is remembered for the next tickets
            await post_to_log(bot, guild, feature="tickets", what="a ticket log entry", required=True, content=(
                f"ℹ️ No ticket category was set, so I created {placement.created_base.mention} (private to the "
                "staff) for ticket channels. To choose another: `/ticket setup category:<category>`."))
        embed = discord.Embed(title=f"Ticket #{ticket.id}",
                              description="**The form's answers:**" if answers else description[:4000],
                              colour=discord.Colour.blurple())
        embed.add_field(name="Opened by", value=member.mention if opened_by is None
                        else f"{opened_by.mention} for {member.mention}")
        if category:
            embed.add_field(name="Topic", value=category)
        for question, answer in answers or []:
            embed.add_field(name=question[:256], value=answer[:1024] or "–", inline=False)
        if quote:
            embed.add_field(name="About this message", value=quote[:1024], inline=False)
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
