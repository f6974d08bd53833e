"""The ticket desk: what every ticket operation looks up — the `tickets` settings, who is staff (`STAFF`), a ticket by
number or by channel and its channel, the inactivity windows — and the kinds of the two timer jobs."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

import discord

from cogs.tickets import categories, repo
from cogs.tickets.settings import TICKETS_CLOSE_AFTER, TICKETS_STAFF_ROLE, TICKETS_WARN_AFTER
from core.guild_kit import FIRST_SET, GUILD, StaffRule, is_staff, staff_roles
from core.settings_registry import SYSTEM_STAFF_ROLE
from utils.errors import UserFacingError

if TYPE_CHECKING:
    from cogs.tickets.cache import TicketCache
    from core.db import HearthPool
    from core.hearth_bot import HearthBot
    from core.timers import Job

INACTIVITY = "ticket_inactivity"  # warn, later auto-close, a ticket that waits for its opener
IDLE = "ticket_idle"  # warn, later auto-close, any active ticket nobody wrote in for a while (idle.py)
ARCHIVE = "ticket_archive"  # archive a closed ticket after `tickets.archive_delay`
NONE = discord.AllowedMentions.none()
# Ticket staff: Manage Channels or Manage Server (server-wide), or the ticket staff role — which replaces the
# server's staff role when set.
STAFF = StaffRule(permissions=("manage_channels", "manage_guild"), where=GUILD, combine=FIRST_SET,
                  roles=(TICKETS_STAFF_ROLE, SYSTEM_STAFF_ROLE))


def only_user(user_id: int) -> discord.AllowedMentions:
    """Mentions that ping exactly this member (the opener, when we wait for their reply)."""
    return discord.AllowedMentions(everyone=False, roles=False, users=[discord.Object(user_id)], replied_user=False)


def describe_job(job: Job) -> str:
    """A ticket timer job in words (for the timers' reports)."""
    return f"{job.kind.replace('_', ' ')} of ticket #{job.payload.get('ticket_id')}"


class TicketDesk:
    """The bot, the cog's pool and the channel map, with the look-ups every ticket operation shares."""

    def __init__(self, bot: HearthBot, pool: HearthPool, cache: TicketCache) -> None:
        self.bot = bot
        self.pool = pool
        self.cache = cache

    async def staff_role(self, guild: discord.Guild) -> discord.Role | None:
        """tickets.staff_role, else system.staff_role."""
        roles = await staff_roles(self.bot, STAFF, guild)
        return roles[0] if roles else None

    async def is_staff(self, member: discord.abc.User, ticket: repo.Ticket | None = None) -> bool:
        """Manage Channels / Manage Server, or the staff role (`STAFF`); for a ticket of a configured category,
        also the category's own staff roles."""
        if await is_staff(self.bot, STAFF, member):
            return True
        if ticket is None or ticket.category_id is None or not isinstance(member, discord.Member):
            return False
        category = await categories.get(self.pool, ticket.guild_id, ticket.category_id)
        return category is not None and any(role.id in category.staff_role_ids for role in member.roles)

    async def is_staff_anywhere(self, member: discord.abc.User) -> bool:
        """Staff of tickets somewhere on the server: the staff rule, or the staff role of any category."""
        if await is_staff(self.bot, STAFF, member):
            return True
        if not isinstance(member, discord.Member):
            return False
        roles = {role.id for role in member.roles}
        return any(roles & set(category.staff_role_ids)
                   for category in await categories.of_guild(self.pool, member.guild.id))

    async def inactivity_windows(self, guild_id: int) -> tuple[timedelta, timedelta]:
        """(warn after, close after) a waiting ticket's opener last wrote; closing never comes before warning."""
        warn = timedelta(seconds=await self.bot.guild_settings.setting(guild_id, TICKETS_WARN_AFTER))
        close = timedelta(seconds=await self.bot.guild_settings.setting(guild_id, TICKETS_CLOSE_AFTER))
        return warn, max(close, warn)

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

    @staticmethod
    def channel_of(guild: discord.Guild, ticket: repo.Ticket) -> discord.TextChannel | None:
        """The ticket's channel, if it still exists."""
        channel = guild.get_channel(ticket.channel_id) if ticket.channel_id else None
        return channel if isinstance(channel, discord.TextChannel) else None
