"""Ticket channels: what they look like (`TICKET_CHANNELS`: the permissions the bot needs, the private overwrites)
for the guild kit's private channels — which also place a new channel in the ticket category, or an overflow
category when Discord's limit of 50 channels per category is reached; with no ticket category set, or the set one
deleted, a private "Tickets" category is created and remembered — and the opener's write access as a ticket
closes and reopens."""

from __future__ import annotations

import discord

from cogs.tickets.settings import TICKETS_CATEGORY, TICKETS_OVERFLOW_CATEGORY
from core.guild_kit import PrivateChannelKind

# What each party may do in a ticket channel.
PARTICIPANT = discord.PermissionOverwrite(view_channel=True, send_messages=True, read_message_history=True,
                                          attach_files=True, embed_links=True)
BOT = discord.PermissionOverwrite(view_channel=True, send_messages=True, read_message_history=True,
                                  attach_files=True, embed_links=True, manage_channels=True)

TICKET_CHANNELS = PrivateChannelKind(
    category=TICKETS_CATEGORY, overflow_category=TICKETS_OVERFLOW_CATEGORY, label="ticket",
    bot=BOT, member=PARTICIPANT, staff=PARTICIPANT, purpose="run tickets",
    needed=("manage_channels", "manage_roles", "view_channel", "send_messages", "embed_links", "attach_files",
            "read_message_history"),
    default_category="Tickets",  # created when a ticket opens before /ticket setup chose a category
    default_reason="No ticket category was set (see /ticket setup): created the default one")


async def set_opener_can_write(channel: discord.TextChannel, user_id: int, can: bool) -> None:
    """Let the opener write again (reopened) or only read (closed); nothing when they left the server."""
    member = channel.guild.get_member(user_id)
    if member is None:
        return
    overwrite = channel.overwrites_for(member)
    overwrite.update(send_messages=can, view_channel=True, read_message_history=True)
    await channel.set_permissions(member, overwrite=overwrite, reason="Ticket reopened" if can else "Ticket closed")
