"""What a member may do and has in the Discord stand-in: one channel overwrite, the view and send permissions a
member ends up with in a channel, and whether a member holds a role."""

from __future__ import annotations

import discord

from tests.standin import permissions as perms
from tests.standin.models import Channel, Member, Role
from tests.standin.state import GuildState


def overwrite(channel: Channel, target_id: int) -> tuple[discord.Permissions, discord.Permissions] | None:
    """(allow, deny) of the channel's overwrite for a role or member id, or None when it has none."""
    found = channel.overwrites.get(target_id)
    if found is None:
        return None
    return discord.Permissions(found.allow), discord.Permissions(found.deny)


def can_view(guild: GuildState, member: Member, channel: Channel) -> bool:
    """Whether the member sees the channel (roles and overwrites applied, as Discord computes it)."""
    return bool(perms.channel_permissions(guild, member, channel) & perms.VIEW_CHANNEL)


def can_send(guild: GuildState, member: Member, channel: Channel) -> bool:
    """Whether the member may post in the channel."""
    return bool(perms.channel_permissions(guild, member, channel) & perms.SEND_MESSAGES)


def has_role(guild: GuildState, member: Member, role: Role) -> bool:
    """Whether the member holds the role now (read from the stand-in, not from the bot's cache)."""
    return role.id in guild.member(member.id).roles
