"""Moving a ticket along its lifecycle by hand: claim, wait for the member (the inactivity clock starts),
escalate and reopen. Closing and archiving have their own flow (`closing`); the rules are in `lifecycle`.

`act` is the same for every action (the check, the row and its timers in one transaction, the channel); what an
action does besides is a `Move`, planned once by the action's own method."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

import discord

from cogs.tickets import lifecycle, repo
from cogs.tickets.channels import PARTICIPANT, set_opener_can_write
from cogs.tickets.desk import ARCHIVE, INACTIVITY, NONE, only_user
from cogs.tickets.lifecycle import CLAIMED, CLOSED, OPEN, WAITING
from cogs.tickets.settings import TICKETS_ESCALATION_ROLE
from utils.errors import UserFacingError, missing_permission_message

if TYPE_CHECKING:
    from cogs.tickets.desk import TicketDesk


@dataclass
class Move:
    """What one action does besides the status: the row's fields, the notice in the ticket's channel (and whom it
    pings), and what the channel's overwrites get first (None: nothing)."""

    fields: dict[str, Any]
    notice: str
    mentions: discord.AllowedMentions = NONE
    grant: Callable[[discord.TextChannel], Awaitable[None]] | None = None


class Moves:
    """claim, wait, escalate, reopen."""

    def __init__(self, desk: TicketDesk) -> None:
        self.desk = desk
        self.on_active: Callable[[repo.Ticket], Awaitable[None]] | None = None  # reopened: the idle clock starts
        self._plans: dict[str, Callable[[discord.Guild, discord.Member, repo.Ticket, datetime], Awaitable[Move]]] = {
            "claim": self._claim, "wait": self._wait, "escalate": self._escalate, "reopen": self._reopen}

    async def act(self, guild: discord.Guild, actor: discord.Member, ticket: repo.Ticket, action: str) -> str:
        """Take `action` on the ticket; returns the answer to the actor."""
        desk = self.desk
        staff = await desk.is_staff(actor, ticket)
        transition = lifecycle.check(action, ticket.id, ticket.status, staff=staff, opener=actor.id == ticket.user_id)
        now = desk.bot.clock.now()
        channel = desk.channel_of(guild, ticket)
        move = await self._plans[action](guild, actor, ticket, now)  # the one place the action decides anything
        async with desk.pool.acquire() as conn, conn.transaction():
            moved = await repo.move(conn, guild.id, ticket.id, transition.sources,
                                    {"status": transition.target} | move.fields, now)
            if moved is None:
                raise lifecycle.InvalidTransition(f"Ticket #{ticket.id} changed meanwhile; try again.")
            timers = desk.bot.timers
            if ticket.status == WAITING and moved.status != WAITING:
                await timers.cancel(INACTIVITY, str(ticket.id), conn=conn)
            if moved.status == WAITING:
                warn, _ = await desk.inactivity_windows(guild.id)
                await timers.schedule(guild.id, INACTIVITY, str(ticket.id), now + warn, {"ticket_id": ticket.id},
                                      conn=conn)
            if ticket.status == CLOSED:  # reopened: the closed ticket's archive job is off
                await timers.cancel(ARCHIVE, str(ticket.id), conn=conn)
        desk.cache.remember(moved)
        if ticket.status == CLOSED:  # reopened: the idle clock starts afresh
            ref = desk.cache.get(moved.channel_id) if moved.channel_id else None
            if ref is not None:
                ref.last_activity = now
            if self.on_active is not None:
                await self.on_active(moved)
        problems = []
        if channel is not None:
            try:
                if move.grant is not None:
                    await move.grant(channel)
                await channel.send(move.notice, allowed_mentions=move.mentions)
            except discord.Forbidden as exc:
                problems.append(missing_permission_message(exc))
        answer = f"Ticket #{ticket.id} is now {lifecycle.LABELS[moved.status]}."
        return answer + ("\n⚠️ " + "\n⚠️ ".join(problems) if problems else "")

    # --- what each action does --------------------------------------------------------------------------------------

    async def _claim(self, guild: discord.Guild, actor: discord.Member, ticket: repo.Ticket, now: datetime) -> Move:
        async def grant(channel: discord.TextChannel) -> None:
            await channel.set_permissions(actor, overwrite=PARTICIPANT, reason=f"Ticket #{ticket.id} claimed")

        return Move({"claimed_by": actor.id, "claimed_at": now},
                    f"🙋 {actor.mention} claimed this ticket and will help you.", grant=grant)

    async def _wait(self, guild: discord.Guild, actor: discord.Member, ticket: repo.Ticket, now: datetime) -> Move:
        warn, close = await self.desk.inactivity_windows(guild.id)
        return Move({"last_opener_activity_at": now, "inactivity_warned_at": None},
                    f"⏳ Waiting for <@{ticket.user_id}>'s reply. Without a reply I'll send a reminder "
                    f"<t:{int((now + warn).timestamp())}:R> and close the ticket "
                    f"<t:{int((now + close).timestamp())}:R>.", only_user(ticket.user_id))

    async def _escalate(self, guild: discord.Guild, actor: discord.Member, ticket: repo.Ticket,
                        now: datetime) -> Move:
        role_id = await self.desk.bot.guild_settings.setting(guild.id, TICKETS_ESCALATION_ROLE)
        role = guild.get_role(role_id) if role_id else None
        if role is None:
            raise UserFacingError("No escalation role is set: an admin can set one with `/ticket setup "
                                  "escalation_role:`.")

        async def grant(channel: discord.TextChannel) -> None:
            await channel.set_permissions(role, overwrite=PARTICIPANT, reason=f"Ticket #{ticket.id} escalated")

        return Move({"escalated_to": role.id}, f"⚠️ {actor.mention} escalated this ticket to {role.mention}.",
                    discord.AllowedMentions(everyone=False, users=False, roles=[role], replied_user=False), grant)

    async def _reopen(self, guild: discord.Guild, actor: discord.Member, ticket: repo.Ticket, now: datetime) -> Move:
        async def grant(channel: discord.TextChannel) -> None:
            await set_opener_can_write(channel, ticket.user_id, True)

        return Move({"status": CLAIMED if ticket.claimed_by else OPEN, "closed_at": None, "closed_by": None,
                     "close_reason": None, "auto_closed": False, "reopened_count": ticket.reopened_count + 1},
                    f"🔓 {actor.mention} reopened this ticket.", grant=grant)
