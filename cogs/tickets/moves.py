"""Moving a ticket along its lifecycle by hand: claim, wait for the member (the inactivity clock starts),
escalate and reopen. Closing and archiving have their own flow (`closing`); the rules are in `lifecycle`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import discord

from cogs.tickets import lifecycle, repo
from cogs.tickets.channels import PARTICIPANT, set_opener_can_write
from cogs.tickets.desk import ARCHIVE, INACTIVITY, NONE, only_user
from cogs.tickets.lifecycle import CLAIMED, OPEN, WAITING
from cogs.tickets.settings import TICKETS_ESCALATION_ROLE
from utils.errors import UserFacingError, missing_permission_message

if TYPE_CHECKING:
    from cogs.tickets.desk import TicketDesk


class Moves:
    """claim, wait, escalate, reopen."""

    def __init__(self, desk: TicketDesk) -> None:
        self.desk = desk

    async def act(self, guild: discord.Guild, actor: discord.Member, ticket: repo.Ticket, action: str) -> str:
        """Take `action` on the ticket; returns the answer to the actor."""
        desk = self.desk
        staff = await desk.is_staff(actor)
        transition = lifecycle.check(action, ticket.id, ticket.status, staff=staff, opener=actor.id == ticket.user_id)
        now = desk.bot.clock.now()
        channel = desk.channel_of(guild, ticket)
        fields: dict[str, Any] = {"status": transition.target}
        notice, mentions = "", NONE
        escalation_role = None
        if action == "claim":
            fields |= {"claimed_by": actor.id, "claimed_at": now}
            notice = f"🙋 {actor.mention} claimed this ticket and will help you."
        elif action == "wait":
            fields |= {"last_opener_activity_at": now, "inactivity_warned_at": None}
            warn, close = await desk.inactivity_windows(guild.id)
            notice = (f"⏳ Waiting for <@{ticket.user_id}>'s reply. Without a reply I'll send a reminder "
                      f"<t:{int((now + warn).timestamp())}:R> and close the ticket "
                      f"<t:{int((now + close).timestamp())}:R>.")
            mentions = only_user(ticket.user_id)
        elif action == "escalate":
            role_id = await desk.bot.guild_settings.setting(guild.id, TICKETS_ESCALATION_ROLE)
            escalation_role = guild.get_role(role_id) if role_id else None
            if escalation_role is None:
                raise UserFacingError("No escalation role is set: an admin can set one with `/ticket setup "
                                      "escalation_role:`.")
            fields["escalated_to"] = escalation_role.id
            notice = f"⚠️ {actor.mention} escalated this ticket to {escalation_role.mention}."
            mentions = discord.AllowedMentions(everyone=False, users=False, roles=[escalation_role],
                                               replied_user=False)
        elif action == "reopen":
            fields |= {"status": CLAIMED if ticket.claimed_by else OPEN, "closed_at": None, "closed_by": None,
                       "close_reason": None, "auto_closed": False, "reopened_count": ticket.reopened_count + 1}
            notice = f"🔓 {actor.mention} reopened this ticket."
        async with desk.pool.acquire() as conn, conn.transaction():
            moved = await repo.move(conn, guild.id, ticket.id, transition.sources, fields, now)
            if moved is None:
                raise lifecycle.InvalidTransition(f"Ticket #{ticket.id} changed meanwhile; try again.")
            timers = desk.bot.timers
            if ticket.status == WAITING and moved.status != WAITING:
                await timers.cancel(INACTIVITY, str(ticket.id), conn=conn)
            if moved.status == WAITING:
                warn, _ = await desk.inactivity_windows(guild.id)
                await timers.schedule(guild.id, INACTIVITY, str(ticket.id), now + warn, {"ticket_id": ticket.id},
                                      conn=conn)
            if action == "reopen":
                await timers.cancel(ARCHIVE, str(ticket.id), conn=conn)
        desk.cache.remember(moved)
        problems = []
        if channel is not None:
            try:
                if action == "claim":
                    await channel.set_permissions(actor, overwrite=PARTICIPANT, reason=f"Ticket #{ticket.id} claimed")
                elif action == "escalate" and escalation_role is not None:
                    await channel.set_permissions(escalation_role, overwrite=PARTICIPANT,
                                                  reason=f"Ticket #{ticket.id} escalated")
                elif action == "reopen":
                    await set_opener_can_write(channel, ticket.user_id, True)
                await channel.send(notice, allowed_mentions=mentions)
            except discord.Forbidden as exc:
                problems.append(missing_permission_message(exc))
        answer = f"Ticket #{ticket.id} is now {lifecycle.LABELS[moved.status]}."
        return answer + ("\n⚠️ " + "\n⚠️ ".join(problems) if problems else "")
