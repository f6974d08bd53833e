"""Closing a ticket (by staff, its opener or the inactivity clock) and archiving it: the status, the channel
read-only for the opener, the transcript to the log channel and the opener, the AI summary; later the channel's
deletion (by hand, or the archive job after `tickets.archive_delay`)."""

from __future__ import annotations

import io
import logging
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import discord

from cogs.tickets import feedback, lifecycle, repo, transcript, transcript_html
from cogs.tickets.channels import set_opener_can_write
from cogs.tickets.desk import ARCHIVE, IDLE, INACTIVITY, NONE, only_user
from cogs.tickets.lifecycle import ACTIVE, CLOSED
from cogs.tickets.settings import TICKETS_ARCHIVE_DELAY
from cogs.tickets.views import closed_view, feedback_view
from core.guild_kit import post_to_log
from utils.errors import missing_permission_message

if TYPE_CHECKING:
    from cogs.tickets.desk import TicketDesk
    from cogs.tickets.summaries import Summaries
    from core.timers import Job

log = logging.getLogger(__name__)


class Closing:
    """close, archive, and the archive job."""

    def __init__(self, desk: TicketDesk, summaries: Summaries) -> None:
        self.desk = desk
        self.summaries = summaries

    async def close(self, guild: discord.Guild, ticket: repo.Ticket, actor: discord.abc.User | None,
                    reason: str | None, *, why: str = "no reply from the member") -> list[str]:
        """Close the ticket (`actor` None: automatically, for inactivity): status, channel read-only for the
        opener, transcript to the log and the opener, AI summary (and maybe an FAQ proposal). Returns what
        happened, line by line, for whoever closed it."""
        desk = self.desk
        if actor is not None:
            assert isinstance(actor, discord.Member)
            lifecycle.check("close", ticket.id, ticket.status, staff=await desk.is_staff(actor, ticket),
                            opener=actor.id == ticket.user_id)
        elif ticket.status not in ACTIVE:
            return []
        now = desk.bot.clock.now()
        closer_id = actor.id if actor is not None else (desk.bot.user.id if desk.bot.user else None)
        fields = {"status": CLOSED, "closed_at": now, "closed_by": closer_id, "close_reason": reason,
                  "auto_closed": actor is None}
        delay = await desk.bot.guild_settings.setting(guild.id, TICKETS_ARCHIVE_DELAY)
        async with desk.pool.acquire() as conn, conn.transaction():
            closed = await repo.move(conn, guild.id, ticket.id, ACTIVE, fields, now)
            if closed is None:
                raise lifecycle.InvalidTransition(f"Ticket #{ticket.id} changed meanwhile; try again.")
            await desk.bot.timers.cancel(INACTIVITY, str(ticket.id), conn=conn)
            await desk.bot.timers.cancel(IDLE, str(ticket.id), conn=conn)
            if delay:
                await desk.bot.timers.schedule(guild.id, ARCHIVE, str(ticket.id), now + timedelta(seconds=delay),
                                               {"ticket_id": ticket.id}, conn=conn)
        desk.cache.remember(closed)
        report = [f"🔒 Ticket #{ticket.id} is closed."]
        channel = desk.channel_of(guild, closed)
        who = f"automatically ({why})" if actor is None else f"by {actor.mention}"
        notice = f"🔒 Ticket closed {who}." + (f"\n**Reason:** {reason}" if reason else "")
        if delay:
            notice += f"\nThis channel will be archived <t:{int((now + timedelta(seconds=delay)).timestamp())}:R>."
        if channel is None:
            report.append("⚠️ The ticket's channel no longer exists, so there is no transcript.")
            return report
        try:
            await set_opener_can_write(channel, closed.user_id, False)
            await self._ask_feedback(guild, channel, closed)  # before the notice, which stays the last message
            await channel.send(notice, view=closed_view(closed.id), allowed_mentions=NONE)
        except discord.Forbidden as exc:
            report.append(f"⚠️ {missing_permission_message(exc)}")
        conversation = await self._send_transcript(guild, channel, closed, report)
        if conversation is not None:
            await self.summaries.summarise(guild, closed, conversation, report)
        return report

    async def _ask_feedback(self, guild: discord.Guild, channel: discord.TextChannel, ticket: repo.Ticket) -> None:
        """Ask the opener (still a member) to rate the ticket, once per ticket, before the channel is archived."""
        if guild.get_member(ticket.user_id) is None or await feedback.has_feedback(self.desk.pool, guild.id,
                                                                                    ticket.id):
            return
        try:
            await channel.send(f"⭐ <@{ticket.user_id}>, how did we do? Rate this ticket (once):",
                               view=feedback_view(ticket.id), allowed_mentions=only_user(ticket.user_id))
        except discord.HTTPException as exc:
            log.warning("Guild %s: ticket #%s feedback question not sent: %s", guild.id, ticket.id, exc)

    async def _send_transcript(self, guild: discord.Guild, channel: discord.TextChannel, ticket: repo.Ticket,
                               report: list[str]) -> str | None:
        """Post the transcript to the log channel and DM it to the opener; returns the plain text."""
        try:
            lines = await transcript.collect(channel)
        except discord.Forbidden as exc:
            report.append(f"⚠️ No transcript: {missing_permission_message(exc)}")
            return None
        opener = guild.get_member(ticket.user_id)
        closer = guild.get_member(ticket.closed_by) if ticket.closed_by else None
        header = transcript.Header(
            ticket_id=ticket.id, guild=guild.name, channel=channel.name,
            opener=str(opener) if opener else (ticket.username or str(ticket.user_id)), opener_id=ticket.user_id,
            description=ticket.description, status=ticket.status, created_at=ticket.created_at,
            closed_at=ticket.closed_at, closed_by="auto-close" if ticket.auto_closed else (str(closer) if closer
                                                                                           else None),
            close_reason=ticket.close_reason)
        text = transcript.text(header, lines)
        page = transcript_html.page(header, lines)
        await feedback.keep_transcript(self.desk.pool, guild.id, ticket.id, page, self.desk.bot.clock.now())

        def files() -> list[discord.File]:
            return [discord.File(io.BytesIO(page.encode()), filename=f"ticket-{ticket.id}.html"),
                    discord.File(io.BytesIO(text.encode()), filename=f"ticket-{ticket.id}.txt")]

        embed = discord.Embed(title=f"Ticket #{ticket.id} closed", colour=discord.Colour.dark_grey(),
                              description=ticket.description[:1000])
        embed.add_field(name="Opened by", value=f"<@{ticket.user_id}>")
        embed.add_field(name="Closed by", value="auto-close" if ticket.auto_closed else f"<@{ticket.closed_by}>")
        if ticket.close_reason:
            embed.add_field(name="Reason", value=ticket.close_reason[:1024], inline=False)
        embed.set_footer(text=f"{len(lines)} message(s) · transcript attached (HTML and text)")
        problem = await post_to_log(self.desk.bot, guild, feature="tickets", what="a ticket log entry", required=True,
                                    embed=embed, files=files())
        report.append(f"⚠️ The transcript was not posted to the log: {problem}." if problem
                      else "📄 Transcript posted to the log channel.")
        if opener is None:
            report.append("⚠️ The member who opened it left the server: no transcript DM.")
            return text
        try:
            await opener.send(f"Your ticket #{ticket.id} on **{guild.name}** was closed. The transcript is "
                              "attached.", files=files(), allowed_mentions=NONE)
            report.append("📨 Transcript sent to the member by DM.")
        except discord.Forbidden:
            report.append(f"ℹ️ Couldn't DM the transcript to {opener.mention}: their DMs are closed.")
        except discord.HTTPException as exc:
            report.append(f"ℹ️ Couldn't DM the transcript (Discord answered {exc.status}).")
        return text

    async def archive(self, guild: discord.Guild, ticket: repo.Ticket, actor_id: int) -> str:
        """Archive a closed ticket and delete its channel; the callers checked that it is closed (and who may)."""
        desk = self.desk
        now = desk.bot.clock.now()
        async with desk.pool.acquire() as conn, conn.transaction():
            archived = await repo.move(conn, guild.id, ticket.id, {CLOSED},
                                       {"status": lifecycle.ARCHIVED, "archived_at": now, "archived_by": actor_id},
                                       now)
            if archived is None:
                raise lifecycle.InvalidTransition(f"Ticket #{ticket.id} changed meanwhile; try again.")
            await desk.bot.timers.cancel(ARCHIVE, str(ticket.id), conn=conn)
        desk.cache.remember(archived)
        channel = desk.channel_of(guild, archived)
        if channel is None:
            return f"🗄️ Ticket #{ticket.id} is archived (its channel was already gone)."
        try:
            await channel.delete(reason=f"Ticket #{ticket.id} archived")
        except discord.Forbidden as exc:
            return f"🗄️ Ticket #{ticket.id} is archived, but: {missing_permission_message(exc)}"
        except discord.NotFound:
            pass
        return f"🗄️ Ticket #{ticket.id} is archived and its channel deleted."

    async def run_archive(self, job: Job) -> datetime | None:
        """The archive job: a ticket still closed `tickets.archive_delay` after closing is archived."""
        bot = self.desk.bot
        ticket = await repo.get(self.desk.pool, job.guild_id, int(job.payload.get("ticket_id", 0)))
        guild = bot.get_guild(job.guild_id)
        if ticket is None or guild is None or ticket.status != CLOSED:
            return None
        await self.archive(guild, ticket, bot.user.id if bot.user else 0)
        return None
