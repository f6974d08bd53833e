"""What tickets do, for commands, buttons and timer jobs alike: open (after offering FAQ answers), move through
the lifecycle, close with a transcript and an AI summary, propose FAQ entries, archive, and the inactivity clock.

The bot keeps an in-memory map of ticket channels (channel id → ticket id, opener, status) so `on_message` does
no database round trip for the many messages that change nothing.
"""

from __future__ import annotations

import io
import logging
import math
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import discord

from cogs.tickets import lifecycle, repo, transcript
from cogs.tickets.channels import PARTICIPANT as PARTICIPANT_OVERWRITE
from cogs.tickets.channels import Placement, missing_permissions, missing_text, ticket_overwrites
from cogs.tickets.lifecycle import ACTIVE, CLAIMED, CLOSED, ESCALATED, OPEN, WAITING
from cogs.tickets.prompts import (
    faq_draft_messages,
    normalise_key,
    suggest_reply_messages,
    ticket_summary_messages,
)
from cogs.tickets.views import closed_view, control_view, deflection_view, proposal_view
from gpt.cooldown import llm_cooldown
from gpt.errors import AIDisabled, AINotConfigured, GuildBudgetExceeded
from gpt.service import LLMService
from utils.channel_access import ChannelBlocked
from utils.cooldowns import Cooldown
from utils.errors import BadInput, UserFacingError, missing_permission_message
from utils.timers import Job

if TYPE_CHECKING:
    from utils.db import HearthPool
    from utils.hearth_bot import HearthBot

log = logging.getLogger(__name__)

INACTIVITY = "ticket_inactivity"
ARCHIVE = "ticket_archive"
SIMILARITY = 0.5  # pg_trgm similarity of two similarity keys that counts as "the same topic"
PROPOSAL_AT = 3  # similar summaries needed for an FAQ proposal
DEFLECTION_RESULTS = 3
TOPIC_MAX = 100  # characters of a ticket topic (configured or typed)
# LLM work members can cause: a staff member's suggested replies, and summaries of one opener's tickets (an
# open/close loop must not buy unlimited summaries). Both are (uses, per seconds), in memory.
SUGGEST_RATE = (1, 30.0)
SUMMARY_RATE = (3, 3600.0)
NONE = discord.AllowedMentions.none()


def _only_user(user_id: int) -> discord.AllowedMentions:
    """Mentions that ping exactly this member (the opener, when we wait for their reply)."""
    return discord.AllowedMentions(everyone=False, roles=False, users=[discord.Object(user_id)], replied_user=False)


@dataclass
class ActiveTicket:
    """What on_message needs to know about a ticket channel."""

    id: int
    guild_id: int
    user_id: int
    status: str
    responded: bool


def _words(text: str) -> str:
    return " | ".join(dict.fromkeys(w.lower() for w in re.findall(r"[^\W_]+", text)))


