"""Staff tools on a ticket: an AI draft of the next reply, letting a member in or out of the ticket's channel,
and handing one's claim to another staff member. Who may use them is checked by the cog."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord

from cogs.tickets import lifecycle, repo, transcript
from cogs.tickets.channels import PARTICIPANT
from cogs.tickets.desk import NONE
from cogs.tickets.lifecycle import ACTIVE, CLAIMED, ESCALATED, WAITING
from cogs.tickets.prompts import suggest_reply_messages
from gpt.cooldown import llm_cooldown
from utils.cooldowns import Cooldown
from utils.errors import UserFacingError

if TYPE_CHECKING:
    from cogs.tickets.desk import TicketDesk
    from gpt.service import LLMService

# A staff member's suggested replies: (uses, per seconds), in memory (each is an LLM call).
SUGGEST_RATE = (1, 30.0)


class StaffTools:
    """Suggested replies, channel access, claim transfer."""

    def __init__(self, desk: TicketDesk, llm: LLMService) -> None:
        self.desk = desk
        self.llm = llm
        self.suggest_cooldown = Cooldown(*SUGGEST_RATE, desk.bot.clock, what="suggested replies")

    def _channel(self, guild: discord.Guild, ticket: repo.Ticket) -> discord.TextChannel:
        channel = self.desk.channel_of(guild, ticket)
        if channel is None:
            raise UserFacingError("The ticket's channel no longer exists.")
        return channel

    async def suggest_reply(self, guild: discord.Guild, staff: discord.Member, ticket: repo.Ticket) -> str:
        """An AI draft of the staff member's next reply, charged to that staff member's daily AI quota and
        limited by `SUGGEST_RATE` per staff member (a refused or failed call gives the use back)."""
        lines = await transcript.collect(self._channel(guild, ticket))
        conversation = "\n".join(f"{'[staff] ' if line.author_id != ticket.user_id else '[member] '}"
                                 f"{line.author}: {line.content}" for line in lines
                                 if line.content and not line.bot)
        with llm_cooldown(self.suggest_cooldown, (guild.id, staff.id)):
            draft = await self.llm.ask(suggest_reply_messages(ticket.description, conversation or "(no messages yet)",
                                                              staff.display_name), guild_id=guild.id,
                                       user_id=staff.id, max_tokens=400)
        return draft.strip()[:1900]

    async def set_member_access(self, guild: discord.Guild, ticket: repo.Ticket, member: discord.Member,
                                allowed: bool) -> None:
        """Let the member see and write in the ticket's channel, or take that away."""
        channel = self._channel(guild, ticket)
        if allowed:
            await channel.set_permissions(member, overwrite=PARTICIPANT, reason=f"Added to ticket #{ticket.id}")
        else:
            await channel.set_permissions(member, overwrite=None, reason=f"Removed from ticket #{ticket.id}")

    async def transfer(self, guild: discord.Guild, ticket: repo.Ticket, actor: discord.Member,
                       to: discord.Member) -> str:
        """Hand the ticket's claim to another staff member; returns the answer to the actor."""
        if ticket.status not in ACTIVE:
            raise lifecycle.InvalidTransition(f"Ticket #{ticket.id} is {lifecycle.LABELS[ticket.status]}: only an "
                                              "active ticket's claim can be transferred.")
        desk = self.desk
        if to.bot or not await desk.is_staff(to, ticket):
            raise UserFacingError(f"{to.mention} is not staff: a claim can only go to a staff member.")
        now = desk.bot.clock.now()
        status = ticket.status if ticket.status in (WAITING, ESCALATED) else CLAIMED
        moved = await repo.move(desk.pool, guild.id, ticket.id, ACTIVE,
                                {"status": status, "claimed_by": to.id, "claimed_at": now}, now)
        if moved is None:
            raise lifecycle.InvalidTransition(f"Ticket #{ticket.id} changed meanwhile; try again.")
        desk.cache.remember(moved)
        channel = desk.channel_of(guild, moved)
        if channel is not None:
            old = guild.get_member(ticket.claimed_by) if ticket.claimed_by else None
            if old is not None and old.id not in (to.id, ticket.user_id):
                await channel.set_permissions(old, overwrite=None, reason=f"Ticket #{ticket.id} claim transferred")
            await channel.set_permissions(to, overwrite=PARTICIPANT, reason=f"Ticket #{ticket.id} claim transferred")
            await channel.send(f"🔁 {actor.mention} handed this ticket to {to.mention}.", allowed_mentions=NONE)
        return f"Ticket #{ticket.id} is now claimed by {to.mention}."
