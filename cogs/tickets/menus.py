"""The tickets' context menus (a mixin of the tickets cog, which adds them to the tree when it loads):

- "Open a ticket about this message" (message menu, any member): the message is quoted into the new ticket;
  the member picks a category when the server has several, then fills the same form (or description) with the
  same limits as `/ticket open`. No FAQ answers are offered first: the ticket is about a message, not a question.
- "Open a ticket for this user" (user menu, staff): opens a ticket on behalf of that member, who is let into it
  (the ticket is theirs) and pinged there; the staff member is let in too when the ticket's staff roles do not.

Discord allows 5 message and 5 user menus per app (moderation: 2 + 1, reminders: 1 message menu)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands

from cogs.tickets import categories as cats
from cogs.tickets.channels import PARTICIPANT
from cogs.tickets.checks import staff_of_any_category
from cogs.tickets.desk import NONE, only_user
from cogs.tickets.opening import opened_text
from cogs.tickets.views import FormModal
from core.command_tree import report_failure
from core.guild_kit import staff_check
from utils.errors import UserFacingError
from utils.owned_view import OwnedView

if TYPE_CHECKING:
    from cogs.tickets.desk import TicketDesk
    from cogs.tickets.opening import Opening
    from core.hearth_bot import HearthBot

ABOUT_MESSAGE = "Open a ticket about this message"
FOR_USER = "Open a ticket for this user"
QUOTE_TEXT_MAX = 700  # characters of the quoted message (the quote is one embed field of 1024)
NOT_STAFF = "Only staff can open a ticket for someone else (the ticket staff role, Manage Channels or Manage Server)."


@dataclass(frozen=True)
class Intake:
    """Who the ticket is for, what it is about (a quoted message) and the staff member opening it for them."""

    opener: discord.Member
    quote: str | None = None
    staff: discord.Member | None = None


def quote_of(message: discord.Message) -> str:
    """The message as the ticket quotes it: who wrote it where and when, a link to it, its text (shortened), its
    attachments' names. Shown in an embed field, so its mentions ping nobody."""
    channel = getattr(message.channel, "mention", "a channel")
    head = (f"{message.author.mention} in {channel}, <t:{int(message.created_at.timestamp())}:f> · "
            f"[Jump to the message]({message.jump_url})")
    text = message.content if len(message.content) <= QUOTE_TEXT_MAX else message.content[:QUOTE_TEXT_MAX] + "…"
    lines = [head] + ["> " + part for part in text.splitlines() if part.strip()]
    lines += [f"📎 {a.filename}" for a in message.attachments[:5]]
    if message.embeds and not text:
        lines.append(f"({len(message.embeds)} embed(s))")
    return "\n".join(lines)[:1024]


class MenuForm(FormModal):
    """The category's form (or the description) for a ticket opened from a context menu."""

    def __init__(self, menus: TicketMenus, intake: Intake, category: cats.TicketCategory | None) -> None:
        super().__init__(menus, category.id if category else 0, category.name if category else "Open a",  # type: ignore[arg-type]
                         category.questions if category else [])
        self.menus, self.intake, self.category = menus, intake, category

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        values = [field.value for field in self.inputs]
        answers = list(zip(self.questions, values, strict=False)) if self.questions else []
        await self.menus.open_from_menu(interaction, self.intake, self.category and self.category.name,
                                        None if self.questions else values[0], answers)


class CategoryChoice(OwnedView):
    """Which category the ticket opened from a menu goes to (when the server has several)."""

    def __init__(self, menus: TicketMenus, owner_id: int, intake: Intake, names: list[str]) -> None:
        super().__init__(owner_id, timeout=300)
        self.menus, self.intake = menus, intake
        select: discord.ui.Select[CategoryChoice] = discord.ui.Select(
            placeholder="Pick a topic…", options=[discord.SelectOption(label=n[:100], value=n[:100]) for n in names])
        select.callback = self.chosen  # type: ignore[method-assign]
        self.select = select
        self.add_item(select)

    async def chosen(self, interaction: discord.Interaction) -> None:
        self.stop()
        await self.menus.ask_menu_form(interaction, self.intake, self.select.values[0])

    async def on_error(self, interaction: discord.Interaction, error: Exception,  # type: ignore[override]
                       item: discord.ui.Item[Any]) -> None:
        await report_failure(interaction, error, "opening a ticket")