class TicketService:
    """Ticket operations; `cog` is the TicketsCog (settings, staff checks)."""

    def __init__(self, bot: HearthBot, pool: HearthPool, llm: LLMService) -> None:
        self.bot = bot
        self.pool = pool
        self.llm = llm
        self.active: dict[int, ActiveTicket] = {}
        self.suggest_cooldown = Cooldown(*SUGGEST_RATE, bot.clock, what="suggested replies")
        self.summary_cooldown = Cooldown(*SUMMARY_RATE, bot.clock, what="ticket summaries")

    def forget_opener(self, user_id: int) -> None:
        """The member's tickets lost their opener (GDPR erasure): their messages no longer count as the opener's."""
        for ref in self.active.values():
            if ref.user_id == user_id:
                ref.user_id = 0

    # --- settings and people -------------------------------------------------------------------------------------

    async def setting(self, guild_id: int, key: str) -> Any:
        return await self.bot.guild_settings.get(guild_id, "tickets", key)

    async def staff_role(self, guild: discord.Guild) -> discord.Role | None:
        """tickets.staff_role, else system.staff_role."""
        role_id = await self.setting(guild.id, "staff_role") or await self.bot.guild_settings.get(
            guild.id, "system", "staff_role")
        return guild.get_role(role_id) if role_id else None

    async def is_staff(self, member: discord.abc.User) -> bool:
        """Manage Channels / Manage Server, or the staff role."""
        if not isinstance(member, discord.Member):
            return False
        perms = member.guild_permissions
        if perms.manage_channels or perms.manage_guild:
            return True
        role = await self.staff_role(member.guild)
        return role is not None and member.get_role(role.id) is not None

    async def log_channel(self, guild: discord.Guild) -> discord.TextChannel | None:
        """tickets.log_channel, else system.log_channel."""
        for scope, key in (("tickets", "log_channel"), ("system", "log_channel")):
            channel_id = await self.bot.guild_settings.get(guild.id, scope, key)
            if channel_id:
                channel = guild.get_channel(channel_id)
                return channel if isinstance(channel, discord.TextChannel) else None
        return None

    async def post_log(self, guild: discord.Guild, *, content: str | None = None, embed: discord.Embed | None = None,
                       files: list[discord.File] | None = None,
                       view: discord.ui.View | None = None) -> tuple[discord.Message | None, str | None]:
        """Post to the tickets log channel: (message, None) or (None, the problem in words)."""
        channel = await self.log_channel(guild)
        if channel is None:
            return None, "no log channel is set (`tickets.log_channel` or `system.log_channel`)"
        try:
            kwargs: dict[str, Any] = {"content": content, "embed": embed, "files": files or [],
                                      "allowed_mentions": NONE}
            if view is not None:
                kwargs["view"] = view
            return await self.bot.channel_access.send(channel, what="a ticket log entry", **kwargs), None
        except ChannelBlocked as exc:
            return None, f"I couldn't post in {channel.mention}: {exc.problem}"
        except discord.HTTPException as exc:
            return None, f"I couldn't post in {channel.mention} (Discord answered {exc.status})"

    # --- the channel map -------------------------------------------------------------------------------------------

    async def load_active(self) -> None:
        self.active = {t.channel_id: self._ref(t) for t in await repo.with_channels(self.pool)  # type: ignore[misc]
                       if t.channel_id}

    @staticmethod
    def _ref(ticket: repo.Ticket) -> ActiveTicket:
        return ActiveTicket(ticket.id, ticket.guild_id, ticket.user_id, ticket.status,
                            ticket.first_response_at is not None)

    def remember(self, ticket: repo.Ticket) -> None:
        if ticket.channel_id is None:
            return
        if ticket.status == lifecycle.ARCHIVED:
            self.active.pop(ticket.channel_id, None)
        else:
            self.active[ticket.channel_id] = self._ref(ticket)

    # --- opening -----------------------------------------------------------------------------------------------------

    async def categories(self, guild_id: int) -> list[str]:
        raw = await self.setting(guild_id, "categories") or ""
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
        limit = await self.setting(guild.id, "max_open_per_user")
        if await repo.count_active_of(self.pool, guild.id, member.id) >= limit:
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
        if await self.setting(guild.id, "faq_deflection"):
            matches = await repo.faq_matches(self.pool, guild.id, _words(text), text,
                                             await self._faq_threshold(guild.id), DEFLECTION_RESULTS)
            if matches:
                deflection_id = await repo.add_deflection(self.pool, guild.id, member.id, text, category,
                                                          [m["id"] for m in matches], self.bot.clock.now())
                await interaction.followup.send(embed=self._deflection_embed(matches), ephemeral=True,
                                                view=deflection_view(deflection_id))
                return
        ticket = await self.open(guild, member, text, category)
        await interaction.followup.send(f"🎫 Your ticket #{ticket.id} is open: <#{ticket.channel_id}>.",
                                        ephemeral=True)

    async def _faq_threshold(self, guild_id: int) -> float:
        try:
            return float(await self.bot.guild_settings.get(guild_id, "faq", "min_similarity"))
        except LookupError:  # the FAQ cog (which declares it) is not loaded
            return 0.35

    @staticmethod
    def _deflection_embed(matches: list[Any]) -> discord.Embed:
        embed = discord.Embed(title="Maybe the FAQ already answers this?", colour=discord.Colour.teal(),
                              description="Before we open a ticket, have a look at these answers.")
        for row in matches:
            answer = " ".join((row["summary"] or "").split())
            embed.add_field(name=(row["title"] or "FAQ")[:256], value=(answer[:1000] or "—"), inline=False)
        return embed

    async def deflection_choice(self, interaction: discord.Interaction, deflection_id: int, choice: str) -> None:
        """"This solved it" (counted, nothing opens) or "Open a ticket anyway"."""
        guild, member = interaction.guild, interaction.user
        assert guild is not None and isinstance(member, discord.Member)
        outcome = "solved" if choice == "solved" else "opened"
        pending = await repo.get_deflection(self.pool, guild.id, deflection_id, member.id)
        if pending is not None and outcome == "opened":
            await self.check_can_open(guild, member, pending["category"])
        row = await repo.decide_deflection(self.pool, guild.id, deflection_id, member.id, outcome,
                                           self.bot.clock.now())
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
            await repo.undo_deflection(self.pool, guild.id, deflection_id)  # the member may try again
            raise
        await repo.link_deflection(self.pool, guild.id, deflection_id, ticket.id)
        await interaction.edit_original_response(content=f"🎫 Your ticket #{ticket.id} is open: "
                                                         f"<#{ticket.channel_id}>.")

    async def open(self, guild: discord.Guild, member: discord.Member, description: str,
                   category: str | None) -> repo.Ticket:
        """Create the ticket and its private channel; the admins hear about missing permissions."""
        missing = missing_permissions(guild)
        if missing:
            await self._report_setup_problem(guild, missing_text(missing))
            if member.guild_permissions.manage_guild:
                raise UserFacingError(missing_text(missing))
            raise UserFacingError("Tickets can't be opened right now because of a setup problem on my side; the "
                                  "admins have been told.")
        now = self.bot.clock.now()
        ticket = await repo.create(self.pool, guild.id, member.id, str(member), description, category, now)
        staff = await self.staff_role(guild)

        async def remember_category(key: str, category_id: int) -> None:
            await self.bot.guild_settings.set(guild.id, "tickets", key, category_id,
                                              changed_by=self.bot.user.id if self.bot.user else None)

        placement = Placement(guild, await self.setting(guild.id, "category"),
                              await self.setting(guild.id, "overflow_category"), staff, remember_category)
        try:
            channel = await placement.create(f"ticket-{ticket.id}", ticket_overwrites(guild, member, staff),
                                             topic=f"Ticket #{ticket.id} by {member} ({member.id})",
                                             reason=f"Ticket #{ticket.id} opened by {member} ({member.id})")
        except discord.Forbidden as exc:
            await repo.delete(self.pool, guild.id, ticket.id)
            problem = missing_permission_message(exc)
            await self._report_setup_problem(guild, problem)
            raise UserFacingError(problem if member.guild_permissions.manage_guild else
                                  "Tickets can't be opened right now because of a setup problem on my side; the "
                                  "admins have been told.") from exc
        except BaseException:
            await repo.delete(self.pool, guild.id, ticket.id)
            raise
        ticket = await repo.move(self.pool, guild.id, ticket.id, None, {"channel_id": channel.id}, now)
        assert ticket is not None
        self.remember(ticket)
        if placement.created_base is not None:  # told once: the category is remembered for the next tickets
            await self.post_log(guild, content=(
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

    async def _report_setup_problem(self, guild: discord.Guild, problem: str) -> None:
        _, failed = await self.post_log(guild, content=f"⚠️ A member could not open a ticket: {problem}")
        if failed:
            log.warning("Guild %s: ticket setup problem (%s); log channel: %s", guild.id, problem, failed)

    # --- finding tickets --------------------------------------------------------------------------------------------

    async def resolve(self, guild_id: int, channel_id: int | None, ticket_id: int | None) -> repo.Ticket:
        """The ticket with this id in this guild, or the one of the channel."""
        if ticket_id is not None:
            ticket = await repo.get(self.pool, guild_id, ticket_id)
            if ticket is None:
                raise UserFacingError(f"There is no ticket #{ticket_id} on this server.")
            return ticket
        ticket = await repo.by_channel(self.pool, guild_id, channel_id) if channel_id else None
        if ticket is None:
            raise UserFacingError("This isn't a ticket channel: run the command in the ticket's channel, or give "
                                  "the ticket number (`ticket:`).")
        return ticket

    def channel_of(self, guild: discord.Guild, ticket: repo.Ticket) -> discord.TextChannel | None:
        channel = guild.get_channel(ticket.channel_id) if ticket.channel_id else None
        return channel if isinstance(channel, discord.TextChannel) else None

    # --- lifecycle --------------------------------------------------------------------------------------------------

    async def act(self, guild: discord.Guild, actor: discord.Member, ticket: repo.Ticket, action: str) -> str:
        """claim, wait, escalate, reopen (close and archive have their own flows); returns the answer to the actor."""
        staff = await self.is_staff(actor)
        transition = lifecycle.check(action, ticket.id, ticket.status, staff=staff, opener=actor.id == ticket.user_id)
        now = self.bot.clock.now()
        channel = self.channel_of(guild, ticket)
        fields: dict[str, Any] = {"status": transition.target}
        notice, mentions = "", NONE
        escalation_role = None
        if action == "claim":
            fields |= {"claimed_by": actor.id, "claimed_at": now}
            notice = f"🙋 {actor.mention} claimed this ticket and will help you."
        elif action == "wait":
            fields |= {"last_opener_activity_at": now, "inactivity_warned_at": None}
            warn, close = await self._inactivity_windows(guild.id)
            notice = (f"⏳ Waiting for <@{ticket.user_id}>'s reply. Without a reply I'll send a reminder "
                      f"<t:{int((now + warn).timestamp())}:R> and close the ticket "
                      f"<t:{int((now + close).timestamp())}:R>.")
            mentions = _only_user(ticket.user_id)
        elif action == "escalate":
            role_id = await self.setting(guild.id, "escalation_role")
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
        async with self.pool.acquire() as conn, conn.transaction():
            moved = await repo.move(conn, guild.id, ticket.id, transition.sources, fields, now)
            if moved is None:
                raise lifecycle.InvalidTransition(f"Ticket #{ticket.id} changed meanwhile; try again.")
            if ticket.status == WAITING and moved.status != WAITING:
                await self.bot.timers.cancel(INACTIVITY, str(ticket.id), conn=conn)
            if moved.status == WAITING:
                warn, _ = await self._inactivity_windows(guild.id)
                await self.bot.timers.schedule(guild.id, INACTIVITY, str(ticket.id), now + warn,
                                               {"ticket_id": ticket.id}, conn=conn)
            if action == "reopen":
                await self.bot.timers.cancel(ARCHIVE, str(ticket.id), conn=conn)
        self.remember(moved)
        problems = []
        if channel is not None:
            try:
                if action == "claim":
                    await channel.set_permissions(actor, overwrite=PARTICIPANT_OVERWRITE,
                                                  reason=f"Ticket #{ticket.id} claimed")
                elif action == "escalate" and escalation_role is not None:
                    await channel.set_permissions(escalation_role, overwrite=PARTICIPANT_OVERWRITE,
                                                  reason=f"Ticket #{ticket.id} escalated")
                elif action == "reopen":
                    await self._set_opener_can_write(channel, ticket.user_id, True)
                await channel.send(notice, allowed_mentions=mentions)
            except discord.Forbidden as exc:
                problems.append(missing_permission_message(exc))
        answer = f"Ticket #{ticket.id} is now {lifecycle.LABELS[moved.status]}."
        return answer + ("\n⚠️ " + "\n⚠️ ".join(problems) if problems else "")

    async def _inactivity_windows(self, guild_id: int) -> tuple[timedelta, timedelta]:
        warn = timedelta(seconds=await self.setting(guild_id, "warn_after"))
        close = timedelta(seconds=await self.setting(guild_id, "close_after"))
        return warn, max(close, warn)

    async def _set_opener_can_write(self, channel: discord.TextChannel, user_id: int, can: bool) -> None:
        member = channel.guild.get_member(user_id)
        if member is None:
            return
        overwrite = channel.overwrites_for(member)
        overwrite.update(send_messages=can, view_channel=True, read_message_history=True)
        await channel.set_permissions(member, overwrite=overwrite,
                                      reason="Ticket reopened" if can else "Ticket closed")

    # --- closing ----------------------------------------------------------------------------------------------------

    async def close(self, guild: discord.Guild, ticket: repo.Ticket, actor: discord.abc.User | None,
                    reason: str | None, *, auto: bool = False) -> list[str]:
        """Close the ticket: status, channel read-only for the opener, transcript to the log and the opener, AI
        summary (and maybe an FAQ proposal). Returns what happened, line by line, for whoever closed it."""
        if not auto:
            assert isinstance(actor, discord.Member)
            lifecycle.check("close", ticket.id, ticket.status, staff=await self.is_staff(actor),
                            opener=actor.id == ticket.user_id)
        elif ticket.status not in ACTIVE:
            return []
        now = self.bot.clock.now()
        closer_id = actor.id if actor is not None else (self.bot.user.id if self.bot.user else None)
        fields = {"status": CLOSED, "closed_at": now, "closed_by": closer_id, "close_reason": reason,
                  "auto_closed": auto}
        delay = await self.setting(guild.id, "archive_delay")
        async with self.pool.acquire() as conn, conn.transaction():
            closed = await repo.move(conn, guild.id, ticket.id, ACTIVE, fields, now)
            if closed is None:
                raise lifecycle.InvalidTransition(f"Ticket #{ticket.id} changed meanwhile; try again.")
            await self.bot.timers.cancel(INACTIVITY, str(ticket.id), conn=conn)
            if delay:
                await self.bot.timers.schedule(guild.id, ARCHIVE, str(ticket.id), now + timedelta(seconds=delay),
                                               {"ticket_id": ticket.id}, conn=conn)
        self.remember(closed)
        report = [f"🔒 Ticket #{ticket.id} is closed."]
        channel = self.channel_of(guild, closed)
        who = "automatically (no reply from the member)" if auto else f"by {actor.mention}"  # type: ignore[union-attr]
        notice = f"🔒 Ticket closed {who}." + (f"\n**Reason:** {reason}" if reason else "")
        if delay:
            notice += f"\nThis channel will be archived <t:{int((now + timedelta(seconds=delay)).timestamp())}:R>."
        if channel is None:
            report.append("⚠️ The ticket's channel no longer exists, so there is no transcript.")
            return report
        try:
            await self._set_opener_can_write(channel, closed.user_id, False)
            await channel.send(notice, view=closed_view(closed.id), allowed_mentions=NONE)
        except discord.Forbidden as exc:
            report.append(f"⚠️ {missing_permission_message(exc)}")
        conversation = await self._send_transcript(guild, channel, closed, report)
        if conversation is not None:
            await self._summarise(guild, closed, conversation, report)
        return report

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
        page = transcript.html_page(header, lines)

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
        _, problem = await self.post_log(guild, embed=embed, files=files())
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

    async def _summarise(self, guild: discord.Guild, ticket: repo.Ticket, conversation: str,
                         report: list[str]) -> None:
        if not self.llm.configured:
            report.append("ℹ️ No AI summary: AI is not configured.")
            return
        opener = (guild.id, ticket.user_id)
        wait = self.summary_cooldown.retry_after(opener)
        if wait > 0:
            report.append(f"ℹ️ No AI summary: {SUMMARY_RATE[0]} tickets of this member were already summarised in "
                          f"the last hour (the next summary is possible in {math.ceil(wait / 60)} min).")
            return
        try:
            with llm_cooldown(self.summary_cooldown, opener):
                answer = await self.llm.ask_json(ticket_summary_messages(ticket.description, conversation),
                                                 guild_id=guild.id, required=("summary", "similarity_key"),
                                                 background="ticket summary")
        except (AINotConfigured, AIDisabled, GuildBudgetExceeded) as exc:
            report.append(f"ℹ️ No AI summary: {exc.message}")
            return
        except UserFacingError as exc:
            log.warning("Guild %s: no summary for ticket #%s: %s", guild.id, ticket.id, exc.message)
            report.append("⚠️ The AI summary is unavailable right now (the AI service did not answer); the ticket "
                          "is closed all the same.")
            return
        summary = str(answer["summary"]).strip()[:2000] or "—"
        key = normalise_key(answer["similarity_key"])
        now = self.bot.clock.now()
        async with self.pool.acquire() as conn, conn.transaction():
            await repo.add_summary(conn, guild.id, ticket.id, summary, key, now)
            similar = await repo.similar_unproposed(conn, guild.id, key, SIMILARITY)
            proposal_id = None
            if len(similar) >= PROPOSAL_AT:
                title = key.replace("-", " ").capitalize()
                proposal_id = await repo.add_proposal(conn, guild.id, key, title, similar[-1]["summary"], [],
                                                      [row["id"] for row in similar], now)
        report.append("🧠 AI summary stored.")
        if proposal_id is not None:
            await self._propose(guild, proposal_id, key, [row["summary"] for row in similar], report)

    async def _propose(self, guild: discord.Guild, proposal_id: int, key: str, summaries: list[str],
                       report: list[str]) -> None:
        """Draft the FAQ entry (AI; the plain summaries if it fails) and ask staff in the log channel."""
        title, answer, keywords = key.replace("-", " ").capitalize(), summaries[-1], key.split("-")
        try:
            draft = await self.llm.ask_json(faq_draft_messages(summaries), guild_id=guild.id,
                                            required=("title", "answer", "keywords"), background="FAQ draft")
            title = str(draft["title"]).strip()[:200] or title
            answer = str(draft["answer"]).strip()[:4000] or answer
            if isinstance(draft["keywords"], list):
                keywords = [str(k).strip().lower()[:50] for k in draft["keywords"] if str(k).strip()][:20]
        except UserFacingError as exc:
            log.info("Guild %s: FAQ proposal %s drafted without AI: %s", guild.id, proposal_id, exc.message)
        await repo.update_proposal_text(self.pool, guild.id, proposal_id, title, answer, keywords)
        embed = discord.Embed(title="💡 FAQ proposal", colour=discord.Colour.gold(),
                              description=f"{len(summaries)} recent tickets were about the same thing "
                                          f"(`{key}`). Add this to the FAQ?")
        embed.add_field(name="Question", value=title[:1024], inline=False)
        embed.add_field(name="Answer", value=answer[:1024], inline=False)
        if keywords:
            embed.add_field(name="Keywords", value=", ".join(keywords)[:1024], inline=False)
        _, problem = await self.post_log(guild, embed=embed, view=proposal_view(proposal_id))
        report.append(f"⚠️ An FAQ proposal could not be posted: {problem}." if problem
                      else "💡 Similar tickets keep coming: an FAQ proposal was posted to the log channel.")

    async def decide_proposal(self, interaction: discord.Interaction, proposal_id: int, choice: str) -> None:
        guild, member = interaction.guild, interaction.user
        assert guild is not None
        if not await self.is_staff(member):
            raise UserFacingError("Only staff can decide on FAQ proposals.")
        now = self.bot.clock.now()
        async with self.pool.acquire() as conn, conn.transaction():
            row = await repo.decide_proposal(conn, guild.id, proposal_id, "added" if choice == "add" else "dismissed",
                                             member.id, now)
            if row is None:
                raise UserFacingError("This proposal was already decided (or doesn't exist here).")
            entry_id = None
            if choice == "add":
                entry_id = await repo.add_faq_entry(conn, guild.id, proposal_id, row["title"], row["answer"],
                                                    list(row["keywords"] or []), member.id, now)
        text = (f"✅ {member.mention} added this to the FAQ as #{entry_id}." if entry_id is not None
                else f"🙈 Dismissed by {member.mention}.")
        await interaction.response.edit_message(content=text, view=None, allowed_mentions=NONE)

    async def archive(self, guild: discord.Guild, ticket: repo.Ticket, actor_id: int, *,
                      actor: discord.Member | None = None) -> str:
        """Archive a closed ticket and delete its channel."""
        if actor is not None:
            lifecycle.check("archive", ticket.id, ticket.status, staff=await self.is_staff(actor),
                            opener=actor.id == ticket.user_id)
        elif ticket.status != CLOSED:
            return ""
        now = self.bot.clock.now()
        async with self.pool.acquire() as conn, conn.transaction():
            archived = await repo.move(conn, guild.id, ticket.id, {CLOSED},
                                       {"status": lifecycle.ARCHIVED, "archived_at": now, "archived_by": actor_id},
                                       now)
            if archived is None:
                raise lifecycle.InvalidTransition(f"Ticket #{ticket.id} changed meanwhile; try again.")
            await self.bot.timers.cancel(ARCHIVE, str(ticket.id), conn=conn)
        self.remember(archived)
        channel = self.channel_of(guild, archived)
        if channel is None:
            return f"🗄️ Ticket #{ticket.id} is archived (its channel was already gone)."
        try:
            await channel.delete(reason=f"Ticket #{ticket.id} archived")
        except discord.Forbidden as exc:
            return f"🗄️ Ticket #{ticket.id} is archived, but: {missing_permission_message(exc)}"
        except discord.NotFound:
            pass
        return f"🗄️ Ticket #{ticket.id} is archived and its channel deleted."

    # --- timer jobs ------------------------------------------------------------------------------------------------

    async def run_inactivity(self, job: Job) -> datetime | None:
        """Warn the opener, later auto-close; the clock restarts when the opener writes (see `on_message`)."""
        ticket = await repo.get(self.pool, job.guild_id, int(job.payload.get("ticket_id", 0)))
        guild = self.bot.get_guild(job.guild_id)
        if ticket is None or guild is None or ticket.status != WAITING or ticket.last_opener_activity_at is None:
            return None
        warn, close = await self._inactivity_windows(guild.id)
        since = ticket.last_opener_activity_at
        now = self.bot.clock.now()
        if now >= since + close:
            hours = round(close.total_seconds() / 3600, 1)
            await self.close(guild, ticket, None, f"No reply from the member for {hours:g} hour(s).", auto=True)
            return None
        if now >= since + warn:
            if ticket.inactivity_warned_at is None:
                channel = self.channel_of(guild, ticket)
                if channel is not None:
                    try:
                        await self.bot.channel_access.send(
                            channel, what=f"the inactivity warning of ticket #{ticket.id}",
                            content=f"⏰ <@{ticket.user_id}>, we're waiting for your reply. Without one, this ticket "
                            f"closes automatically <t:{int((since + close).timestamp())}:R>.",
                            allowed_mentions=_only_user(ticket.user_id))
                    except ChannelBlocked as exc:  # the admins were told once; the auto-close still comes
                        log.warning("Guild %s: ticket #%s warning not sent: %s", guild.id, ticket.id, exc.problem)
                await repo.move(self.pool, guild.id, ticket.id, {WAITING}, {"inactivity_warned_at": now}, now)
            return since + close
        return since + warn

    async def run_archive(self, job: Job) -> datetime | None:
        ticket = await repo.get(self.pool, job.guild_id, int(job.payload.get("ticket_id", 0)))
        guild = self.bot.get_guild(job.guild_id)
        if ticket is None or guild is None or ticket.status != CLOSED:
            return None
        await self.archive(guild, ticket, self.bot.user.id if self.bot.user else 0)
        return None

    def describe(self, job: Job) -> str:
        return f"{job.kind.replace('_', ' ')} of ticket #{job.payload.get('ticket_id')}"

    # --- messages in ticket channels -------------------------------------------------------------------------------

    async def on_message(self, message: discord.Message) -> None:
        ref = self.active.get(message.channel.id)
        if ref is None or message.author.bot or message.guild is None or message.guild.id != ref.guild_id:
            return
        now = self.bot.clock.now()
        if message.author.id == ref.user_id:
            if ref.status == WAITING:
                ticket = await repo.opener_replied(self.pool, ref.guild_id, ref.id, now)
                if ticket is not None:
                    warn, _ = await self._inactivity_windows(ref.guild_id)
                    await self.bot.timers.schedule(ref.guild_id, INACTIVITY, str(ref.id), now + warn,
                                                   {"ticket_id": ref.id})
            return
        if not ref.responded and ref.status in ACTIVE:
            ref.responded = True
            await repo.mark_first_response(self.pool, ref.guild_id, ref.id, now)

    # --- staff tools -----------------------------------------------------------------------------------------------

    async def suggest_reply(self, guild: discord.Guild, staff: discord.Member, ticket: repo.Ticket) -> str:
        """An AI draft of the staff member's next reply, charged to that staff member's daily AI quota and
        limited by `SUGGEST_RATE` per staff member (a refused or failed call gives the use back)."""
        channel = self.channel_of(guild, ticket)
        if channel is None:
            raise UserFacingError("The ticket's channel no longer exists.")
        lines = await transcript.collect(channel)
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
        channel = self.channel_of(guild, ticket)
        if channel is None:
            raise UserFacingError("The ticket's channel no longer exists.")
        if allowed:
            await channel.set_permissions(member, overwrite=PARTICIPANT_OVERWRITE,
                                          reason=f"Added to ticket #{ticket.id}")
        else:
            await channel.set_permissions(member, overwrite=None, reason=f"Removed from ticket #{ticket.id}")

    async def transfer(self, guild: discord.Guild, ticket: repo.Ticket, actor: discord.Member,
                       to: discord.Member) -> str:
        if ticket.status not in ACTIVE:
            raise lifecycle.InvalidTransition(f"Ticket #{ticket.id} is {lifecycle.LABELS[ticket.status]}: only an "
                                              "active ticket's claim can be transferred.")
        if to.bot or not await self.is_staff(to):
            raise UserFacingError(f"{to.mention} is not staff: a claim can only go to a staff member.")
        now = self.bot.clock.now()
        status = ticket.status if ticket.status in (WAITING, ESCALATED) else CLAIMED
        moved = await repo.move(self.pool, guild.id, ticket.id, ACTIVE,
                                {"status": status, "claimed_by": to.id, "claimed_at": now}, now)
        if moved is None:
            raise lifecycle.InvalidTransition(f"Ticket #{ticket.id} changed meanwhile; try again.")
        self.remember(moved)
        channel = self.channel_of(guild, moved)
        if channel is not None:
            old = guild.get_member(ticket.claimed_by) if ticket.claimed_by else None
            if old is not None and old.id not in (to.id, ticket.user_id):
                await channel.set_permissions(old, overwrite=None, reason=f"Ticket #{ticket.id} claim transferred")
            await channel.set_permissions(to, overwrite=PARTICIPANT_OVERWRITE,
                                          reason=f"Ticket #{ticket.id} claim transferred")
            await channel.send(f"🔁 {actor.mention} handed this ticket to {to.mention}.", allowed_mentions=NONE)
        return f"Ticket #{ticket.id} is now claimed by {to.mention}."
