"""`/ticket …` and `/ticket_stats`: support tickets in private channels.

Who may do what: members open tickets and close their own; staff (the ticket staff role, else the server's
staff role, or Manage Channels / Manage Server) run the lifecycle and the staff tools; `/ticket setup` and
`/ticket panel` need Manage Server (checked at run time: Discord ignores default permissions on subcommands).

The cog checks and answers the interactions; the work is done by the parts it builds in `load`, which return
results: opening.py (with deflection.py), moves.py, closing.py (with summaries.py), inactivity.py and
staff_tools.py, over desk.py and the channel map in cache.py. More commands come from its mixins: menus.py (the
context menus), replies.py (`/ticket reply`), staff_commands.py (staff tools, `/ticket_stats`),
category_commands.py and member_commands.py.
"""

from __future__ import annotations

from collections.abc import Awaitable
from datetime import timedelta

import discord
from discord import app_commands
from discord.ext import commands

from cogs.faq.api import TicketSummarySource
from cogs.premium.api import premium_of
from cogs.tickets import categories as cats
from cogs.tickets import lifecycle, repo
from cogs.tickets.api import TicketsApi
from cogs.tickets.cache import TicketCache
from cogs.tickets.category_commands import CategoryCommands
from cogs.tickets.channels import TICKET_CHANNELS
from cogs.tickets.checks import TICKET_STAFF
from cogs.tickets.closing import Closing
from cogs.tickets.deflection import SOLVED, Deflection, Offer
from cogs.tickets.desk import ARCHIVE, IDLE, INACTIVITY, TicketDesk, describe_job
from cogs.tickets.group import TICKET
from cogs.tickets.http import include_routes
from cogs.tickets.idle import Idle
from cogs.tickets.inactivity import Inactivity
from cogs.tickets.member_commands import MemberCommands
from cogs.tickets.menus import TicketMenus
from cogs.tickets.moves import Moves
from cogs.tickets.opening import Opening, opened_text
from cogs.tickets.replies import CannedReplies
from cogs.tickets.settings import SETTINGS, TICKETS_CATEGORY, TICKETS_TRANSCRIPT_RETENTION_DAYS
from cogs.tickets.staff_commands import StaffCommands
from cogs.tickets.staff_tools import StaffTools
from cogs.tickets.summaries import Summaries
from cogs.tickets.views import (
    DESCRIPTION_MAX,
    DESCRIPTION_MIN,
    DYNAMIC_ITEMS,
    REASON_MAX,
    CloseModal,
    ConfirmClose,
    DeflectionButton,
    OpenTicketModal,
    panel_view,
)
from core.cog_base import HearthCog
from core.message_pipeline import ORDER_TICKETS, MessageContext, attach
from core.modules import declare
from core.retention import LogTable, RetentionJob
from core.setting_values import set_checked
from gpt.service import LLMService
from utils.errors import BadInput, UserFacingError, permission_name
from utils.options import RowId

NONE = discord.AllowedMentions.none()
TRANSCRIPTS = LogTable("ticket_transcripts", "created_at", per_guild=True)
PANEL_NEEDS = ("view_channel", "send_messages", "embed_links")


STAGE = "tickets"  # the message-pipeline stage: activity in ticket channels


