"""Servers held by another bot process: in a multi-process deployment (SHARD_COUNT / SHARD_IDS, docs/scaling.md)
the process serving a dashboard page may not have the server in its gateway cache. Its access check then asks
Discord over REST with the bot's own HTTP client (never the user's OAuth2 guild list): the guild (its owner and
roles), the member (their roles), and computes the member's server permissions as Discord does
(`base_permissions`). The page gets that member on a guild filled from REST with its channels and the bot's own
member, so the settings forms, their validation and role safety (`set_checked`: the bot's top role, the member's)
work as on a held server. Member names other than the viewer's are not known there; pages say so.

Every request asks again (four REST calls: guild, member, channels, the bot's member): a permission lost is lost
at the next request, as on a held server. The checks are bounded per user (`REMOTE_CHECKS_PER_MINUTE`, the
cog's `remote_checks`), so nobody can spend the bot's REST rate limit by opening made-up server addresses."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord

if TYPE_CHECKING:
    from core.hearth_bot import HearthBot
    from utils.cooldowns import Cooldown

log = logging.getLogger(__name__)

REMOTE_CHECKS_PER_MINUTE = 60  # per user and process: each page of a server held elsewhere is one


class DiscordUnavailable(Exception):
    """Discord did not answer the access check (rate limit, outage): the page says to try again."""


def held_here(bot: HearthBot, guild_id: int) -> bool:
    """Whether this process holds the guild's shard (`(guild_id >> 22) % shard_count`); a process holding every
    shard holds every guild, so a guild missing from its cache is one the bot is not in."""
    count, ids = getattr(bot, "shard_count", None), getattr(bot, "shard_ids", None)
    if not count or count <= 1 or ids is None or set(ids) >= set(range(count)):
        return True
    return (guild_id >> 22) % count in ids


def base_permissions(guild: discord.Guild, member: discord.Member) -> discord.Permissions:
    """A member's server-wide permissions, computed as Discord documents it: the owner has all; otherwise the
    @everyone role's permissions OR those of each of their roles; Administrator grants all; a timed-out member
    keeps only View Channel and Read Message History."""
    if guild.owner_id == member.id:
        return discord.Permissions.all()
    value = guild.default_role.permissions.value
    for role in member.roles:  # the roles Discord sent for the member (deleted ones are not there)
        value |= role.permissions.value
    permissions = discord.Permissions(value)
    if permissions.administrator:
        return discord.Permissions.all()
    if member.is_timed_out():
        return discord.Permissions(view_channel=True, read_message_history=True)
    return permissions


async def fetch_member(bot: HearthBot, guild_id: int, user_id: int, *, full: bool = True,
                       limiter: Cooldown | None = None) -> discord.Member | None:
    """The user as a member of a guild held by another process, fetched from Discord now (None: the bot or the
    user is not in it). Raises `DiscordUnavailable` when Discord does not answer, `OnCooldown` when the user made
    too many such checks (`limiter`). `full=False` (the server list) reads only the guild and the member: enough
    for the permissions, not for a page."""
    if limiter is not None:
        limiter.hit(user_id)
    try:
        guild = await bot.fetch_guild(guild_id, with_counts=False)
        member = await guild.fetch_member(user_id)
        if not full:
            return member
        # Fill the fetched guild as the gateway would: its channels and the bot's own member (role safety).
        for channel in await guild.fetch_channels():
            guild._add_channel(channel)
        guild._add_member(member)
        if bot.user is not None and bot.user.id != user_id:
            guild._add_member(await guild.fetch_member(bot.user.id))
    except (discord.NotFound, discord.Forbidden):
        return None
    except discord.HTTPException as exc:
        log.warning("Dashboard: Discord did not answer the access check of guild %s: %s", guild_id, exc)
        raise DiscordUnavailable from exc
    return member
