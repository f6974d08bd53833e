"""`/ticket reply <tag>` (a mixin of the tickets cog): a canned staff reply from the server's tags.

Staff only, in an active ticket's channel. The tag is read through the tags' public API (`TagsApi` on `bot.apis`),
posted as it is by `/tag get` (its image as an embed) under the staff member's name, with the pings both the tag's
last author and the staff member may make there; it counts as the tag's use and as a staff reply (the idle clock
restarts; the first one is the ticket's first response)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands

from cogs.tags.api import TagsApi
from cogs.tickets import lifecycle
from cogs.tickets.checks import NOT_STAFF, TICKET_STAFF
from cogs.tickets.group import TICKET
from utils.errors import UserFacingError

if TYPE_CHECKING:
    from cogs.tickets.desk import TicketDesk
    from cogs.tickets.inactivity import Inactivity
    from core.hearth_bot import HearthBot

NONE = discord.AllowedMentions.none()
CONTENT_MAX = 2000


class CannedReplies:
    """`/ticket reply`."""

    bot: HearthBot
    desk: TicketDesk
    inactivity: Inactivity

    @TICKET.command(name="reply", description="Post a tag as your reply in this ticket (staff)")
    @app_commands.describe(tag="The tag (name or alias) to post")
    @TICKET_STAFF
    async def reply(self, interaction: discord.Interaction, tag: str) -> None:
        guild, staff = interaction.guild, interaction.user
        assert guild is not None and isinstance(staff, discord.Member)
        ticket = await self.desk.resolve(guild.id, interaction.channel_id, None)
        if not await self.desk.is_staff(staff, ticket):
            raise UserFacingError(NOT_STAFF)
        if ticket.status not in lifecycle.ACTIVE:
            raise lifecycle.InvalidTransition(f"Ticket #{ticket.id} is {lifecycle.LABELS[ticket.status]}: reopen it "
                                              "first.")
        channel = self.desk.channel_of(guild, ticket)
        if channel is None:
            raise UserFacingError("The ticket's channel no longer exists.")
        tags = self.bot.apis.require(TagsApi, "Tags")
        found = await tags.get(guild.id, tag)
        if found is None:
            raise UserFacingError(f"There is no tag “{discord.utils.escape_markdown(tag[:80])}”: pick one from the "
                                  "list (`/tag list` shows them all).")
        message = await tags.message_of(found, channel, staff)
        name = discord.utils.escape_markdown(staff.display_name)
        head = f"💬 **{name}** (staff)"
        content = f"{head}\n{message.content}" if message.content else head
        if len(content) > CONTENT_MAX:
            content = content[:CONTENT_MAX - 1] + "…"
        await channel.send(content, embed=message.embed or discord.utils.MISSING,
                           allowed_mentions=message.allowed_mentions)
        tags.count_use(guild.id, found.id)
        ref = self.desk.cache.get(channel.id)
        if ref is not None:
            await self.inactivity.staff_replied(ref)
        await interaction.response.send_message(f"Posted the tag `{found.name}` in ticket #{ticket.id}.",
                                                ephemeral=True, allowed_mentions=NONE)

    @reply.autocomplete("tag")
    async def _tag_choices(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        tags = self.bot.apis.get(TagsApi)
        if tags is None or interaction.guild_id is None or not await self.desk.is_staff(interaction.user):
            return []  # autocomplete applies the command's check (category staff: type the name)
        hits = await tags.search(interaction.guild_id, current, 25) if current.strip() else []
        return [app_commands.Choice(name=hit.tag.name[:100], value=hit.tag.name[:100]) for hit in hits]
