"""Who a stored text may ping: the one rule for every text that someone sets now and the bot posts later
(reminder messages, custom command responses, …).

The bot itself may usually mention everyone, so posting a stored text with the bot's own rights would let anyone
who can edit the text ping @everyone. Instead a text is posted with the pings its author could make themselves,
in the channel it is posted to, *at posting time* (a permission taken away since the text was written counts):

- an author with **Mention Everyone** there: @everyone, @here and every role;
- anyone else (or an author who is gone): users and the roles that are mentionable, as Discord allows any member.

When someone else also causes the post (the member whose message triggers a custom command), the post may only
make the pings that *every one* of them could make: a text never lets a person ping more than they could.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

import discord

from utils.members import find_member

log = logging.getLogger(__name__)

ROLE_MENTION = re.compile(r"<@&(\d{15,21})>")
EVERYONE = re.compile(r"@(everyone|here)\b")
MAX_LISTED_ROLES = 100  # Discord refuses allowed_mentions.roles longer than this

Channel = discord.abc.GuildChannel | discord.Thread


def may_mention_everyone(person: discord.Member | None, channel: Channel | discord.Guild) -> bool:
    """Whether `person` (None: unknown or gone) may ping @everyone, @here and any role in `channel` (a guild: with
    their server-wide permissions, for a text set where no channel is known yet, e.g. on the web dashboard)."""
    if not isinstance(person, discord.Member):
        return False
    if isinstance(channel, discord.Guild):
        return person.guild_permissions.mention_everyone
    return channel.permissions_for(person).mention_everyone


def allowed_mentions_for(text: str | None, channel: Channel, authors: Iterable[discord.Member | None], *,
                         replied_user: bool = False) -> discord.AllowedMentions:
    """The pings `text` may make when the bot posts it in `channel` for `authors` (the text's last author, and
    whoever else caused this post): only what every one of them could ping there themselves."""
    people = list(authors)
    ping_all = bool(people) and all(may_mention_everyone(person, channel) for person in people)
    if ping_all:
        return discord.AllowedMentions(everyone=True, roles=True, users=True, replied_user=replied_user)
    return discord.AllowedMentions(everyone=False, roles=_mentionable_roles(text or "", channel.guild),
                                   users=True, replied_user=replied_user)


def withheld_pings(text: str | None, channel: Channel | discord.Guild, author: discord.Member | None) -> list[str]:
    """What in `text` will not ping when posted for `author` in `channel` (@everyone, @here, roles that are not
    mentionable), to warn the author when they save it; empty when everything may ping. `channel` may be the
    guild when the text is set away from any channel (the web dashboard): its server-wide permissions count."""
    if not text or may_mention_everyone(author, channel):
        return []
    guild = channel if isinstance(channel, discord.Guild) else channel.guild
    withheld = [f"@{name}" for name in dict.fromkeys(EVERYONE.findall(text))]
    for raw in dict.fromkeys(ROLE_MENTION.findall(text)):
        role = guild.get_role(int(raw))
        if role is not None and not role.mentionable:
            withheld.append(role.mention)
    return withheld


def _mentionable_roles(text: str, guild: discord.Guild) -> list[discord.Role] | bool:
    roles = []
    for raw in dict.fromkeys(ROLE_MENTION.findall(text)):
        role = guild.get_role(int(raw))
        if role is not None and role.mentionable:
            roles.append(role)
    return roles[:MAX_LISTED_ROLES] or False


async def member_or_none(guild: discord.Guild, user_id: int | None) -> discord.Member | None:
    """The member with this id, or None when unknown, gone, or not known right now (Discord unavailable): a text
    whose author cannot be looked up is posted with the pings anyone may make, never more."""
    try:
        return await find_member(guild, user_id)
    except discord.HTTPException as exc:
        log.info("Could not look up member %s of guild %s (%s): posting with the least pings", user_id, guild.id, exc)
        return None