class TicketsCog(TicketMenus, CannedReplies, StaffCommands, CategoryCommands, MemberCommands, HearthCog,
                 name="Tickets"):
    """Support tickets."""

    pool_size = 5
    module = declare("tickets", "Tickets", docs="tickets.md", summary="private support channels with staff")
    persistent_items = DYNAMIC_ITEMS
    settings = SETTINGS

    ticket = TICKET

    async def load(self) -> None:
        self.llm = LLMService.from_bot(self.bot, self.pool, premium=premium_of(self.bot))
        self.cache = TicketCache()
        await self.cache.load(self.pool)
        self.desk = TicketDesk(self.bot, self.pool, self.cache)
        self.opening = Opening(self.desk, Deflection(self.desk))
        self.moves = Moves(self.desk)
        self.summaries = Summaries(self.desk, self.llm)
        self.closing = Closing(self.desk, self.summaries)
        self.inactivity = Inactivity(self.desk, self.closing)
        self.idle = Idle(self.desk, self.closing)
        self.opening.on_open = self.moves.on_active = self.idle.arm
        self.tools = StaffTools(self.desk, self.llm)
        # Both must happen (a waiting ticket closes, a closed one is archived and its channel removed): they are
        # retried until they work. Archiving reads the whole channel, so it may take longer.
        # Auto-closing waits while the module is off; archiving what is already closed does not.
        self.bot.timers.register(INACTIVITY, self.inactivity.run, on_skip=self.inactivity.run,
                                 describe=describe_job, timeout=timedelta(minutes=2), switch=self.module.switch)
        self.bot.timers.register(IDLE, self.idle.run, on_skip=self.idle.run, describe=describe_job,
                                 timeout=timedelta(minutes=2), switch=self.module.switch)
        self.bot.timers.register(ARCHIVE, self.closing.run_archive, on_skip=self.closing.run_archive,
                                 describe=describe_job, timeout=timedelta(minutes=10))
        self.api = TicketsApi(self.pool, self.bot.guild_settings)
        self.bot.apis.publish(TicketsApi, self.api)
        self.bot.apis.publish(TicketSummarySource, self.api)  # /ask searches closed tickets' summaries through it
        self.router = include_routes(self.bot)  # GET /api/v1/guilds/{id}/tickets[/{number}] (cogs/tickets/http.py)
        self.retention = RetentionJob(self, TRANSCRIPTS, kind="ticket_transcripts_retention",
                                      setting=TICKETS_TRANSCRIPT_RETENTION_DAYS)
        await self.retention.start()
        self.menus = self.context_menus()
        for menu in self.menus:
            self.bot.tree.add_command(menu)
        attach(self.bot).register(STAGE, self.ticket_message, order=ORDER_TICKETS, module=self.module)

    async def unload(self) -> None:
        self.bot.api.remove(self.router)
        self.bot.pipeline.unregister(STAGE)
        self.bot.apis.withdraw(TicketsApi, self.api)
        self.bot.apis.withdraw(TicketSummarySource, self.api)
        self.retention.stop()
        for menu in getattr(self, "menus", []):
            self.bot.tree.remove_command(menu.name, type=menu.type)
        self.bot.timers.unregister(INACTIVITY)
        self.bot.timers.unregister(ARCHIVE)
        self.bot.timers.unregister(IDLE)
        await self.llm.close()

    async def forget_erased_user(self, user_id: int) -> None:
        """GDPR erasure (the tables: cogs/tickets/gdpr.py) made the member's tickets anonymous: so is memory."""
        self.cache.forget_opener(user_id)

    # --- checks --------------------------------------------------------------------------------------------------

    async def _require_staff(self, interaction: discord.Interaction, ticket: repo.Ticket | None = None) -> None:
        if not await self.desk.is_staff(interaction.user, ticket):
            raise UserFacingError("Only staff can do that (the ticket staff role, Manage Channels or Manage Server).")

    async def _ticket(self, interaction: discord.Interaction, ticket_id: int | None) -> repo.Ticket:
        return await self.desk.resolve(interaction.guild_id, interaction.channel_id, ticket_id)

    # --- setup (admin) -------------------------------------------------------------------------------------------

    @ticket.command(name="setup", description="Where tickets go and who handles them (admin)")
    @app_commands.default_permissions(manage_guild=True)
    @app_commands.describe(category="Category for ticket channels", staff_role="Role that handles tickets",
                           log_channel="Where transcripts and FAQ proposals go",
                           escalation_role="Role escalated tickets go to",
                           overflow_category="Category used when the first one is full (50 channels)")
    @app_commands.checks.has_permissions(manage_guild=True)
    async def setup(self, interaction: discord.Interaction, category: discord.CategoryChannel,
                    staff_role: discord.Role | None = None, log_channel: discord.TextChannel | None = None,
                    escalation_role: discord.Role | None = None,
                    overflow_category: discord.CategoryChannel | None = None) -> None:
        guild = interaction.guild
        if overflow_category is not None and overflow_category.id == category.id:
            raise BadInput("The overflow category must differ from the ticket category.")
        values = {"category": category.id, "staff_role": staff_role and staff_role.id,
                  "log_channel": log_channel and log_channel.id,
                  "escalation_role": escalation_role and escalation_role.id,
                  "overflow_category": overflow_category and overflow_category.id}
        # The same checks as /config set (never @everyone or a managed role), stored together or not at all.
        await set_checked(self.bot, guild, interaction.user, "tickets", values)
        lines = [f"✅ Tickets open in **{category.name}**."]
        lines.append(f"Staff: {staff_role.mention}." if staff_role else
                     "Staff: the server's staff role (`system.staff_role`)" if await self.desk.staff_role(guild)
                     else "⚠️ No staff role: set `staff_role:` (or `system.staff_role`), else only members with "
                          "Manage Channels see tickets.")
        if log_channel:
            lines.append(f"Transcripts go to {log_channel.mention}.")
        if escalation_role:
            lines.append(f"Escalations go to {escalation_role.mention}.")
        missing = TICKET_CHANNELS.missing_permissions(guild)
        if missing:
            lines.append("⚠️ " + TICKET_CHANNELS.missing_text(missing))
        await interaction.response.send_message("\n".join(lines), ephemeral=True, allowed_mentions=NONE)

    @ticket.command(name="panel", description="Post the \"Open ticket\" panel in a channel (admin)")
    @app_commands.default_permissions(manage_guild=True)
    @app_commands.describe(channel="Where to post it (default: here)", title="Panel title", text="Panel text")
    @app_commands.checks.has_permissions(manage_guild=True)
    async def panel(self, interaction: discord.Interaction, channel: discord.TextChannel | None = None,
                    title: str | None = None, text: str | None = None) -> None:
        guild = interaction.guild
        target = channel or interaction.channel
        if not isinstance(target, discord.TextChannel):
            raise BadInput("Pick a text channel for the panel.", example="/ticket panel channel:#support")
        if title is not None and not 1 <= len(title) <= 200:
            raise BadInput("The title must be 1 to 200 characters.")
        if text is not None and len(text) > 2000:
            raise BadInput(f"The text is {len(text)} characters; the limit is 2000.")
        allowed = target.permissions_for(guild.me)
        lacking = [permission_name(p) for p in PANEL_NEEDS if not getattr(allowed, p)]
        if lacking:
            raise UserFacingError(f"I can't post in {target.mention}: I'm missing **{', '.join(lacking)}** there.")
        categories = await self.opening.categories(guild.id)
        embed = discord.Embed(title=title or "Need help?", colour=discord.Colour.blurple(),
                              description=text or "Open a ticket and our staff will help you in a private channel.")
        configured = [(c.id, c.name) for c in await cats.of_guild(self.pool, guild.id)]
        await target.send(embed=embed, view=panel_view(categories, configured), allowed_mentions=NONE)
        notes = [f"✅ Panel posted in {target.mention}."]
        if await self.desk.bot.guild_settings.setting(guild.id, TICKETS_CATEGORY) is None:
            notes.append("⚠️ No ticket category is set yet: run `/ticket setup`.")
        missing = TICKET_CHANNELS.missing_permissions(guild)
        if missing:
            notes.append("⚠️ " + TICKET_CHANNELS.missing_text(missing))
        await interaction.response.send_message("\n".join(notes), ephemeral=True)

    # --- opening (members) ------------------------------------------------------------------------------------------

    async def ask_description(self, interaction: discord.Interaction, category: str | None) -> None:
        """The panel's button or menu: check early, then ask what the ticket is about."""
        assert interaction.guild is not None and isinstance(interaction.user, discord.Member)
        await self.opening.check_can_open(interaction.guild, interaction.user, category)
        await interaction.response.send_modal(OpenTicketModal(self, category))

    async def request(self, interaction: discord.Interaction, description: str, category: str | None) -> None:
        """The member described their problem (interaction deferred): offer FAQ answers, or open the ticket."""
        assert interaction.guild is not None and isinstance(interaction.user, discord.Member)
        result = await self.opening.request(interaction.guild, interaction.user, description, category)
        if isinstance(result, Offer):
            await interaction.followup.send(embed=result.embed, ephemeral=True,
                                            view=DeflectionButton.view_of(result.deflection_id))
        else:
            await interaction.followup.send(opened_text(result), ephemeral=True)

    async def deflection_choice(self, interaction: discord.Interaction, deflection_id: int, choice: str) -> None:
        """"This solved it" or "Open a ticket anyway" under the offered FAQ answers (views.DeflectionButton)."""
        guild, member = interaction.guild, interaction.user
        assert guild is not None and isinstance(member, discord.Member)
        chosen = await self.opening.choose(guild, member, deflection_id, choice)
        if chosen.outcome == SOLVED:
            await interaction.response.edit_message(content="👍 Glad the FAQ helped! No ticket was opened.",
                                                    embed=None, view=None)
            return
        await interaction.response.edit_message(content="Opening your ticket…", embed=None, view=None)
        ticket = await self.opening.open_anyway(guild, member, chosen)
        await interaction.edit_original_response(content=opened_text(ticket))

    @ticket.command(name="open", description="Open a support ticket")
    @app_commands.describe(description="What you need help with (leave empty to get a form)",
                           category="The topic, if the server has topics")
    async def open_(self, interaction: discord.Interaction,
                    description: app_commands.Range[str, DESCRIPTION_MIN, DESCRIPTION_MAX] | None = None,
                    category: str | None = None) -> None:
        configured = await cats.by_name(self.pool, interaction.guild_id, category) if category else None
        if configured is not None and (configured.questions or description is None):
            await self.ask_form(interaction, configured.id)
            return
        if description is None:
            await self.ask_description(interaction, category)
            return
        await self.opening.check_can_open(interaction.guild, interaction.user, category)
        await interaction.response.defer(ephemeral=True, thinking=True)
        await self.request(interaction, description, category)

    @open_.autocomplete("category")
    async def _category_choices(self, interaction: discord.Interaction,
                                current: str) -> list[app_commands.Choice[str]]:
        names = await self.opening.categories(interaction.guild_id)
        return [app_commands.Choice(name=n, value=n) for n in names if current.lower() in n.lower()][:25]

    # --- lifecycle --------------------------------------------------------------------------------------------------

    async def button(self, interaction: discord.Interaction, action: str, ticket_id: int) -> None:
        """A ticket's button (from views.TicketButton)."""
        guild, member = interaction.guild, interaction.user
        assert guild is not None and isinstance(member, discord.Member)
        ticket = await self.desk.resolve(guild.id, None, ticket_id)
        if action == "close":
            lifecycle.check("close", ticket.id, ticket.status, staff=await self.desk.is_staff(member, ticket),
                            opener=member.id == ticket.user_id)
            await interaction.response.send_modal(CloseModal(self, ticket.id))
        elif action == "suggest":
            await self._suggest(interaction, ticket)
        elif action == "archive":
            await self._archive(interaction, ticket)
        else:
            answer = await self.moves.act(guild, member, ticket, action)
            await interaction.response.send_message(answer, ephemeral=True, allowed_mentions=NONE)

    async def _act(self, interaction: discord.Interaction, action: str, ticket_id: int | None) -> None:
        ticket = await self._ticket(interaction, ticket_id)
        answer = await self.moves.act(interaction.guild, interaction.user, ticket, action)
        await interaction.response.send_message(answer, ephemeral=True, allowed_mentions=NONE)

    @ticket.command(name="claim", description="Take on a ticket (staff)")
    @app_commands.describe(ticket="Ticket number (default: this channel's ticket)")
    @TICKET_STAFF
    async def claim(self, interaction: discord.Interaction, ticket: RowId | None = None) -> None:
        await self._act(interaction, "claim", ticket)

    @ticket.command(name="wait", description="Wait for the member's reply; the inactivity clock starts (staff)")
    @app_commands.describe(ticket="Ticket number (default: this channel's ticket)")
    @TICKET_STAFF
    async def wait(self, interaction: discord.Interaction, ticket: RowId | None = None) -> None:
        await self._act(interaction, "wait", ticket)

    @ticket.command(name="escalate", description="Hand the ticket to the escalation role (staff)")
    @app_commands.describe(ticket="Ticket number (default: this channel's ticket)")
    @TICKET_STAFF
    async def escalate(self, interaction: discord.Interaction, ticket: RowId | None = None) -> None:
        await self._act(interaction, "escalate", ticket)

    @ticket.command(name="reopen", description="Reopen a closed ticket (staff)")
    @app_commands.describe(ticket="Ticket number (default: this channel's ticket)")
    @TICKET_STAFF
    async def reopen(self, interaction: discord.Interaction, ticket: RowId | None = None) -> None:
        await self._act(interaction, "reopen", ticket)

    @ticket.command(name="close", description="Close a ticket (staff, or the member who opened it)")
    @app_commands.describe(reason="Why (shown in the channel, the log and the transcript)",
                           ticket="Ticket number (default: this channel's ticket)")
    async def close(self, interaction: discord.Interaction, reason: str | None = None,
                    ticket: RowId | None = None) -> None:
        if reason is not None and len(reason) > REASON_MAX:
            raise BadInput(f"The reason is {len(reason)} characters; the limit is {REASON_MAX}.")
        found = await self._ticket(interaction, ticket)
        lifecycle.check("close", found.id, found.status, staff=await self.desk.is_staff(interaction.user, found),
                        opener=interaction.user.id == found.user_id)
        await interaction.response.send_message(
            f"Close ticket #{found.id}" + (f" with the reason “{reason}”" if reason else "") + "?", ephemeral=True,
            view=ConfirmClose(self, interaction.user.id, found.id, reason), allowed_mentions=NONE)

    async def close_confirmed(self, interaction: discord.Interaction, ticket_id: int, reason: str | None) -> None:
        """After the modal or the confirmation (the interaction is answered): close and report."""
        guild = interaction.guild
        assert guild is not None
        if not interaction.response.is_done():
            await interaction.response.defer(ephemeral=True, thinking=True)
        ticket = await self.desk.resolve(guild.id, None, ticket_id)
        report = await self.closing.close(guild, ticket, interaction.user, (reason or "").strip() or None)
        await interaction.followup.send("\n".join(report), ephemeral=True, allowed_mentions=NONE)

    @ticket.command(name="archive", description="Archive a closed ticket now and delete its channel (staff)")
    @app_commands.describe(ticket="Ticket number (default: this channel's ticket)")
    @TICKET_STAFF
    async def archive_(self, interaction: discord.Interaction, ticket: RowId | None = None) -> None:
        await self._archive(interaction, await self._ticket(interaction, ticket))

    async def _archive(self, interaction: discord.Interaction, ticket: repo.Ticket) -> None:
        member = interaction.user
        assert isinstance(member, discord.Member)
        lifecycle.check("archive", ticket.id, ticket.status, staff=await self.desk.is_staff(member, ticket),
                        opener=member.id == ticket.user_id)
        await interaction.response.send_message(f"🗄️ Archiving ticket #{ticket.id}…", ephemeral=True)
        answer = await self.closing.archive(interaction.guild, ticket, member.id)
        if interaction.channel_id != ticket.channel_id:  # else the channel, and the answer with it, is gone
            await interaction.followup.send(answer, ephemeral=True)

    # --- staff tools ------------------------------------------------------------------------------------------------

    async def _suggest(self, interaction: discord.Interaction, ticket: repo.Ticket) -> None:
        await self._require_staff(interaction, ticket)
        if ticket.status == lifecycle.ARCHIVED:
            raise UserFacingError(f"Ticket #{ticket.id} is archived.")
        # Refused before "thinking…": AI off, the staff member's quota used up (suggestions are charged to them),
        # or their cooldown running.
        await self.llm.ensure_ready(interaction.guild_id, interaction.user.id)
        self.tools.suggest_cooldown.check((interaction.guild_id, interaction.user.id))
        await interaction.response.defer(ephemeral=True, thinking=True)
        draft = await self.tools.suggest_reply(interaction.guild, interaction.user, ticket)
        await interaction.followup.send(f"💡 **Suggested reply** (only you see this; edit before sending):\n\n{draft}",
                                        ephemeral=True, allowed_mentions=NONE)

    @ticket.command(name="suggest", description="An AI draft of your next reply, only for you (staff)")
    @app_commands.describe(ticket="Ticket number (default: this channel's ticket)")
    @TICKET_STAFF
    async def suggest(self, interaction: discord.Interaction, ticket: RowId | None = None) -> None:
        await self._suggest(interaction, await self._staff_ticket(interaction, ticket, active=False))


    # --- FAQ proposals (log channel) ----------------------------------------------------------------------------

    async def decide_proposal(self, interaction: discord.Interaction, proposal_id: int, choice: str) -> None:
        """"Add to FAQ" or "Dismiss" under an FAQ proposal (views.ProposalButton)."""
        assert interaction.guild is not None
        text = await self.summaries.decide_proposal(interaction.guild, interaction.user, proposal_id, choice)
        await interaction.response.edit_message(content=text, view=None, allowed_mentions=NONE)

    # --- events ------------------------------------------------------------------------------------------------------

    def ticket_message(self, context: MessageContext) -> Awaitable[None] | None:
        """The message-pipeline stage: a message in a ticket channel resets its clocks (inactivity.py); no
        coroutine for a message anywhere else."""
        if self.cache.get(context.message.channel.id) is None:
            return None
        return self.inactivity.on_message(context.message)

    @commands.Cog.listener("on_raw_member_remove")
    async def ticket_opener_left(self, payload: discord.RawMemberRemoveEvent) -> None:
        guild = self.bot.get_guild(payload.guild_id)
        if guild is not None:
            await self.idle.opener_left(guild, payload.user)

    @commands.Cog.listener("on_guild_channel_delete")
    async def ticket_channel_deleted(self, channel: discord.abc.GuildChannel) -> None:
        self.cache.forget_channel(channel.id)
