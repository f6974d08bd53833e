"""The inactivity clock of a ticket that waits for its opener (a warning, later the auto-close), and what a
message in a ticket channel changes: the opener's reply restarts the clock, anyone else's first message is the
ticket's first response. Messages are matched against the in-memory channel map, not the database."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import TYPE_CHECKING

import discord

from cogs.tickets import repo
from cogs.tickets.desk import INACTIVITY, only_user
from cogs.tickets.lifecycle import ACTIVE, WAITING
from core.channel_access import ChannelBlocked

if TYPE_CHECKING:
    from cogs.tickets.cache import ActiveTicket
    from cogs.tickets.closing import Closing
    from cogs.tickets.desk import TicketDesk
    from core.timers import Job

log = logging.getLogger(__name__)


class Inactivity:
    """The inactivity job and the ticket channels' message listener."""

    def __init__(self, desk: TicketDesk, closing: Closing) -> None:
        self.desk = desk
        self.closing = closing

    async def run(self, job: Job) -> datetime | None:
        """Warn the opener, later auto-close; the clock restarts when the opener writes (see `on_message`)."""
        desk = self.desk
        ticket = await repo.get(desk.pool, job.guild_id, int(job.payload.get("ticket_id", 0)))
        guild = desk.bot.get_guild(job.guild_id)
        if ticket is None or guild is None or ticket.status != WAITING or ticket.last_opener_activity_at is None:
            return None
        warn, close = await desk.inactivity_windows(guild.id)
        since = ticket.last_opener_activity_at
        now = desk.bot.clock.now()
        if now >= since + close:
            hours = round(close.total_seconds() / 3600, 1)
            await self.closing.close(guild, ticket, None, f"No reply from the member for {hours:g} hour(s).")
            return None
        if now >= since + warn:
            if ticket.inactivity_warned_at is None:
                channel = desk.channel_of(guild, ticket)
                if channel is not None:
                    try:
                        await desk.bot.channel_access.send(
                            channel, what=f"the inactivity warning of ticket #{ticket.id}",
                            content=f"⏰ <@{ticket.user_id}>, we're waiting for your reply. Without one, this ticket "
                            f"closes automatically <t:{int((since + close).timestamp())}:R>.",
                            allowed_mentions=only_user(ticket.user_id))
                    except ChannelBlocked as exc:  # the admins were told once; the auto-close still comes
                        log.warning("Guild %s: ticket #%s warning not sent: %s", guild.id, ticket.id, exc.problem)
                await repo.move(desk.pool, guild.id, ticket.id, {WAITING}, {"inactivity_warned_at": now}, now)
            return since + close
        return since + warn

    async def on_message(self, message: discord.Message) -> None:
        """A message anywhere: only one in a ticket channel, by a person, changes something."""
        ref = self.desk.cache.get(message.channel.id)
        if ref is None or message.author.bot or message.guild is None or message.guild.id != ref.guild_id:
            return
        desk = self.desk
        now = desk.bot.clock.now()
        ref.last_activity = now  # the idle clock (idle.py), in memory: no database round trip per message
        if message.author.id == ref.user_id:
            if ref.status == WAITING:
                ticket = await repo.opener_replied(desk.pool, ref.guild_id, ref.id, now)
                if ticket is not None:
                    warn, _ = await desk.inactivity_windows(ref.guild_id)
                    await desk.bot.timers.schedule(ref.guild_id, INACTIVITY, str(ref.id), now + warn,
                                                   {"ticket_id": ref.id})
            return
        await self.staff_replied(ref)

    async def staff_replied(self, ref: ActiveTicket) -> None:
        """Someone other than the opener wrote (a message, or `/ticket reply`): the idle clock restarts, and the
        first such reply is the ticket's first response."""
        now = self.desk.bot.clock.now()
        ref.last_activity = now
        if not ref.responded and ref.status in ACTIVE:
            ref.responded = True
            await repo.mark_first_response(self.desk.pool, ref.guild_id, ref.id, now)
