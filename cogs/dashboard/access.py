"""Who may manage which server on the dashboard, and whose member page is whose, decided on every request from the
bot's own gateway state.

A server is the user's to manage when the bot is in it and the user, as a member NOW, has Manage Server: as its
owner, through Administrator, or through Manage Server on one of their roles (`Member.guild_permissions`, which
the gateway keeps current as roles and members change). The guild list Discord gave at login is never trusted
for this: a permission lost after login closes the server's pages at the next request.

Any member of a server where the bot is has their own page there (`/dashboard/{guild}/me`, `member_of`): leaving
the server closes it at the next request.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import discord

if TYPE_CHECKING:
    from core.hearth_bot import HearthBot


def manager(bot: HearthBot, guild_id: int, user_id: int) -> discord.Member | None:
    """The user as a member of `guild_id` when they may manage it on the dashboard now, else None."""
    guild = bot.get_guild(guild_id)
    if guild is None or guild.unavailable:
        return None
    member = guild.get_member(user_id)
    if member is None or not member.guild_permissions.manage_guild:
        return None
    return member


def managed_guilds(bot: HearthBot, user_id: int) -> list[discord.Guild]:
    """The servers the user may manage on the dashboard now, by name."""
    guilds = [guild for guild in bot.guilds if manager(bot, guild.id, user_id) is not None]
    return sorted(guilds, key=lambda guild: (guild.name.casefold(), guild.id))


def member_of(bot: HearthBot, guild_id: int, user_id: int) -> discord.Member | None:
    """The user as a member of `guild_id` now (the bot is there too), else None."""
    guild = bot.get_guild(guild_id)
    if guild is None or guild.unavailable:
        return None
    return guild.get_member(user_id)


@dataclass(frozen=True)
class ServerEntry:
    """A server on the user's list: every server they are in with the bot, and whether they manage it."""

    guild: discord.Guild
    manages: bool


def member_guilds(bot: HearthBot, user_id: int) -> list[ServerEntry]:
    """The servers the user is a member of where the bot is, by name, each saying whether they manage it."""
    entries = [ServerEntry(guild, manager(bot, guild.id, user_id) is not None) for guild in bot.guilds
               if member_of(bot, guild.id, user_id) is not None]
    return sorted(entries, key=lambda entry: (entry.guild.name.casefold(), entry.guild.id))
