"""Idle handling of every active ticket (`tickets.idle_warn_after`, `tickets.idle_close_after`): a warning in the
ticket, later an automatic close, counted from the last message by a person in the channel (the opener or staff;
kept in the in-memory channel map, so messages cost no database round trip, and written to the row when the job
runs). Tickets waiting for the member have their own clock (inactivity.py) and are skipped here. And the auto-close
when the opener leaves the server (`tickets.close_on_leave`), with a line in the ticket, hence its transcript."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import discord

from cogs.tickets import repo
from cogs.tickets.desk import IDLE, NONE, only_user
from cogs.tickets.lifecycle import ACTIVE, WAITING
from cogs.tickets.settings import TICKETS_CLOSE_ON_LEAVE, TICKETS_IDLE_CLOSE_AFTER, TICKETS_IDLE_WARN_AFTER
from core.channel_access import ChannelBlocked

if TYPE_CHECKING:
    from cogs.tickets.closing import Closing
    from cogs.tickets.desk import TicketDesk
    from core.timers import Job

log = logging.getLogger(__name__)


def _hours(span: timedelta) -> str:
    return f"{round(span.total_seconds() / 3600, 1):g}"


class Idle:
    """The idle job, its arming, and the opener leaving."""

    def __init__(self, desk: TicketDesk, closing: Closing) -> None:
        self.desk = desk
        self.closing = closing

    async def windows(self, guild_id: int) -> tuple[timedelta | None, timedelta | None]:
        """(warn after, close after) without activity; None = off; closing never comes before warning."""
        settings = self.desk.bot.guild_settings
        warn = await settings.setting(guild_id, TICKETS_IDLE_WARN_AFTER)
        close = await settings.setting(guild_id, TICKETS_IDLE_CLOSE_AFTER)
        warn_span = timedelta(seconds=warn) if warn else None
        close_span = timedelta(seconds=max(close, warn)) if close else None
        return warn_span, close_span

    async def arm(self, ticket: repo.Ticket) -> None:
        """Start the idle clock of an (re)opened ticket, when idle handling is on."""
        warn, close = await self.windows(ticket.guild_id)
        first = warn or close
        if first is not None:
            await self.desk.bot.timers.schedule(ticket.guild_id, IDLE, str(ticket.id),
                                                self.desk.bot.clock.now() + first, {"ticket_id": ticket.id})

    async def run(self, job: Job) -> datetime | None:
        """Warn, later close, a ticket nobody wrote in; else come back when it could be idle."""
        desk = self.desk
        ticket = await repo.get(desk.pool, job.guild_id, int(job.payload.get("ticket_id", 0)))
        guild = desk.bot.get_guild(job.guild_id)
        if ticket is None or guild is None or ticket.status not in ACTIVE:
            return None
        warn, close = await self.windows(guild.id)
        if warn is None and close is None:
            return None
        now = desk.bot.clock.now()
        ref = desk.cache.get(ticket.channel_id) if ticket.channel_id else None
        known = [t for t in (ref and ref.last_activity, ticket.last_activity_at, ticket.created_at) if t is not None]
        last = max(known)
        if ticket.last_activity_at != last:
            ticket = await repo.move(desk.pool, guild.id, ticket.id, ACTIVE, {"last_activity_at": last}, now) \
                or ticket
        if ticket.status == WAITING:  # the waiting clock runs (inactivity.py); look again later
            return max(now, last) + (warn or close)  # type: ignore[operator]
        if close is not None and now >= last + close:
            await self.closing.close(guild, ticket, None, f"No activity for {_hours(close)} hour(s).",
                                     why="no activity")
            return None
        if warn is not None and now >= last + warn:
            if ticket.idle_warned_at is None or ticket.idle_warned_at < last:
                await self._warn(guild, ticket, last + close if close else None)
                await repo.move(desk.pool, guild.id, ticket.id, ACTIVE, {"idle_warned_at": now}, now)
            return last + close if close is not None else now + warn
        return last + warn if warn is not None else last + close  # type: ignore[operator]

    async def _warn(self, guild: discord.Guild, ticket: repo.Ticket, closes_at: datetime | None) -> None:
        channel = self.desk.channel_of(guild, ticket)
        if channel is None:
            return
        text = f"⏰ <@{ticket.user_id}>, this ticket has been quiet for a while."
        text += (f" Without a new message it closes automatically <t:{int(closes_at.timestamp())}:R>." if closes_at
                 else " Is there anything else we can help with?")
        try:
            await self.desk.bot.channel_access.send(channel, what=f"the idle warning of ticket #{ticket.id}",
                                                    content=text, allowed_mentions=only_user(ticket.user_id))
        except ChannelBlocked as exc:  # the admins were told once; the close still comes
            log.warning("Guild %s: ticket #%s idle warning not sent: %s", guild.id, ticket.id, exc.problem)

    async def opener_left(self, guild: discord.Guild, user: discord.abc.User) -> None:
        """The member left: with `tickets.close_on_leave`, close their active tickets (a line says why)."""
        refs = [ref for ref in self.desk.cache.of_member(guild.id, user.id) if ref.status in ACTIVE]
        if not refs or not await self.desk.bot.guild_settings.setting(guild.id, TICKETS_CLOSE_ON_LEAVE):
            return
        for ref in refs:
            ticket = await repo.get(self.desk.pool, guild.id, ref.id)
            if ticket is None or ticket.status not in ACTIVE:
                continue
            channel = self.desk.channel_of(guild, ticket)
            if channel is not None:
                try:
                    await channel.send(f"📤 {discord.utils.escape_markdown(str(user))} ({user.id}) left the server.",
                                       allowed_mentions=NONE)
                except discord.HTTPException as exc:
                    log.warning("Guild %s: ticket #%s leave line not sent: %s", guild.id, ticket.id, exc)
            await self.closing.close(guild, ticket, None, "The member left the server.",
                                     why="the member left the server")