class TicketMenus:
    """The two context menus and the way from them to an open ticket."""

    bot: HearthBot
    desk: TicketDesk
    opening: Opening

    def context_menus(self) -> list[app_commands.ContextMenu]:
        """The menus, guild-only, shown to everyone in Discord: ticket staff are a role, not a Discord permission, so
        the user menu's staff check is a check of the menu (and `/help` lists it for staff only)."""
        about = app_commands.ContextMenu(name=ABOUT_MESSAGE, callback=self.ticket_about_message)
        for_user = app_commands.ContextMenu(name=FOR_USER, callback=self.ticket_for_user)
        for menu in (about, for_user):
            menu.guild_only = True
        for_user.add_check(staff_check(staff_of_any_category, NOT_STAFF))  # a check: /help shows it to staff only
        return [about, for_user]

    async def ticket_about_message(self, interaction: discord.Interaction, message: discord.Message) -> None:
        """"Open a ticket about this message": the member's own ticket, quoting the message."""
        member = interaction.user
        assert interaction.guild is not None and isinstance(member, discord.Member)
        await self.opening.check_can_open(interaction.guild, member, None)
        await self._start(interaction, Intake(member, quote=quote_of(message)))

    async def ticket_for_user(self, interaction: discord.Interaction, user: discord.User | discord.Member) -> None:
        """"Open a ticket for this user" (staff): a ticket that is the member's, opened by the staff member."""
        staff, guild = interaction.user, interaction.guild
        assert guild is not None and isinstance(staff, discord.Member)
        if not await self._may_open_for(staff, None):
            raise UserFacingError(NOT_STAFF)
        member = user if isinstance(user, discord.Member) else guild.get_member(user.id)
        if member is None:
            raise UserFacingError(f"{user.mention} is not a member of this server.")
        if member.bot:
            raise UserFacingError("Tickets are for members, not bots.")
        await self.opening.check_can_open(guild, member, None)
        await self._start(interaction, Intake(member, staff=staff))

    async def _may_open_for(self, staff: discord.Member, category: cats.TicketCategory | None) -> bool:
        """Staff of tickets (the server-wide rule), or of the chosen category (any category before choosing)."""
        if await self.desk.is_staff(staff):
            return True
        roles = {role.id for role in staff.roles}
        found = [category] if category is not None else await cats.of_guild(self.desk.pool, staff.guild.id)
        return any(roles & set(c.staff_role_ids) for c in found)

    async def _start(self, interaction: discord.Interaction, intake: Intake) -> None:
        names = await self.opening.categories(interaction.guild_id)
        if len(names) > 1:
            whose = "your" if intake.staff is None else f"{intake.opener.mention}'s"
            await interaction.response.send_message(
                f"What is {whose} ticket about?", ephemeral=True, allowed_mentions=NONE,
                view=CategoryChoice(self, interaction.user.id, intake, names))
            return
        await self.ask_menu_form(interaction, intake, names[0] if names else None)

    async def ask_menu_form(self, interaction: discord.Interaction, intake: Intake, category: str | None) -> None:
        """The chosen category's form (or the description), after the early checks."""
        assert interaction.guild is not None
        await self.opening.check_can_open(interaction.guild, intake.opener, category)
        configured = await cats.by_name(self.desk.pool, interaction.guild.id, category) if category else None
        await interaction.response.send_modal(MenuForm(self, intake, configured))

    async def open_from_menu(self, interaction: discord.Interaction, intake: Intake, category: str | None,
                             description: str | None, answers: list[tuple[str, str]]) -> None:
        """The form was sent (deferred): check again, open the ticket, tell who it is for."""
        guild = interaction.guild
        assert guild is not None
        opener = guild.get_member(intake.opener.id)
        if opener is None:
            raise UserFacingError(f"{intake.opener.mention} is no longer a member of this server.")
        configured = await cats.by_name(self.desk.pool, guild.id, category) if category else None
        if intake.staff is not None and not await self._may_open_for(intake.staff, configured):
            raise UserFacingError(NOT_STAFF)
        await self.opening.check_can_open(guild, opener, category)
        clean = [(q, " ".join(a.split())[:cats.ANSWER_MAX]) for q, a in answers]
        text = " ".join((description or "").split()) or "\n".join(f"{q}: {a}" for q, a in clean)[:4000]
        if len(text) < 10 and not clean:
            raise UserFacingError("Please describe the problem in at least 10 characters.")
        ticket = await self.opening.open(guild, opener, text, category, clean or None, quote=intake.quote,
                                         opened_by=intake.staff)
        if intake.staff is None:
            await interaction.followup.send(opened_text(ticket), ephemeral=True)
            return
        channel = self.desk.channel_of(guild, ticket)
        if channel is not None:
            if not channel.permissions_for(intake.staff).view_channel:
                await channel.set_permissions(intake.staff, overwrite=PARTICIPANT,
                                              reason=f"Ticket #{ticket.id} opened by {intake.staff} for {opener}")
            await channel.send(f"🎫 {opener.mention}, {intake.staff.mention} opened this ticket for you.",
                               allowed_mentions=only_user(opener.id))
        await interaction.followup.send(f"🎫 Ticket #{ticket.id} is open for {opener.mention}: <#{ticket.channel_id}>.",
                                        ephemeral=True, allowed_mentions=NONE)
