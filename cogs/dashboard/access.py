"""Who may manage which server on the dashboard, and whose member page is whose, decided on every request from the
bot's own gateway state.

A server is the user's to manage when the bot is in it and the user, as a member NOW, has Manage Server (as its
owner, through Administrator, or through Manage Server on one of their roles: `Member.guild_permissions`, which
the gateway keeps current as roles and members change), or holds the server's dashboard role
(`dashboard.manager_role`). The guild list Discord gave at login is never trusted for this: a permission or the
role lost after login closes the server's pages at the next request.

Any member of a server where the bot is has their own page there (`/dashboard/{guild}/me`, `member_of`): leaving
the server closes it at the next request.

A server held by another bot process (multi-process sharding) is not in this process's cache: `member_now` then
asks Discord over REST (cogs/dashboard/remote.py) and the permissions are computed from what Discord answers.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import discord

from cogs.dashboard.remote import DiscordUnavailable, base_permissions, fetch_member, held_here
from cogs.dashboard.settings import DASHBOARD_MANAGER_ROLE
from utils.cooldowns import Cooldown, OnCooldown

if TYPE_CHECKING:
    from core.hearth_bot import HearthBot


def member_of(bot: HearthBot, guild_id: int, user_id: int) -> discord.Member | None:
    """The user as a member of `guild_id` now (the bot is there too), else None."""
    guild = bot.get_guild(guild_id)
    if guild is None or guild.unavailable:
        return None
    return guild.get_member(user_id)


async def member_now(bot: HearthBot, guild_id: int, user_id: int, *,
                     limiter: Cooldown | None = None) -> discord.Member | None:
    """The user as a member of `guild_id` now: from this process's cache, or from Discord over REST when the guild
    is held by another process (raises `remote.DiscordUnavailable` when Discord does not answer, `OnCooldown`
    past the user's `limiter`)."""
    member = member_of(bot, guild_id, user_id)
    if member is None and bot.get_guild(guild_id) is None and not held_here(bot, guild_id):
        return await fetch_member(bot, guild_id, user_id, limiter=limiter)
    return member


def is_remote(bot: HearthBot, guild: discord.Guild) -> bool:
    """Whether the guild was fetched over REST (held by another process): member names are unknown here."""
    return bot.get_guild(guild.id) is not guild


async def may_manage(bot: HearthBot, member: discord.Member) -> bool:
    """Whether the member may use the server's manager pages: Manage Server, or the server's dashboard role."""
    if base_permissions(member.guild, member).manage_guild:
        return True
    role_id = await bot.guild_settings.setting(member.guild.id, DASHBOARD_MANAGER_ROLE)
    return role_id is not None and member.get_role(role_id) is not None


async def manager(bot: HearthBot, guild_id: int, user_id: int, *,
                  limiter: Cooldown | None = None) -> discord.Member | None:
    """The user as a member of `guild_id` when they may manage it on the dashboard now, else None."""
    member = await member_now(bot, guild_id, user_id, limiter=limiter)
    if member is None or not await may_manage(bot, member):
        return None
    return member


async def managed_guilds(bot: HearthBot, user_id: int, candidates: Iterable[int] = ()) -> list[discord.Guild]:
    """The servers the user may manage on the dashboard now, by name."""
    return [entry.guild for entry in (await member_guilds(bot, user_id, candidates)).entries if entry.manages]


MAX_REMOTE_CHECKS = 10  # servers of other processes asked about per server list (two REST calls each)


@dataclass(frozen=True)
class ServerEntry:
    """A server on the user's list: every server they are in with the bot, and whether they manage it."""

    guild: discord.Guild
    manages: bool
    remote: bool = False  # held by another bot process (checked over REST)


@dataclass(frozen=True)
class ServerList:
    """The user's servers, and how many servers of other processes were not checked (too many, or Discord did
    not answer): they are reachable by their address, checked when opened."""

    entries: list[ServerEntry]
    unchecked: int = 0


async def member_guilds(bot: HearthBot, user_id: int, candidates: Iterable[int] = (), *,
                        limiter: Cooldown | None = None) -> ServerList:
    """The servers the user is a member of where the bot is, by name, each saying whether they manage it: the
    ones in this process's cache, and those of the login's `candidates` that another process holds, checked over
    REST now (at most MAX_REMOTE_CHECKS; the candidates themselves are never trusted)."""
    entries = []
    for guild in bot.guilds:
        member = member_of(bot, guild.id, user_id)
        if member is not None:
            entries.append(ServerEntry(guild, await may_manage(bot, member)))
    elsewhere = [guild_id for guild_id in candidates
                 if bot.get_guild(guild_id) is None and not held_here(bot, guild_id)]
    unchecked = max(0, len(elsewhere) - MAX_REMOTE_CHECKS)
    for guild_id in elsewhere[:MAX_REMOTE_CHECKS]:
        try:
            member = await fetch_member(bot, guild_id, user_id, full=False, limiter=limiter)
        except (DiscordUnavailable, OnCooldown):
            unchecked += 1
            continue
        if member is not None:
            entries.append(ServerEntry(member.guild, await may_manage(bot, member), remote=True))
    entries.sort(key=lambda entry: (entry.guild.name.casefold(), entry.guild.id))
    return ServerList(entries, unchecked)
