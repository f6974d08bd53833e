"""`/ticket category_set|category_delete|categories` (admin) and the category forms: ticket categories with their
own staff roles, Discord category, channel name template and up to 5 questions asked before the ticket opens.

A mixin of the tickets cog (cog.py): it uses the cog's desk, opening and answers as the cog does."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands

from cogs.tickets import categories as cats
from cogs.tickets import lifecycle, repo
from cogs.tickets.channels import PARTICIPANT
from cogs.tickets.checks import TICKET_STAFF
from cogs.tickets.desk import STAFF
from cogs.tickets.group import TICKET
from cogs.tickets.opening import opened_text
from cogs.tickets.views import FormModal
from core.guild_kit import staff_roles
from utils.errors import BadInput, UserFacingError
from utils.options import RowId

if TYPE_CHECKING:
    from cogs.tickets.desk import TicketDesk
    from cogs.tickets.opening import Opening
    from core.hearth_bot import HearthBot

NONE = discord.AllowedMentions.none()


class CategoryCommands:
    """Ticket categories: setting them up, and a member's way through a category's form."""

    bot: HearthBot
    desk: TicketDesk
    opening: Opening

    @TICKET.command(name="category_set", description="Create or change a ticket category (admin)")
    @app_commands.default_permissions(manage_guild=True)
    @app_commands.describe(name="The category's name (shown on the panel)",
                           staff_role="Staff who handle (and alone see) its tickets",
                           staff_role_2="Another staff role", staff_role_3="Another staff role",
                           discord_category="Discord category its channels go to (default: the ticket category)",
                           template="Channel name, with {number}, {user}, {category} (default: ticket-{number})",
                           questions="Up to 5 questions asked before the ticket opens, separated by |")
    @app_commands.checks.has_permissions(manage_guild=True)
    async def category_set(self, interaction: discord.Interaction, name: app_commands.Range[str, 1, cats.NAME_MAX],
                           staff_role: discord.Role, staff_role_2: discord.Role | None = None,
                           staff_role_3: discord.Role | None = None,
                           discord_category: discord.CategoryChannel | None = None, template: str | None = None,
                           questions: str | None = None) -> None:
        roles = list(dict.fromkeys(r for r in (staff_role, staff_role_2, staff_role_3) if r is not None))
        for role in roles:
            if role.is_default() or role.managed:
                raise BadInput(f"{role.mention} can't be a ticket staff role (it is @everyone or a bot's role): "
                               "tickets would no longer be private.")
        clean_name = " ".join(name.split())
        checked_template = cats.check_template(template) if template else cats.TEMPLATE_DEFAULT
        asked = cats.parse_questions(questions)
        saved = await cats.save(self.desk.pool, interaction.guild_id, clean_name, [r.id for r in roles],
                                discord_category and discord_category.id, checked_template, asked,
                                interaction.user.id, self.bot.clock.now())
        lines = [f"✅ Ticket category **{saved.name}**: staff {', '.join(r.mention for r in roles)}; channels "
                 f"`{checked_template}`" + (f" in **{discord_category.name}**" if discord_category else "") + "."]
        lines.append(f"Form: {len(asked)} question(s)." if asked else "No form: members describe their problem.")
        lines.append("Post the panel again (`/ticket panel`) to show it.")
        await interaction.response.send_message("\n".join(lines), ephemeral=True, allowed_mentions=NONE)

    @TICKET.command(name="category_delete", description="Remove a ticket category (admin)")
    @app_commands.default_permissions(manage_guild=True)
    @app_commands.describe(name="The category's name")
    @app_commands.checks.has_permissions(manage_guild=True)
    async def category_delete(self, interaction: discord.Interaction, name: str) -> None:
        if not await cats.delete(self.desk.pool, interaction.guild_id, name):
            raise UserFacingError(f"There is no ticket category “{name[:80]}”.")
        await interaction.response.send_message(
            f"🗑️ Ticket category **{name[:80]}** removed; its tickets keep their topic. Post the panel again.",
            ephemeral=True, allowed_mentions=NONE)

    @TICKET.command(name="categories", description="The server's ticket categories")
    async def categories_list(self, interaction: discord.Interaction) -> None:
        found = await cats.of_guild(self.desk.pool, interaction.guild_id)
        lines = [f"**{c.name}** · staff {' '.join(f'<@&{r}>' for r in c.staff_role_ids) or '–'} · "
                 f"`{c.name_template}` · {len(c.questions)} question(s)" for c in found]
        await interaction.response.send_message("\n".join(lines) or "No ticket categories yet: `/ticket "
                                                "category_set`.", ephemeral=True, allowed_mentions=NONE)

    @TICKET.command(name="move", description="Move a ticket to another category: its staff and access follow (staff)")
    @app_commands.describe(category="The ticket category to move it to",
                           ticket="Ticket number (default: this channel's ticket)")
    @TICKET_STAFF
    async def move(self, interaction: discord.Interaction, category: str, ticket: RowId | None = None) -> None:
        guild = interaction.guild
        found = await self.desk.resolve(guild.id, interaction.channel_id, ticket)
        if not await self.desk.is_staff(interaction.user, found):
            raise UserFacingError("Only staff can do that (the ticket staff role, Manage Channels or Manage Server).")
        if found.status not in lifecycle.ACTIVE:
            raise lifecycle.InvalidTransition(f"Ticket #{found.id} is {lifecycle.LABELS[found.status]}: reopen it "
                                              "first.")
        target = await cats.by_name(self.desk.pool, guild.id, category)
        if target is None:
            raise UserFacingError(f"There is no ticket category “{category[:80]}”: see `/ticket categories`.")
        if target.id == found.category_id:
            raise UserFacingError(f"Ticket #{found.id} is already in **{target.name}**.")
        old = await cats.get(self.desk.pool, guild.id, found.category_id) if found.category_id else None
        old_staff = (old and old.staff_roles(guild)) or await staff_roles(self.bot, STAFF, guild)
        new_staff = target.staff_roles(guild) or await staff_roles(self.bot, STAFF, guild)
        channel = self.desk.channel_of(guild, found)
        if channel is not None:
            reason = f"Ticket #{found.id} moved to {target.name} by {interaction.user}"
            for role in old_staff:
                if role not in new_staff:
                    await channel.set_permissions(role, overwrite=None, reason=reason)
            for role in new_staff:
                await channel.set_permissions(role, overwrite=PARTICIPANT, reason=reason)
            parent = guild.get_channel(target.discord_category_id) if target.discord_category_id else None
            if isinstance(parent, discord.CategoryChannel) and parent.id != channel.category_id:
                await channel.edit(category=parent, sync_permissions=False, reason=reason)
        await repo.move(self.desk.pool, guild.id, found.id, None, {"category_id": target.id, "category": target.name},
                        self.bot.clock.now())
        if channel is not None:
            await channel.send(f"📂 {interaction.user.mention} moved this ticket to **{target.name}**.",
                               allowed_mentions=NONE)
        await interaction.response.send_message(f"Ticket #{found.id} moved to **{target.name}**.", ephemeral=True,
                                                allowed_mentions=NONE)

    # --- a member's way through a category ----------------------------------------------------------------------

    async def ask_form(self, interaction: discord.Interaction, category_id: int) -> None:
        """A category's panel button (or /ticket open with a category that has a form): its form."""
        assert interaction.guild is not None and isinstance(interaction.user, discord.Member)
        category = await cats.get(self.desk.pool, interaction.guild.id, category_id)
        if category is None:
            raise UserFacingError("This ticket category no longer exists; the admins need to post the panel again.")
        await self.opening.check_can_open(interaction.guild, interaction.user, category.name)
        await interaction.response.send_modal(FormModal(self, category.id, category.name, category.questions))

    async def submit_form(self, interaction: discord.Interaction, category_id: int, description: str | None,
                          answers: list[tuple[str, str]]) -> None:
        """The form was sent (deferred): a form's answers open the ticket straight away (they are the intake);
        a plain description goes the usual way (FAQ answers first)."""
        assert interaction.guild is not None and isinstance(interaction.user, discord.Member)
        category = await cats.get(self.desk.pool, interaction.guild.id, category_id)
        if category is None:
            raise UserFacingError("This ticket category no longer exists.")
        if description is not None:
            await self.request(interaction, description, category.name)  # type: ignore[attr-defined]
            return
        clean = [(q, " ".join(a.split())[:cats.ANSWER_MAX]) for q, a in answers]
        await self.opening.check_can_open(interaction.guild, interaction.user, category.name)
        summary = "\n".join(f"{q}: {a}" for q, a in clean)[:4000]
        ticket = await self.opening.open(interaction.guild, interaction.user, summary, category.name, clean)
        await interaction.followup.send(opened_text(ticket), ephemeral=True)
